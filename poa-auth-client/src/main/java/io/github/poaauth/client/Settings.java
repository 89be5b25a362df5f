package io.github.poaauth.client;

import static io.github.poaauth.client.Failures.invalidSetting;

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
 * Every setting of one provider, validated here and nowhere else: a wrong one is an
 * {@link InvalidSettingException} naming it, the bad value (never a secret) and the fix.
 */
record Settings(
    String name, String baseUrl, String tokenPath, String clientId, Supplier<String> clientSecret,
    Duration refreshAhead, boolean refreshJitter, Duration expirySkew,
    Duration connectTimeout, Duration readTimeout, Duration callTimeout,
    Duration rejectionCooldown, int maxAttempts, Duration retryInitialBackoff,
    Duration retryMaxBackoff, float breakerFailureRateThreshold, int breakerWindowSize,
    int breakerMinimumCalls, Duration breakerOpenDuration,
    CircuitBreakerRegistry circuitBreakerRegistry, RetryRegistry retryRegistry, Clock clock,
    Executor executor, PoaTokenListener listener, ProxySelector proxy, SSLContext sslContext) {

  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+");

  Settings {
    check(name != null && NAME.matcher(name).matches(), "name", "name must be 1 to 64 letters, "
        + "digits, '.', '_' or '-' (it names the circuit breaker, retry and meters) but was '"
        + name + "'");
    baseUrl = baseUrl(baseUrl);
    check(tokenPath != null && PATH.matcher(tokenPath).matches(), "tokenPath", "tokenPath must be "
        + "an absolute path such as " + PoaTokenProvider.DEFAULT_TOKEN_PATH + " (no query, no "
        + "fragment) but was '" + tokenPath + "'");
    clientId = required("clientId", clientId);
    check(clientSecret != null, "clientSecret", "clientSecret is required but was not set: call "
        + "PoaTokenProvider.builder().clientSecret(…) or use PoaTokenProvider.fromEnvironment()");
    duration("refreshAhead", refreshAhead, true);
    duration("expirySkew", expirySkew, true);
    duration("rejectionCooldown", rejectionCooldown, true);
    duration("connectTimeout", connectTimeout, false);
    duration("readTimeout", readTimeout, false);
    duration("callTimeout", callTimeout, false);
    duration("retryBackoff", retryInitialBackoff, false);
    duration("retryBackoff", retryMaxBackoff, false);
    duration("circuitBreakerOpenDuration", breakerOpenDuration, false);
    between("maxAttempts", maxAttempts, 1, 10);
    between("circuitBreakerWindowSize", breakerWindowSize, 1, 1000);
    between("circuitBreakerMinimumCalls", breakerMinimumCalls, 1, breakerWindowSize);
    check(breakerFailureRateThreshold > 0 && breakerFailureRateThreshold <= 100,
        "circuitBreakerFailureRateThreshold", "circuitBreakerFailureRateThreshold must be more "
        + "than 0 and at most 100 but was " + breakerFailureRateThreshold);
    check(retryMaxBackoff.compareTo(retryInitialBackoff) >= 0, "retryBackoff", "retryBackoff: "
        + "the longest wait (" + retryMaxBackoff + ") must not be shorter than the first ("
        + retryInitialBackoff + ")");
    check(clock != null, "clock", "clock must not be null");
    check(listener != null, "listener", "listener must not be null");
  }

  /** Lists every setting that can be printed; the secret is masked. */
  @Override
  public String toString() {
    return "name=" + name + ", baseUrl=" + baseUrl + ", tokenPath=" + tokenPath
        + ", clientId=" + clientId + ", clientSecret=****"
        + ", refreshAhead=" + refreshAhead + (refreshJitter ? " (spread)" : "")
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

  /** The system property wins over the variable. */
  private static String fromEnvironment(Map<String, String> env, Properties props,
      String setting, String variable, String property) {
    String value = props.getProperty(property);
    if (value == null || value.isBlank()) {
      value = env.get(variable);
    }
    check(value != null && !value.isBlank(), setting, "POA " + setting + " is not set: set the "
        + "environment variable " + variable + " or the system property " + property);
    return value.trim();
  }

  private static void check(boolean valid, String setting, String message) {
    if (!valid) {
      throw invalidSetting(setting, message);
    }
  }

  private static String required(String setting, String value) {
    check(value != null && !value.isBlank(), setting, setting + " is required but was "
        + (value == null ? "not set" : "blank") + ": call PoaTokenProvider.builder()." + setting
        + "(…) or use PoaTokenProvider.fromEnvironment()");
    return value.trim();
  }

  private static void duration(String setting, Duration value, boolean zeroAllowed) {
    check(value != null && !value.isNegative() && (zeroAllowed || !value.isZero()), setting,
        setting + " must be " + (zeroAllowed ? "zero or " : "") + "positive but was " + value);
  }

  private static void between(String setting, int value, int min, int max) {
    check(value >= min && value <= max, setting, setting + " must be between " + min + " and "
        + max + " but was " + value);
  }

  /**
   * Absolute, {@code https} (or {@code http} to a loopback host), a port in 1..65535 if any, no
   * user info, query or fragment; trailing slashes removed. A URL is echoed only once it parsed
   * without user info: a secret pasted into it never is.
   */
  private static String baseUrl(String value) {
    String url = required("baseUrl", value);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalidSetting("baseUrl", "baseUrl is not a valid URL (" + e.getReason()
          + "): give the POA environment's address, such as https://poa.example.com");
    }
    check(uri.getRawUserInfo() == null, "baseUrl", "baseUrl must not carry user info "
        + "(credentials go in clientId and clientSecret): give only scheme, host, port and path");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    check(host != null && (scheme.equals("https") || scheme.equals("http")), "baseUrl", "baseUrl "
        + "must be an absolute https URL such as https://poa.example.com but was '" + url + "'");
    check(uri.getPort() == -1 || uri.getPort() >= 1 && uri.getPort() <= 65535, "baseUrl",
        "baseUrl has port " + uri.getPort() + ", expected 1 to 65535, in '" + url + "'");
    check(scheme.equals("https") || isLoopback(host), "baseUrl", "baseUrl must use https for "
        + "host " + host + " but was '" + url + "': the client secret would travel in clear "
        + "text. Use https, or http only for a loopback host (localhost, 127.0.0.1, [::1])");
    check(uri.getRawQuery() == null && uri.getRawFragment() == null, "baseUrl", "baseUrl must "
        + "not have a query or fragment but was '" + url + "'");
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
