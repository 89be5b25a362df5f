package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.poaauth.client.PoaTokenProvider;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

/**
 * The generated configuration metadata (what IDEs show) documents every property, and its
 * defaults are the client's own constants: the hand-written defaults cannot drift from them.
 */
class ConfigurationMetadataTest {

  @Test
  void everyPropertyHasADescription_andTheDefaultsAreTheClientsConstants() throws Exception {
    Map<String, JsonNode> properties = new HashMap<>();
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      new ObjectMapper().readTree(in).get("properties")
          .forEach(p -> properties.put(p.get("name").asText(), p));
    }

    assertThat(properties.keySet()).contains("poa.auth.base-url", "poa.auth.client-id",
        "poa.auth.client-secret", "poa.auth.api-hosts", "poa.auth.ssl-bundle");
    properties.forEach((name, p) -> assertThat(p.path("description").asText())
        .as("description of %s", name).isNotBlank());

    PoaAuthProperties defaults = new PoaAuthProperties();
    assertThat(text(properties, "poa.auth.token-path")).isEqualTo(PoaTokenProvider.DEFAULT_TOKEN_PATH);
    assertThat(text(properties, "poa.auth.name")).isEqualTo(PoaTokenProvider.DEFAULT_NAME);
    assertThat(duration(properties, "poa.auth.refresh-ahead")).isEqualTo(defaults.getRefreshAhead());
    assertThat(duration(properties, "poa.auth.expiry-skew")).isEqualTo(defaults.getExpirySkew());
    assertThat(duration(properties, "poa.auth.connect-timeout")).isEqualTo(defaults.getConnectTimeout());
    assertThat(duration(properties, "poa.auth.read-timeout")).isEqualTo(defaults.getReadTimeout());
    assertThat(duration(properties, "poa.auth.call-timeout")).isEqualTo(defaults.getCallTimeout());
    assertThat(duration(properties, "poa.auth.rejection-cooldown"))
        .isEqualTo(defaults.getRejectionCooldown());
    assertThat(duration(properties, "poa.auth.retry.initial-backoff"))
        .isEqualTo(defaults.getRetry().getInitialBackoff());
    assertThat(duration(properties, "poa.auth.retry.max-backoff"))
        .isEqualTo(defaults.getRetry().getMaxBackoff());
    assertThat(duration(properties, "poa.auth.circuit-breaker.open-duration"))
        .isEqualTo(defaults.getCircuitBreaker().getOpenDuration());
    assertThat(number(properties, "poa.auth.max-attempts")).isEqualTo(defaults.getMaxAttempts());
    assertThat(number(properties, "poa.auth.circuit-breaker.failure-rate-threshold"))
        .isEqualTo(defaults.getCircuitBreaker().getFailureRateThreshold());
    assertThat(number(properties, "poa.auth.circuit-breaker.window-size"))
        .isEqualTo(defaults.getCircuitBreaker().getWindowSize());
    assertThat(number(properties, "poa.auth.circuit-breaker.minimum-calls"))
        .isEqualTo(defaults.getCircuitBreaker().getMinimumCalls());
  }

  /** The property defaults are the client builder's: both providers list the same settings. */
  @Test
  void theBoundDefaultsAreTheClientsDefaults() {
    PoaAuthProperties p = new PoaAuthProperties();
    p.setBaseUrl("https://poa.example.com");
    p.setClientId("partner-1");
    p.setClientSecret("top-secret-99");
    try (PoaTokenProvider fromProperties = PoaTokenProviderFactory.create(p, null, null, null,
        null);
        PoaTokenProvider fromBuilder = PoaTokenProvider.builder()
            .baseUrl("https://poa.example.com").clientId("partner-1")
            .clientSecret("top-secret-99").build()) {
      assertThat(fromProperties.toString()).isEqualTo(fromBuilder.toString());
    }
    assertThat(p.isRefreshJitter()).isTrue();
    assertThat(p.toString()).doesNotContain("top-secret-99").contains("clientSecret=****");
  }

  private static String text(Map<String, JsonNode> properties, String name) {
    return properties.get(name).get("defaultValue").asText();
  }

  private static Duration duration(Map<String, JsonNode> properties, String name) {
    return DurationStyle.detectAndParse(text(properties, name));
  }

  private static double number(Map<String, JsonNode> properties, String name) {
    return properties.get(name).get("defaultValue").asDouble();
  }
}
