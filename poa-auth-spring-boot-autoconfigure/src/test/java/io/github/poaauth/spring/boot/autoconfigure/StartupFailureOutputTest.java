package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A real {@code SpringApplication} that fails to start: Spring Boot finds the failure analyzer
 * through {@code META-INF/spring.factories} and prints its report, which names the property;
 * nothing printed, even with poa-auth's and property binding's loggers at DEBUG, holds the
 * secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureOutputTest {
  private static final String SECRET = "s3cr3t-in-startup-5e2b";

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
  }

  @Test
  void invalidBaseUrl_reportNamesTheProperty_andNothingPrintedHoldsTheSecret(CapturedOutput output) {
    assertThatThrownBy(() -> new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .properties("poa.auth.base-url=http://poa.example.com", "poa.auth.client-id=partner-1",
            "poa.auth.client-secret=" + SECRET, "logging.level.io.github.poaauth=DEBUG",
            "logging.level.org.springframework.boot.context.properties=DEBUG")
        .run()).isNotNull();

    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("poa.auth.base-url: invalid value: baseUrl must use https")
        .contains("Correct poa.auth.base-url")
        .doesNotContain(SECRET);
  }

  @Test
  void missingSecret_reportSaysWhereToSetIt(CapturedOutput output) {
    assertThatThrownBy(() -> new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .properties("poa.auth.base-url=https://poa.example.com", "poa.auth.client-id=partner-1")
        .run()).isNotNull();

    assertThat(output).contains("poa.auth.client-secret: is not set")
        .contains("POA_AUTH_CLIENT_SECRET");
  }
}
