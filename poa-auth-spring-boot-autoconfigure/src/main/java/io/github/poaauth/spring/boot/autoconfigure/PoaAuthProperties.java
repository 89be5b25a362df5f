package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.client.PoaTokenProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@link PoaTokenProvider} the starter creates, under {@code poa.auth}. Three
 * are required: {@code base-url}, {@code client-id} and {@code client-secret}; every other one
 * has the client's own default ({@code PoaTokenProvider.DEFAULT_*}).
 *
 * <p>The client secret is read from this object at every token request, so a secret that
 * Spring Cloud rebinds (a refreshed vault or config server value) is used without a restart.
 * {@link #toString()} never shows it.
 */
@ConfigurationProperties(prefix = PoaAuthProperties.PREFIX)
public class PoaAuthProperties {
  /** The prefix of these properties. */
  public static final String PREFIX = "poa.auth";

  /** Whether to create the token provider and its bearer filters. */
  private boolean enabled = true;

  /**
   * The POA environment, such as https://poa.example.com. https is required unless the host is
   * loopback (the sandbox).
   */
  private String baseUrl;

  /** The token endpoint's path below the base URL. */
  private String tokenPath = PoaTokenProvider.DEFAULT_TOKEN_PATH;

  /** The client_id POA support shared. */
  private String clientId;

  /** The client_secret POA support shared. Never logged, masked in actuator output. */
  private String clientSecret;

  /**
   * Hosts of POA's APIs that may receive the bearer token: host names, each optionally with a
   * port (api.poa.example.com or api.poa.example.com:8443), no scheme. Requests to any other
   * host get no token. Default: the host of base-url.
   */
  private List<String> apiHosts = new ArrayList<>();

  /** Name of the provider: of its circuit breaker and retry in Resilience4j registries. */
  private String name = PoaTokenProvider.DEFAULT_NAME;

  /** How long before expiry a background refresh starts (at most half the token lifetime). */
  private Duration refreshAhead = PoaTokenProvider.DEFAULT_REFRESH_AHEAD;

  /** Whether refreshes are spread over the first half of the refresh-ahead window, per service. */
  private boolean refreshJitter = true;

  /** How long before nominal expiry a token stops being handed out. */
  private Duration expirySkew = PoaTokenProvider.DEFAULT_EXPIRY_SKEW;

  /** TCP and TLS connect timeout of one token request attempt. */
  private Duration connectTimeout = Duration.ofSeconds(5);

  /** How long one attempt may wait for the complete answer after connecting. */
  private Duration readTimeout = Duration.ofSeconds(10);

  /** The longest one token request takes, retries included; the longest a caller waits. */
  private Duration callTimeout = PoaTokenProvider.DEFAULT_CALL_TIMEOUT;

  /** How long after a rejection calls fail fast instead of asking the endpoint again. */
  private Duration rejectionCooldown = Duration.ofSeconds(30);

  /** HTTP attempts per token request for transient failures, 1 to 10 (1: no retry). */
  private int maxAttempts = 4;

  /**
   * Name of a Spring Boot SSL bundle (spring.ssl.bundle.*) for the token request: the trust
   * store for POA's certificate, a key store for mutual TLS. Default: the JVM's.
   */
  private String sslBundle;

  private final Retry retry = new Retry();

  private final CircuitBreaker circuitBreaker = new CircuitBreaker();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getBaseUrl() {
    return baseUrl;
  }

  public void setBaseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public String getTokenPath() {
    return tokenPath;
  }

  public void setTokenPath(String tokenPath) {
    this.tokenPath = tokenPath;
  }

  public String getClientId() {
    return clientId;
  }

  public void setClientId(String clientId) {
    this.clientId = clientId;
  }

  public String getClientSecret() {
    return clientSecret;
  }

  public void setClientSecret(String clientSecret) {
    this.clientSecret = clientSecret;
  }

  public List<String> getApiHosts() {
    return apiHosts;
  }

  public void setApiHosts(List<String> apiHosts) {
    this.apiHosts = apiHosts;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Duration getRefreshAhead() {
    return refreshAhead;
  }

  public void setRefreshAhead(Duration refreshAhead) {
    this.refreshAhead = refreshAhead;
  }

  public boolean isRefreshJitter() {
    return refreshJitter;
  }

  public void setRefreshJitter(boolean refreshJitter) {
    this.refreshJitter = refreshJitter;
  }

  public Duration getExpirySkew() {
    return expirySkew;
  }

  public void setExpirySkew(Duration expirySkew) {
    this.expirySkew = expirySkew;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getReadTimeout() {
    return readTimeout;
  }

  public void setReadTimeout(Duration readTimeout) {
    this.readTimeout = readTimeout;
  }

  public Duration getCallTimeout() {
    return callTimeout;
  }

  public void setCallTimeout(Duration callTimeout) {
    this.callTimeout = callTimeout;
  }

  public Duration getRejectionCooldown() {
    return rejectionCooldown;
  }

  public void setRejectionCooldown(Duration rejectionCooldown) {
    this.rejectionCooldown = rejectionCooldown;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  public String getSslBundle() {
    return sslBundle;
  }

  public void setSslBundle(String sslBundle) {
    this.sslBundle = sslBundle;
  }

  public Retry getRetry() {
    return retry;
  }

  public CircuitBreaker getCircuitBreaker() {
    return circuitBreaker;
  }

  /** Lists the settings; the client secret is masked. */
  @Override
  public String toString() {
    return "PoaAuthProperties{baseUrl=" + baseUrl + ", clientId=" + clientId
        + ", clientSecret=" + (clientSecret == null ? "null" : "****") + ", apiHosts=" + apiHosts
        + ", name=" + name + '}';
  }

  /** Backoff between attempts of one token request. */
  public static class Retry {
    /** The first wait; it doubles each time, randomized by 50%. */
    private Duration initialBackoff = Duration.ofMillis(200);

    /** The longest wait between attempts. */
    private Duration maxBackoff = Duration.ofSeconds(5);

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }
  }

  /** The circuit breaker around the token request. */
  public static class CircuitBreaker {
    /** Failure rate, in percent of the window's token requests, from which it opens. */
    private float failureRateThreshold = 50f;

    /** The last this many token requests are judged. */
    private int windowSize = 10;

    /** Requests in the window before the failure rate is judged. */
    private int minimumCalls = 3;

    /**
     * The longest the open breaker fails calls at once before a trial request (it opens for 1 s
     * first, doubling after each failed trial up to this).
     */
    private Duration openDuration = Duration.ofSeconds(30);

    public float getFailureRateThreshold() {
      return failureRateThreshold;
    }

    public void setFailureRateThreshold(float failureRateThreshold) {
      this.failureRateThreshold = failureRateThreshold;
    }

    public int getWindowSize() {
      return windowSize;
    }

    public void setWindowSize(int windowSize) {
      this.windowSize = windowSize;
    }

    public int getMinimumCalls() {
      return minimumCalls;
    }

    public void setMinimumCalls(int minimumCalls) {
      this.minimumCalls = minimumCalls;
    }

    public Duration getOpenDuration() {
      return openDuration;
    }

    public void setOpenDuration(Duration openDuration) {
      this.openDuration = openDuration;
    }
  }
}
