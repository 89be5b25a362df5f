package io.github.poaauth.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.aot.AotDetector;

/**
 * The build processed the service ahead of time (spring-boot-maven-plugin process-aot and
 * process-test-aot), and the surefire execution aot-tests runs the tests in AOT mode: there,
 * Spring uses the generated initializers (a test context without one fails to start). The
 * GraalVM metadata that process-aot wrote for the service holds the starter's hints
 * (PoaAuthRuntimeHints), which a native image build would read.
 */
class AotModeTest {

  private static final String METADATA = "META-INF/native-image/io.github.poaauth/"
      + "poa-auth-spring-boot-sample/reachability-metadata.json";

  @Test
  void processAot_generatedTheApplicationsInitializer() throws ClassNotFoundException {
    assertThat(Class.forName(PartnerServiceApplication.class.getName()
        + "__ApplicationContextInitializer")).isNotNull();
  }

  @Test
  void inTheAotExecution_springUsesTheGeneratedArtifacts() {
    assumeTrue(Boolean.getBoolean("spring.aot.enabled"), "not the aot-tests execution");

    assertThat(AotDetector.useGeneratedArtifacts()).isTrue();
  }

  @Test
  void theServicesNativeImageMetadata_holdsTheStartersHints() throws IOException {
    JsonNode metadata;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(METADATA)) {
      assertThat(in).as(METADATA).isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> types = new ArrayList<>();
    List<String> proxies = new ArrayList<>();
    for (JsonNode entry : metadata.path("reflection")) {
      JsonNode type = entry.path("type");
      if (type.isTextual()) {
        types.add(type.asText());
      } else {
        proxies.add(type.path("proxy").toString());
      }
    }

    assertThat(types).contains("io.github.poaauth.api.model.TokenResponse",
        "io.github.poaauth.api.model.OAuthError", "io.github.poaauth.api.TokenApi",
        "io.github.resilience4j.circuitbreaker.CircuitBreakerConfig$Builder",
        "io.github.poaauth.spring.boot.autoconfigure.PoaAuthProperties");
    assertThat(proxies).contains("[\"io.github.poaauth.api.TokenApi\"]",
        "[\"io.github.poaauth.sample.PoaOrdersClient\"]");
  }
}
