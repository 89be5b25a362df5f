package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.sandbox.PoaSandbox;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Each missing or invalid property stops startup with a failure analysis that names it and says
 * what to do, and never shows the secret.
 */
class PoaAuthFailureAnalyzerTest {
  /** Distinctive, so that any leak into a message is found. */
  private static final String SECRET = "s3cr3t-must-never-show-8c41";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PoaAuthAutoConfiguration.class,
          PoaAuthHealthAutoConfiguration.class));

  @ParameterizedTest(name = "{0} missing")
  @CsvSource({
      "poa.auth.base-url, POA environment's address",
      "poa.auth.client-id, client_id",
      "poa.auth.client-secret, client_secret"})
  void requiredPropertyMissing_namesItAndWhatToSet(String missing, String advice) {
    List<String> properties = new ArrayList<>(List.of(
        "poa.auth.base-url=https://poa.example.com", "poa.auth.client-id=partner-1",
        "poa.auth.client-secret=" + SECRET));
    properties.removeIf(p -> p.startsWith(missing + "="));
    FailureAnalysis analysis = analyze(properties.toArray(String[]::new));

    assertThat(analysis.getDescription()).contains(missing).contains("is not set");
    assertThat(analysis.getAction()).contains(advice);
    assertNoSecret(analysis);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "poa.auth.base-url | http://poa.example.com | must use https",
      "poa.auth.base-url | not a url | not a valid URL",
      "poa.auth.token-path | token | absolute path",
      "poa.auth.name | has spaces | name must be",
      "poa.auth.api-hosts | https://api.poa.example.com | bare host name",
      "poa.auth.max-attempts | 0 | between 1 and 10",
      "poa.auth.connect-timeout | -1s | must be positive",
      "poa.auth.read-timeout | 0s | must be positive",
      "poa.auth.call-timeout | 0s | must be positive",
      "poa.auth.refresh-ahead | -1s | zero or positive",
      "poa.auth.expiry-skew | -1s | zero or positive",
      "poa.auth.rejection-cooldown | -1s | zero or positive",
      "poa.auth.circuit-breaker.failure-rate-threshold | 0 | more than 0",
      "poa.auth.circuit-breaker.window-size | 0 | between 1 and 1000",
      "poa.auth.circuit-breaker.open-duration | 0s | must be positive"})
  void invalidValue_namesThePropertyAndTheProblem(String property, String value, String problem) {
    FailureAnalysis analysis = analyze("poa.auth.base-url=https://poa.example.com",
        "poa.auth.client-id=partner-1", "poa.auth.client-secret=" + SECRET,
        property + "=" + value);

    assertThat(analysis.getDescription()).contains(property).contains(problem);
    assertThat(analysis.getAction()).contains(property);
    assertNoSecret(analysis);
  }

  @Test
  void retryMaxShorterThanInitial_namesTheRetryProperties() {
    FailureAnalysis analysis = analyze("poa.auth.base-url=https://poa.example.com",
        "poa.auth.client-id=partner-1", "poa.auth.client-secret=" + SECRET,
        "poa.auth.retry.initial-backoff=2s", "poa.auth.retry.max-backoff=1s");

    assertThat(analysis.getDescription()).contains("poa.auth.retry");
    assertNoSecret(analysis);
  }

  @Test
  void minimumCallsAboveWindow_namesMinimumCalls() {
    FailureAnalysis analysis = analyze("poa.auth.base-url=https://poa.example.com",
        "poa.auth.client-id=partner-1", "poa.auth.client-secret=" + SECRET,
        "poa.auth.circuit-breaker.window-size=2", "poa.auth.circuit-breaker.minimum-calls=5");

    assertThat(analysis.getDescription()).contains("poa.auth.circuit-breaker.minimum-calls");
    assertNoSecret(analysis);
  }

  @Test
  void sslBundleWithoutBundles_namesTheProperty() {
    FailureAnalysis analysis = analyze("poa.auth.base-url=https://poa.example.com",
        "poa.auth.client-id=partner-1", "poa.auth.client-secret=" + SECRET,
        "poa.auth.ssl-bundle=poa");

    assertThat(analysis.getDescription()).contains("poa.auth.ssl-bundle");
  }

  @Test
  void sandboxBaseUrl_overHttpToLoopback_isAccepted() {
    try (PoaSandbox sandbox = PoaSandbox.builder().start()) {
      runner.withPropertyValues("poa.auth.base-url=" + sandbox.baseUrl(),
          "poa.auth.client-id=x", "poa.auth.client-secret=" + SECRET)
          .run(context -> assertThat(context).hasNotFailed());
    }
  }

  private FailureAnalysis analyze(String... properties) {
    FailureAnalysis[] analysis = new FailureAnalysis[1];
    runner.withPropertyValues(properties).run(context -> {
      assertThat(context).hasFailed();
      Throwable failure = context.getStartupFailure();
      assertThat(failure.toString()).doesNotContain(SECRET);
      analysis[0] = new PoaAuthFailureAnalyzer().analyze(failure);
    });
    assertThat(analysis[0]).as("a failure analysis").isNotNull();
    return analysis[0];
  }

  private static void assertNoSecret(FailureAnalysis analysis) {
    assertThat(analysis.getDescription()).doesNotContain(SECRET);
    assertThat(analysis.getAction()).doesNotContain(SECRET);
    for (Throwable t = analysis.getCause(); t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
    }
  }
}
