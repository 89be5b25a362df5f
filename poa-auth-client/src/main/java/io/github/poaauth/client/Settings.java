package io.github.poaauth.client;

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
 * Every setting of one provider, validated here and nowhere else: the one place that rejects a
 * setting, with an {@link InvalidSettingException} naming it, the bad value (never a secret) and
 * the fix. The builder's defaults live on {@link PoaTokenProvider}.
 */
record Settings(
    String name, String baseUrl, String tokenPath, String clientId, Supplier<String> clientSecret,
    Duration refreshAhead, boolean refreshJitter, Duration expirySkew,
    Duration connectTimeout, Duration readTimeout, Duration callTimeout,
    Duration rejectionCooldown, int maxAttempts, Duration retryInitialBackoff,
    Duration retryMaxBackoff, float breakerFailureRateThreshold, int breakerWindowSize,
    int breakerMinimumCalls, Duration breakerOpenDuration,
    CircuitBreakerRegistry circuitBreakerRegistry, RetryRegistry retryRegistry, Clock clock,
    Executor executor, PoaTokenListener listener, ProxySelector proxy, SSLContext sslContext,
    HttpLogLevel httpLogLevel) {

  // Defaults of the builder's settings that have no public constant.
  static final Duration DEFAULT_REJECTION_COOLDOWN = Duration.ofSeconds(30);
  static final int DEFAULT_MAX_ATTEMPTS = 4;
  static final Duration DEFAULT_RETRY_INITIAL_BACKOFF = Duration.ofMillis(200);
  static final Duration DEFAULT_RETRY_MAX_BACKOFF = Duration.ofSeconds(5);
  static final float DEFAULT_CIRCUIT_BREAKER_FAILURE_RATE = 50f;
  static final int DEFAULT_CIRCUIT_BREAKER_WINDOW = 10;
  static final int DEFAULT_CIRCUIT_BREAKER_MINIMUM_CALLS = 3;
  static final Duration DEFAULT_CIRCUIT_BREAKER_OPEN = Duration.ofSeconds(30);

  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+");

  Settings {
    if (name == null || !NAME.matcher(name).matches()) {
      throw invalid("name", "name must be 1 to 64 letters, digits, '.', '_' or '-' (it names the "
          + "circuit breaker, retry and meters) but was '" + name + "'");
    }
    baseUrl = baseUrl(baseUrl);
    if (tokenPath == null || !PATH.matcher(tokenPath).matches()) {
      throw invalid("tokenPath", "tokenPath must be an absolute path such as "
          + PoaTokenProvider.DEFAULT_TOKEN_PATH + " (no query, no fragment) but was '" + tokenPath
          + "'");
    }
    clientId = required("clientId", clientId);
    if (clientSecret == null) {
      throw invalid("clientSecret", "clientSecret is required but was not set: call "
          + "PoaTokenProvider.builder().clientSecret(…) or use PoaTokenProvider.fromEnvironment()");
    }
    notNegative("refreshAhead", refreshAhead);
    notNegative("expirySkew", expirySkew);
    notNegative("rejectionCooldown", rejectionCooldown);
    positive("connectTimeout", connectTimeout);
    positive("readTimeout", readTimeout);
    positive("callTimeout", callTimeout);
    positive("retryBackoff", retryInitialBackoff);
    positive("retryBackoff", retryMaxBackoff);
    positive("circuitBreakerOpenDuration", breakerOpenDuration);
    between("maxAttempts", maxAttempts, 1, 10);
    between("circuitBreakerWindowSize", breakerWindowSize, 1, 1000);
    between("circuitBreakerMinimumCalls", breakerMinimumCalls, 1, breakerWindowSize);
    if (!(breakerFailureRateThreshold > 0 && breakerFailureRateThreshold <= 100)) {
      throw invalid("circuitBreakerFailureRateThreshold", "circuitBreakerFailureRateThreshold "
          + "must be more than 0 and at most 100 but was " + breakerFailureRateThreshold);
    }
    if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
      throw invalid("retryBackoff", "retryBackoff: the longest wait (" + retryMaxBackoff
          + ") must not be shorter than the first (" + retryInitialBackoff + ")");
    }
    for (Object[] given : new Object[][] {{"clock", clock}, {"listener", listener},
        {"httpLogLevel", httpLogLevel}}) {
      if (given[1] == null) {
        throw invalid((String) given[0], given[0] + " must not be null");
      }
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

  /** A builder with the three required settings from the environment. */
  static PoaTokenProvider.Builder fromEnvironment(Map<String, String> env, Properties props) {
    return PoaTokenProvider.builder()
        .baseUrl(fromEnvironment(env, props, "baseUrl", "POA_BASE_URL", "poa.base-url"))
        .clientId(fromEnvironment(env, props, "clientId", "POA_CLIENT_ID", "poa.client-id"))
        .clientSecret(fromEnvironment(env, props, "clientSecret", "POA_CLIENT_SECRET",
            "poa.client-secret"));
  }

  /** One setting from the environment: the system property wins over the variable. */
  static String fromEnvironment(Map<String, String> env, Properties props,
      String setting, String variable, String property) {
    String value = props.getProperty(property);
    if (value == null || value.isBlank()) {
      value = env.get(variable);
    }
    if (value == null || value.isBlank()) {
      throw invalid(setting, "POA " + setting + " is not set: set the environment "
          + "variable " + variable + " or the system property " + property);
    }
    return value.trim();
  }

  static InvalidSettingException invalid(String setting, String message) {
    return Failures.invalidSetting(setting, message);
  }

  static String required(String setting, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(setting, setting + " is required but was " + (value == null ? "not set"
          : "blank") + ": call PoaTokenProvider.builder()." + setting
          + "(…) or use PoaTokenProvider.fromEnvironment()");
    }
    return value.trim();
  }

  private static void positive(String setting, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw invalid(setting, setting + " must be positive but was " + value);
    }
  }

  private static void notNegative(String setting, Duration value) {
    if (value == null || value.isNegative()) {
      throw invalid(setting, setting + " must be zero or positive but was " + value);
    }
  }

  private static void between(String setting, int value, int min, int max) {
    if (value < min || value > max) {
      throw invalid(setting, setting + " must be between " + min + " and " + max + " but was "
          + value);
    }
  }

  /**
   * Absolute, {@code https} (or {@code http} to a loopback host), a port in 1..65535 if any, no
   * user info, query or fragment; trailing slashes removed. A rejected URL is repeated only when
   * it parsed without user info, so that a secret pasted into it is never echoed.
   */
  static String baseUrl(String value) {
    String url = required("baseUrl", value);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalid("baseUrl", "baseUrl is not a valid URL (" + e.getReason()
          + "): give the POA environment's address, such as https://poa.example.com");
    }
    if (uri.getRawUserInfo() != null) {
      throw invalid("baseUrl", "baseUrl must not carry user info (credentials go in clientId "
          + "and clientSecret): give only scheme, host, port and path");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw invalid("baseUrl", "baseUrl must be an absolute https URL such as "
          + "https://poa.example.com but was '" + url + "'");
    }
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
      throw invalid("baseUrl", "baseUrl has port " + uri.getPort() + ", expected 1 to 65535, in '"
          + url + "'");
    }
    if (scheme.equals("http") && !isLoopback(host)) {
      throw invalid("baseUrl", "baseUrl must use https for host " + host + " but was '" + url
          + "': the client secret would travel in clear text. Use https, or http only for a "
          + "loopback host (localhost, 127.0.0.1, [::1])");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid("baseUrl", "baseUrl must not have a query or fragment but was '" + url + "'");
    }
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return url;
  }

  /** Loopback by name or literal address only: no DNS lookup at build time. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches()
        || h.equals("[::1]") || h.equals("::1") || h.equals("[0:0:0:0:0:0:0:1]");
  }
}
