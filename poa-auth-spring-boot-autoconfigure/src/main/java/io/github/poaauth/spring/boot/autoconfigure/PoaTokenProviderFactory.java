package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.client.InvalidSettingException;
import io.github.poaauth.client.PoaApiAuthorization;
import io.github.poaauth.client.PoaTokenListener;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.net.URI;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Builds the provider from {@link PoaAuthProperties}, turning every rejected setting into a
 * {@link PoaAuthConfigurationException} that names the property. The builder's messages name the
 * setting and the bad value, never the secret; they are passed on as they are.
 */
final class PoaTokenProviderFactory {
  private static final String P = PoaAuthProperties.PREFIX + '.';

  /** The builder's settings ({@link InvalidSettingException#setting()}) and their properties. */
  private static final Map<String, String> SETTINGS = Map.ofEntries(
      Map.entry("baseUrl", P + "base-url"),
      Map.entry("tokenPath", P + "token-path"),
      Map.entry("clientId", P + "client-id"),
      Map.entry("clientSecret", P + "client-secret"),
      Map.entry("name", P + "name"),
      Map.entry("refreshAhead", P + "refresh-ahead"),
      Map.entry("expirySkew", P + "expiry-skew"),
      Map.entry("connectTimeout", P + "connect-timeout"),
      Map.entry("readTimeout", P + "read-timeout"),
      Map.entry("callTimeout", P + "call-timeout"),
      Map.entry("rejectionCooldown", P + "rejection-cooldown"),
      Map.entry("maxAttempts", P + "max-attempts"),
      Map.entry("retryBackoff", P + "retry"),
      Map.entry("circuitBreakerFailureRateThreshold",
          P + "circuit-breaker.failure-rate-threshold"),
      Map.entry("circuitBreakerWindowSize", P + "circuit-breaker.window-size"),
      Map.entry("circuitBreakerMinimumCalls", P + "circuit-breaker.minimum-calls"),
      Map.entry("circuitBreakerOpenDuration", P + "circuit-breaker.open-duration"));

  private PoaTokenProviderFactory() {
  }

  static PoaTokenProvider create(PoaAuthProperties p, CircuitBreakerRegistry breakers,
      RetryRegistry retries, PoaTokenListener listener, SSLContext sslContext) {
    required("base-url", p.getBaseUrl(), "Set it to the POA environment's address, such as "
        + "https://poa.example.com (environment variable POA_AUTH_BASE_URL).");
    required("client-id", p.getClientId(), "Set it to the client_id POA support shared "
        + "(environment variable POA_AUTH_CLIENT_ID).");
    required("client-secret", p.getClientSecret(), "Set it to the client_secret POA support "
        + "shared, from a secret store or the environment variable POA_AUTH_CLIENT_SECRET; "
        + "never in a committed file.");

    PoaTokenProvider.Builder b = PoaTokenProvider.builder()
        .baseUrl(p.getBaseUrl().trim())
        .tokenPath(p.getTokenPath())
        .clientId(p.getClientId().trim())
        // Read at every token request: a rebound (rotated) secret is used without a restart.
        .clientSecretSource(p::getClientSecret)
        .name(p.getName())
        .refreshAhead(p.getRefreshAhead())
        .refreshJitter(p.isRefreshJitter())
        .expirySkew(p.getExpirySkew())
        .connectTimeout(p.getConnectTimeout())
        .readTimeout(p.getReadTimeout())
        .callTimeout(p.getCallTimeout())
        .rejectionCooldown(p.getRejectionCooldown())
        .retry(p.getMaxAttempts(), p.getRetry().getInitialBackoff(), p.getRetry().getMaxBackoff())
        .circuitBreaker(p.getCircuitBreaker().getFailureRateThreshold(),
            p.getCircuitBreaker().getWindowSize(), p.getCircuitBreaker().getMinimumCalls(),
            p.getCircuitBreaker().getOpenDuration())
        .registries(breakers, retries);
    if (listener != null) {
      b.listener(listener);
    }
    if (sslContext != null) {
      b.sslContext(sslContext);
    }
    try {
      return b.build();
    } catch (InvalidSettingException e) {
      throw invalid(SETTINGS.getOrDefault(e.setting(), PoaAuthProperties.PREFIX), e.getMessage());
    }
  }

  /** The hosts that may receive the token: {@code api-hosts}, or else the base URL's host. */
  static PoaApiAuthorization authorization(PoaTokenProvider tokens, PoaAuthProperties p) {
    List<String> hosts = p.getApiHosts();
    if (hosts == null || hosts.isEmpty()) {
      hosts = List.of(URI.create(p.getBaseUrl().trim()).getHost());
    }
    try {
      return PoaApiAuthorization.forHosts(tokens, hosts);
    } catch (IllegalArgumentException e) {
      throw invalid(P + "api-hosts", e.getMessage());
    }
  }

  private static void required(String property, String value, String action) {
    if (value == null || value.isBlank()) {
      throw new PoaAuthConfigurationException(P + property, "is not set", action);
    }
  }

  private static PoaAuthConfigurationException invalid(String property, String problem) {
    return new PoaAuthConfigurationException(property, "invalid value: " + problem,
        "Correct " + property + " (see docs/CONFIGURATION.md for every poa.auth.* property).");
  }

  /** Combines several listener beans into one, each called in turn. */
  static PoaTokenListener combine(List<PoaTokenListener> listeners) {
    if (listeners.isEmpty()) {
      return null;
    }
    if (listeners.size() == 1) {
      return listeners.get(0);
    }
    List<PoaTokenListener> all = List.copyOf(listeners);
    return event -> all.forEach(l -> l.onEvent(event));
  }

}
