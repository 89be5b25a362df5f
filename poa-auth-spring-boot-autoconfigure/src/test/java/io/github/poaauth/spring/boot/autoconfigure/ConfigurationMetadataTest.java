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

    assertThat(text(properties, "poa.auth.token-path")).isEqualTo(PoaTokenProvider.DEFAULT_TOKEN_PATH);
    assertThat(text(properties, "poa.auth.name")).isEqualTo(PoaTokenProvider.DEFAULT_NAME);
    assertThat(duration(properties, "poa.auth.refresh-ahead")).isEqualTo(PoaTokenProvider.DEFAULT_REFRESH_AHEAD);
    assertThat(duration(properties, "poa.auth.expiry-skew")).isEqualTo(PoaTokenProvider.DEFAULT_EXPIRY_SKEW);
    assertThat(duration(properties, "poa.auth.connect-timeout")).isEqualTo(PoaTokenProvider.DEFAULT_CONNECT_TIMEOUT);
    assertThat(duration(properties, "poa.auth.read-timeout")).isEqualTo(PoaTokenProvider.DEFAULT_READ_TIMEOUT);
    assertThat(duration(properties, "poa.auth.call-timeout")).isEqualTo(PoaTokenProvider.DEFAULT_CALL_TIMEOUT);
    assertThat(duration(properties, "poa.auth.rejection-cooldown")).isEqualTo(PoaTokenProvider.DEFAULT_REJECTION_COOLDOWN);
    assertThat(duration(properties, "poa.auth.retry.initial-backoff")).isEqualTo(PoaTokenProvider.DEFAULT_RETRY_INITIAL_BACKOFF);
    assertThat(duration(properties, "poa.auth.retry.max-backoff")).isEqualTo(PoaTokenProvider.DEFAULT_RETRY_MAX_BACKOFF);
    assertThat(duration(properties, "poa.auth.circuit-breaker.open-duration")).isEqualTo(PoaTokenProvider.DEFAULT_CIRCUIT_BREAKER_OPEN);
    assertThat(number(properties, "poa.auth.max-attempts")).isEqualTo(PoaTokenProvider.DEFAULT_MAX_ATTEMPTS);
    assertThat(number(properties, "poa.auth.circuit-breaker.failure-rate-threshold"))
        .isEqualTo(PoaTokenProvider.DEFAULT_CIRCUIT_BREAKER_FAILURE_RATE);
    assertThat(number(properties, "poa.auth.circuit-breaker.window-size")).isEqualTo(PoaTokenProvider.DEFAULT_CIRCUIT_BREAKER_WINDOW);
    assertThat(number(properties, "poa.auth.circuit-breaker.minimum-calls"))
        .isEqualTo(PoaTokenProvider.DEFAULT_CIRCUIT_BREAKER_MINIMUM_CALLS);
  }

  @Test
  void theBoundDefaultsAreTheClientsConstantsToo() {
    PoaAuthProperties p = new PoaAuthProperties();
    assertThat(p.isRefreshJitter()).isTrue();
    assertThat(p.getConnectTimeout()).isEqualTo(PoaTokenProvider.DEFAULT_CONNECT_TIMEOUT);
    assertThat(p.getCircuitBreaker().getWindowSize()).isEqualTo(PoaTokenProvider.DEFAULT_CIRCUIT_BREAKER_WINDOW);
    p.setClientSecret("top-secret-99");
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
