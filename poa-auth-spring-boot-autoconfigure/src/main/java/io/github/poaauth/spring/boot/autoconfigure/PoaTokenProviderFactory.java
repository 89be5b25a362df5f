package io.github.poaauth.spring.boot.autoconfigure;

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

  /** The builder's setting names, as its messages start, and the properties they come from. */
  private static final Map<String, String> SETTINGS = Map.of(
      "baseUrl", P + "base-url",
      "tokenPath", P + "token-path",
      "clientId", P + "client-id",
      "clientSecret", P + "client-secret",
      "name", P + "name",
      "retryBackoff", P + "retry",
      "circuitBreakerWindow", P + "circuit-breaker.minimum-calls");

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

    PoaTokenProvider.Builder b = PoaTokenProvider.builder();
    set("base-url", () -> b.baseUrl(p.getBaseUrl().trim()));
    set("token-path", () -> b.tokenPath(p.getTokenPath()));
    set("client-id", () -> b.clientId(p.getClientId().trim()));
    // Read at every token request: a rebound (rotated) secret is used without a restart.
    b.clientSecretSource(p::getClientSecret);
    set("name", () -> b.name(p.getName()));
    set("refresh-ahead", () -> b.refreshAhead(p.getRefreshAhead()));
    b.refreshJitter(p.isRefreshJitter());
    set("expiry-skew", () -> b.expirySkew(p.getExpirySkew()));
    set("connect-timeout", () -> b.connectTimeout(p.getConnectTimeout()));
    set("read-timeout", () -> b.readTimeout(p.getReadTimeout()));
    set("call-timeout", () -> b.callTimeout(p.getCallTimeout()));
    set("rejection-cooldown", () -> b.rejectionCooldown(p.getRejectionCooldown()));
    set("max-attempts", () -> b.maxAttempts(p.getMaxAttempts()));
    set("retry", () -> b.retryBackoff(p.getRetry().getInitialBackoff(),
        p.getRetry().getMaxBackoff()));
    set("circuit-breaker.failure-rate-threshold", () -> b.circuitBreakerFailureRateThreshold(
        p.getCircuitBreaker().getFailureRateThreshold()));
    set("circuit-breaker.window-size", () -> b.circuitBreakerWindow(
        p.getCircuitBreaker().getWindowSize(), p.getCircuitBreaker().getMinimumCalls()));
    set("circuit-breaker.open-duration", () -> b.circuitBreakerOpenDuration(
        p.getCircuitBreaker().getOpenDuration()));
    set("http-log-level", () -> b.httpLogLevel(p.getHttpLogLevel()));
    if (breakers != null) {
      b.circuitBreakerRegistry(breakers);
    }
    if (retries != null) {
      b.retryRegistry(retries);
    }
    if (listener != null) {
      b.listener(listener);
    }
    if (sslContext != null) {
      b.sslContext(sslContext);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid(propertyOf(e.getMessage()), e.getMessage());
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

  private static void set(String property, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw invalid(P + property, e.getMessage());
    }
  }

  private static PoaAuthConfigurationException invalid(String property, String problem) {
    return new PoaAuthConfigurationException(property, "invalid value: " + problem,
        "Correct " + property + " (see the poa.auth.* properties in the README).");
  }

  private static String propertyOf(String message) {
    String setting = message == null ? "" : message.split("[ :]", 2)[0];
    return SETTINGS.getOrDefault(setting, PoaAuthProperties.PREFIX);
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
