package io.github.poaauth.client.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The validated, immutable settings of a provider (the secret is kept elsewhere), and the
 * validation rules, each failing with a message that names the setting and says how to fix it.
 *
 * <p>Unsupported API: this package may change without notice.
 */
public final class Settings {
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

  private final String baseUrl;
  private final String clientId;
  private final Duration refreshAhead;
  private final Duration expirySkew;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration callTimeout;
  private final Duration rejectionCooldown;
  private final int maxAttempts;

  public Settings(String baseUrl, String clientId, Duration refreshAhead, Duration expirySkew,
      Duration connectTimeout, Duration readTimeout, Duration callTimeout,
      Duration rejectionCooldown, int maxAttempts) {
    this.baseUrl = baseUrl;
    this.clientId = clientId;
    this.refreshAhead = refreshAhead;
    this.expirySkew = expirySkew;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.callTimeout = callTimeout;
    this.rejectionCooldown = rejectionCooldown;
    this.maxAttempts = maxAttempts;
  }

  public String baseUrl() {
    return baseUrl;
  }

  public String clientId() {
    return clientId;
  }

  public Duration refreshAhead() {
    return refreshAhead;
  }

  public Duration expirySkew() {
    return expirySkew;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration readTimeout() {
    return readTimeout;
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  public Duration rejectionCooldown() {
    return rejectionCooldown;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  @Override
  public String toString() {
    return "baseUrl=" + baseUrl + ", clientId=" + clientId + ", clientSecret=****"
        + ", refreshAhead=" + refreshAhead + ", expirySkew=" + expirySkew
        + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
        + ", callTimeout=" + callTimeout + ", rejectionCooldown=" + rejectionCooldown
        + ", maxAttempts=" + maxAttempts;
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

  public static Duration positive(String setting, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive but was " + value);
    }
    return value;
  }

  public static Duration notNegative(String setting, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(setting + " must be zero or positive but was " + value);
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

  /**
   * Validates the base URL: absolute, {@code https} (or {@code http} to a loopback host), no
   * user info, query or fragment. Trailing slashes are removed.
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
