package io.github.poaauth.client.internal;

import io.github.poaauth.client.PoaTokenListener;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Every setting of one provider: one immutable value, validated once when it is created, each
 * failure naming the setting, the bad value (never a secret) and the fix.
 *
 * <p>Unsupported API: this package may change without notice.
 *
 * @param name names the provider's circuit breaker and retry (in a partner's Resilience4j
 *     registries), its meters and log lines
 * @param baseUrl validated, without trailing slash
 * @param tokenPath the path appended to {@code baseUrl}, starting with {@code /}
 * @param clientSecret read at every token request (a partner may rotate it)
 * @param refreshJitter whether each token's refresh moves to a random point between half its
 *     lifetime and the refresh-ahead point
 * @param executor runs background refreshes
 * @param circuitBreakerRegistry where the breaker is created, or {@code null} for none
 * @param retryRegistry where the retry is created, or {@code null} for none
 * @param proxy proxy selection of the token request
 * @param sslContext TLS of the token request, or {@code null} for the JVM's default
 * @param httpLogLevel Feign log level of the token call
 */
public record ProviderSettings(
    String name,
    String baseUrl,
    String tokenPath,
    String clientId,
    Supplier<String> clientSecret,
    Duration refreshAhead,
    boolean refreshJitter,
    Duration expirySkew,
    Duration connectTimeout,
    Duration readTimeout,
    Duration callTimeout,
    Duration rejectionCooldown,
    int maxAttempts,
    Duration retryInitialBackoff,
    Duration retryMaxBackoff,
    float breakerFailureRateThreshold,
    int breakerWindowSize,
    int breakerMinimumCalls,
    Duration breakerOpenDuration,
    CircuitBreakerRegistry circuitBreakerRegistry,
    RetryRegistry retryRegistry,
    Clock clock,
    Executor executor,
    PoaTokenListener listener,
    ProxySelector proxy,
    SSLContext sslContext,
    feign.Logger.Level httpLogLevel) {

  /** The token path of the generated API ({@code TokenApi}'s request line): defined once, there. */
  public static final String DEFAULT_TOKEN_PATH = TokenCall.GENERATED_TOKEN_PATH;

  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+");

  /** Validates the combination; each value was checked when it was set. */
  public ProviderSettings {
    name = name(name);
    baseUrl = baseUrl(baseUrl);
    tokenPath = tokenPath(tokenPath);
    clientId = required("clientId", clientId);
    if (clientSecret == null) {
      throw new IllegalStateException("clientSecret is required but was not set: call "
          + "PoaTokenProvider.builder().clientSecret(…) or use PoaTokenProvider.fromEnvironment()");
    }
    if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
      throw new IllegalArgumentException("retryBackoff: the longest wait (" + retryMaxBackoff
          + ") must not be shorter than the first (" + retryInitialBackoff + ")");
    }
    if (breakerMinimumCalls > breakerWindowSize) {
      throw new IllegalArgumentException("circuitBreakerWindow: minimumCalls (" + breakerMinimumCalls
          + ") must not exceed the window size (" + breakerWindowSize + ")");
    }
  }

  /** Lists every setting that can be printed; the secret is masked. */
  @Override
  public String toString() {
    return "name=" + name + ", baseUrl=" + baseUrl + ", tokenPath=" + tokenPath
        + ", clientId=" + clientId + ", clientSecret=****"
        + ", refreshAhead=" + refreshAhead + (refreshJitter ? " (jittered)" : "")
        + ", expirySkew=" + expirySkew
        + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
        + ", callTimeout=" + callTimeout + ", rejectionCooldown=" + rejectionCooldown
        + ", maxAttempts=" + maxAttempts + ", retryBackoff=" + retryInitialBackoff + ".."
        + retryMaxBackoff + ", circuitBreaker=" + breakerFailureRateThreshold + "% of "
        + breakerWindowSize + " (min " + breakerMinimumCalls + "), open " + breakerOpenDuration
        + (proxy == null ? "" : ", proxy=" + proxy.getClass().getSimpleName())
        + (sslContext == null ? "" : ", sslContext=" + sslContext.getProtocol());
  }

  /** @throws IllegalStateException naming the setting when the value is null or blank */
  public static String required(String setting, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(setting + " is required but was "
          + (value == null ? "not set" : "blank") + ": call PoaTokenProvider.builder()." + setting
          + "(…) or use PoaTokenProvider.fromEnvironment()");
    }
    return value.trim();
  }

  /** @throws IllegalArgumentException naming the setting unless the value is positive */
  public static Duration positive(String setting, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive but was " + value);
    }
    return value;
  }

  /** @throws IllegalArgumentException naming the setting when the value is negative */
  public static Duration notNegative(String setting, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(setting + " must be zero or positive but was " + value);
    }
    return value;
  }

  /** @throws IllegalArgumentException naming the setting unless {@code min <= value <= max} */
  public static int between(String setting, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(setting + " must be between " + min + " and " + max
          + " but was " + value);
    }
    return value;
  }

  /**
   * Reads one setting: the system property wins over the environment variable.
   *
   * @throws IllegalStateException naming both when neither is set
   */
  public static String fromEnvironment(Map<String, String> env, Properties props, String variable,
      String property, String what) {
    String value = props.getProperty(property);
    if (value == null || value.isBlank()) {
      value = env.get(variable);
    }
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("POA " + what + " is not set: set the environment variable "
          + variable + " or the system property " + property);
    }
    return value.trim();
  }

  static String name(String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException("name must be 1 to 64 letters, digits, '.', '_' or '-' "
          + "(it names the circuit breaker, retry and meters) but was '" + value + "'");
    }
    return value;
  }

  static String tokenPath(String value) {
    if (value == null || !PATH.matcher(value).matches()) {
      throw new IllegalArgumentException("tokenPath must be an absolute path such as "
          + DEFAULT_TOKEN_PATH + " (no query, no fragment) but was '" + value + "'");
    }
    return value;
  }

  /**
   * Validates the base URL: absolute, {@code https} (or {@code http} to a loopback host), a port
   * in 1..65535 if any, no user info, query or fragment. Trailing slashes are removed.
   */
  public static String baseUrl(String value) {
    String url = required("baseUrl", value);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("baseUrl is not a valid URL (" + e.getReason()
          + "): give the POA environment's address, such as https://poa.example.com");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("baseUrl must not carry user info (credentials go in "
          + "clientId and clientSecret): give only scheme, host, port and path");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException("baseUrl must be an absolute https URL such as "
          + "https://poa.example.com but was '" + url + "'");
    }
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
      throw new IllegalArgumentException("baseUrl has port " + uri.getPort()
          + ", expected 1 to 65535, in '" + url + "'");
    }
    if (scheme.equals("http") && !isLoopback(host)) {
      throw new IllegalArgumentException("baseUrl must use https for host " + host + " but was '"
          + url + "': the client secret would travel in clear text. Use https://" + host
          + ", or http only for a loopback host (localhost, 127.0.0.1, [::1])");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("baseUrl must not have a query or fragment but was '"
          + url + "'");
    }
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return url;
  }

  /** Loopback by name or literal address only: no DNS lookup at build time. */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches()
        || h.equals("[::1]") || h.equals("::1") || h.equals("[0:0:0:0:0:0:0:1]");
  }
}
