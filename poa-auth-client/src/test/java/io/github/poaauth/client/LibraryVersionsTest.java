package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import feign.Feign;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The Feign, Jackson and Resilience4j this test run loaded are the ones the POM sets: ours by
 * default, or a Spring BOM's under profiles libs-boot-3.5 and libs-boot-4.0 (surefire passes
 * them as system properties). .ci/matrix checks that the profile it asked for was applied.
 */
class LibraryVersionsTest {
  @Test
  void theVersionsOnTheTestClasspath_areTheOnesThePomSets() throws IOException {
    String line = System.getProperty("poa.matrix.line");
    assertThat(mavenVersion("io.github.openfeign", "feign-core", Feign.class))
        .as("Feign (line %s)", line).isEqualTo(System.getProperty("poa.expected.feign.version"));
    String jackson = System.getProperty("poa.expected.jackson.version");
    assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString())
        .as("jackson-databind (line %s)", line).isEqualTo(jackson);
    assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString())
        .as("jackson-core (line %s)", line).isEqualTo(jackson);
    String resilience4j = System.getProperty("poa.expected.resilience4j.version");
    for (Class<?> type : List.of(CircuitBreaker.class, Retry.class, IntervalFunction.class)) {
      assertThat(type.getPackage().getImplementationVersion())
          .as("%s's jar (line %s)", type.getName(), line).isEqualTo(resilience4j);
    }
  }

  /**
   * Resilience4j 2.3 added the breaker's clock setting; on 2.2 (Spring Boot 3.5's) the breaker's
   * open state runs on the system clock, and the tests of it on the injected clock do not run.
   */
  @Test
  void theBreakerReadsTheProvidersClock_exactlyFromResilience4j23() {
    String[] v = CircuitBreaker.class.getPackage().getImplementationVersion().split("\\.");
    boolean from23 = Integer.parseInt(v[0]) > 2 || Integer.parseInt(v[0]) == 2
        && Integer.parseInt(v[1]) >= 3;
    assertThat(breakerTakesClock()).isEqualTo(from23);
  }

  static boolean breakerTakesClock() {
    return GuardedFetch.BREAKER_TAKES_CLOCK;
  }

  /** The version in the one pom.properties of that artifact on the classpath. */
  private static String mavenVersion(String group, String artifact, Class<?> anyClass)
      throws IOException {
    String path = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    List<URL> found = Collections.list(anyClass.getClassLoader().getResources(path));
    assertThat(found).as("%s:%s on the classpath", group, artifact).hasSize(1);
    Properties properties = new Properties();
    try (InputStream in = found.get(0).openStream()) {
      properties.load(in);
    }
    return properties.getProperty("version");
  }
}
