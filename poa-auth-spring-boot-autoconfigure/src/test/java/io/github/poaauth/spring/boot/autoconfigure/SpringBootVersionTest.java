package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/**
 * These tests run on the Spring Boot this POM sets: 4.0.7, or 4.1.2 under profile
 * spring-boot-4.1 (.ci/matrix, which also checks that the profile was applied).
 */
class SpringBootVersionTest {
  @Test
  void theSpringBootOnTheTestClasspath_isTheOneThePomSets() {
    assertThat(SpringBootVersion.getVersion())
        .isEqualTo(System.getProperty("poa.expected.spring-boot.version"));
  }
}
