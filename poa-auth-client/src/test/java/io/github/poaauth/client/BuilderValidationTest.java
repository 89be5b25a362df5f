package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuilderValidationTest {

  private static PoaTokenProvider.Builder complete() {
    return PoaTokenProvider.builder().baseUrl("https://poa.example.com")
        .clientId("partner-1").clientSecret("top-secret");
  }

  @Test
  void missingBaseUrl_namesTheSetting() {
    assertThatThrownBy(() -> complete().baseUrl(null).build())
        .isInstanceOfSatisfying(InvalidSettingException.class,
            e -> assertThat(e.setting()).isEqualTo("baseUrl"))
        .hasMessageContaining("baseUrl is required but was not set");
  }

  @Test
  void blankClientId_namesTheSetting() {
    assertThatThrownBy(() -> complete().clientId("  ").build())
        .isInstanceOfSatisfying(InvalidSettingException.class,
            e -> assertThat(e.setting()).isEqualTo("clientId"))
        .hasMessageContaining("clientId is required but was blank");
  }

  @Test
  void missingSecret_namesTheSetting() {
    assertThatThrownBy(() -> complete().clientSecret((String) null).build())
        .isInstanceOfSatisfying(InvalidSettingException.class,
            e -> assertThat(e.setting()).isEqualTo("clientSecret"))
        .hasMessageContaining("clientSecret is required");
  }

  @Test
  void plainHttpToRemoteHost_isRefused_withHowToFix() {
    assertThatThrownBy(() -> complete().baseUrl("http://poa.example.com").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must use https for host poa.example.com")
        .hasMessageContaining("Use https");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost:8080", "http://127.0.0.1:1/", "http://127.1.2.3",
      "http://[::1]:9000", "https://poa.example.com/", "https://poa.example.com/base//"})
  void loopbackHttpAndHttps_areAccepted(String url) {
    try (PoaTokenProvider p = complete().baseUrl(url).build()) {
      assertThat(p.toString()).contains("baseUrl=" + url.replaceAll("/+$", ""));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"poa.example.com", "ftp://poa.example.com", "https://", "https://poa.example.com?x=1",
      "https://user:pw@poa.example.com", "not a url"})
  void malformedBaseUrl_isRefused(String url) {
    assertThatThrownBy(() -> complete().baseUrl(url).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseUrl")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw@"));
  }

  @Test
  void badValues_areRefusedByBuild_namingTheSettingAndTheValue() {
    assertThatThrownBy(() -> complete().connectTimeout(Duration.ZERO).build())
        .isInstanceOfSatisfying(InvalidSettingException.class,
            e -> assertThat(e.setting()).isEqualTo("connectTimeout"))
        .hasMessage("connectTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> complete().callTimeout(Duration.ofSeconds(-1)).build())
        .hasMessage("callTimeout must be positive but was PT-1S");
    assertThatThrownBy(() -> complete().refreshAhead(Duration.ofSeconds(-1)).build())
        .hasMessage("refreshAhead must be zero or positive but was PT-1S");
    assertThatThrownBy(() -> complete().retry(11, Duration.ofMillis(1), Duration.ofMillis(1))
        .build()).hasMessage("maxAttempts must be between 1 and 10 but was 11");
    assertThatThrownBy(() -> complete().retry(3, Duration.ofSeconds(2), Duration.ofSeconds(1))
        .build()).isInstanceOfSatisfying(InvalidSettingException.class,
            e -> assertThat(e.setting()).isEqualTo("retryBackoff"));
    assertThatThrownBy(() -> complete().circuitBreaker(50, 5, 6, Duration.ofSeconds(1)).build())
        .isInstanceOfSatisfying(InvalidSettingException.class,
            e -> assertThat(e.setting()).isEqualTo("circuitBreakerMinimumCalls"));
    assertThatThrownBy(() -> complete().circuitBreaker(0, 5, 5, Duration.ofSeconds(1)).build())
        .hasMessageContaining("circuitBreakerFailureRateThreshold must be more than 0");
    assertThatThrownBy(() -> complete().clock(null).build())
        .isInstanceOfSatisfying(InvalidSettingException.class,
            e -> assertThat(e.setting()).isEqualTo("clock"));
  }

  @Test
  void toString_listsSettings_butMasksSecret() {
    PoaTokenProvider.Builder builder = complete();
    try (PoaTokenProvider p = builder.build()) {
      assertThat(p.toString()).contains("clientId=partner-1", "clientSecret=****",
          "callTimeout=PT30S").doesNotContain("top-secret");
      assertThat(builder.toString()).doesNotContain("top-secret");
    }
  }

  @Test
  void fromEnvironment_readsVariables_andPropertiesOverrideThem() {
    Properties props = new Properties();
    props.setProperty("poa.client-id", "from-property");
    PoaTokenProvider.Builder b = Settings.fromEnvironment(Map.of(
        "POA_BASE_URL", "https://poa.example.com", "POA_CLIENT_ID", "from-env",
        "POA_CLIENT_SECRET", "env-secret"), props);

    try (PoaTokenProvider p = b.build()) {
      assertThat(p.toString()).contains("clientId=from-property", "baseUrl=https://poa.example.com");
    }
  }

  @Test
  void fromEnvironment_missingSecret_namesVariableAndProperty() {
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of(
        "POA_BASE_URL", "https://poa.example.com", "POA_CLIENT_ID", "id"), new Properties()))
        .isInstanceOfSatisfying(InvalidSettingException.class,
            e -> assertThat(e.setting()).isEqualTo("clientSecret"))
        .hasMessage("POA clientSecret is not set: set the environment variable POA_CLIENT_SECRET "
            + "or the system property poa.client-secret");
  }
}
