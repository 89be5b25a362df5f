package io.github.poaauth.client;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.net.ProxySelector;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Bearer tokens for POA's additional APIs (OAuth 2.0 client credentials against
 * {@code POST /v2/auth/cybrillarta/token}): cached, one request however many threads ask,
 * refreshed in the background ahead of expiry, retried on transient faults, guarded by a circuit
 * breaker. {@link PoaApiAuthorization} sends them to POA's APIs.
 * <pre>{@code
 * try (PoaTokenProvider tokens = PoaTokenProvider.fromEnvironment()) {
 *   String header = tokens.token().authorizationHeader();
 * }
 * }</pre>
 * <p>A token of lifetime {@code L} (from when its request was sent) is handed out until
 * {@code L - expirySkew}; from {@code L - refreshAhead} callers still get it at once while one
 * background refresh runs. Without a usable token callers wait for the one request in flight,
 * at most the call timeout. OAuth rejections are never retried, and are repeated for the
 * rejection cool-down unless the secret changed. Details: {@code docs/CONFIGURATION.md}.
 * Thread-safe; {@link #token()} on a fresh token takes no lock and allocates nothing. Secrets and
 * tokens never appear in logs, {@code toString()} or exception messages.
 */
public final class PoaTokenProvider implements AutoCloseable {
  /** Default {@link Builder#refreshAhead(Duration)}: 5 minutes of a 30-minute POA token. */
  public static final Duration DEFAULT_REFRESH_AHEAD = Duration.ofMinutes(5);
  /** Default {@link Builder#expirySkew(Duration)}: covers clock drift and request transit. */
  public static final Duration DEFAULT_EXPIRY_SKEW = Duration.ofSeconds(30);
  /** Default {@link Builder#connectTimeout(Duration)}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Default {@link Builder#readTimeout(Duration)}. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@link Builder#callTimeout(Duration)}. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
  /** Default {@link Builder#name(String)}. */
  public static final String DEFAULT_NAME = "poa-auth-token";
  /** The documented token path, as the spec's {@code TokenApi} has it (a test compares them). */
  public static final String DEFAULT_TOKEN_PATH = "/v2/auth/cybrillarta/token";

  private final Settings settings;
  private final Refresher refresher;

  private PoaTokenProvider(Settings settings) {
    this.settings = settings;
    this.refresher = new Refresher(settings);
  }

  /** {@return a new builder}; {@code baseUrl}, {@code clientId}, {@code clientSecret} required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a provider from {@code POA_BASE_URL}, {@code POA_CLIENT_ID}, {@code POA_CLIENT_SECRET}
   * (the system properties {@code poa.base-url}, {@code poa.client-id} and
   * {@code poa.client-secret} win), every other setting at its default.
   * @return the provider
   * @throws InvalidSettingException naming the variable when one is missing, or a bad value
   */
  public static PoaTokenProvider fromEnvironment() {
    return Settings.fromEnvironment(System.getenv(), System.getProperties()).build();
  }

  /**
   * A valid token: the cached one, or (without one) the answer of the one request in flight.
   * @return a token valid now, at least for the expiry skew
   * @throws CredentialsRejectedException the endpoint rejected the credentials
   * @throws TokenEndpointUnavailableException no token, for its {@code reason()}
   * @throws InvalidTokenResponseException the endpoint's answer was not a usable token
   */
  public AccessToken token() {
    return refresher.token();
  }

  /**
   * Like {@link #token()}, without blocking; cancelling it does not cancel the shared request.
   * @return a future of a valid token, or of what {@link #token()} throws
   */
  public CompletableFuture<AccessToken> tokenAsync() {
    return refresher.tokenAsync();
  }

  /**
   * Drops {@code rejected} from the cache after a POA API answered 401 to it, so that the next
   * call fetches a new one; a newer cached token stays (many 401s with one token cost one fetch).
   * @param rejected the token the API refused
   * @return whether it was dropped
   */
  public boolean invalidate(AccessToken rejected) {
    return refresher.invalidate(Objects.requireNonNull(rejected, "rejected"));
  }

  /** {@return the provider's health, without a request, by the rules {@link #token()} follows} */
  public PoaTokenStatus status() {
    return refresher.status();
  }

  /** {@return the name of the provider, its circuit breaker, retry and meters} */
  public String name() {
    return settings.name();
  }

  /**
   * Ends the provider, idempotently: a refresh in flight is interrupted, waiting and later calls
   * get {@link TokenEndpointUnavailableException.Reason#CLOSED}, the breaker and retry leave the
   * registries, an HTTP client of its own is closed; shared threads and a given executor are not.
   */
  @Override
  public void close() {
    refresher.close();
  }

  /** Lists the settings; the client secret is masked. */
  @Override
  public String toString() {
    return "PoaTokenProvider{" + settings + refresher + '}';
  }

  /**
   * Configuration of a {@link PoaTokenProvider}; not thread-safe. Setters only record:
   * {@link #build()} validates, throwing an {@link InvalidSettingException} naming the setting.
   */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private String baseUrl;
    private String tokenPath = DEFAULT_TOKEN_PATH;
    private String clientId;
    private Supplier<String> clientSecret;
    private Duration refreshAhead = DEFAULT_REFRESH_AHEAD;
    private boolean refreshJitter = true;
    private Duration expirySkew = DEFAULT_EXPIRY_SKEW;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private Duration rejectionCooldown = Duration.ofSeconds(30);
    private int maxAttempts = 4;
    private Duration retryInitialBackoff = Duration.ofMillis(200);
    private Duration retryMaxBackoff = Duration.ofSeconds(5);
    private float breakerFailureRate = 50f;
    private int breakerWindow = 10;
    private int breakerMinimumCalls = 3;
    private Duration breakerOpen = Duration.ofSeconds(30);
    private CircuitBreakerRegistry circuitBreakerRegistry;
    private RetryRegistry retryRegistry;
    private Clock clock = Clock.systemUTC();
    private Executor executor;
    private PoaTokenListener listener = PoaTokenListener.NONE;
    private ProxySelector proxy;
    private SSLContext sslContext;

    private Builder() {
    }

    /**
     * The POA environment, such as {@code https://poa.example.com} ({@code http}: loopback only).
     * @param baseUrl scheme, host, optional port and path; the token path is appended
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * The token path, if not {@link #DEFAULT_TOKEN_PATH} (POA's sample: {@code /poa/auth/token}).
     * @param tokenPath an absolute path, without query or fragment
     * @return this builder
     */
    public Builder tokenPath(String tokenPath) {
      this.tokenPath = tokenPath;
      return this;
    }

    /**
     * The {@code client_id} POA support shared.
     * @param clientId the client id
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /**
     * The {@code client_secret}, trimmed; never logged or printed.
     * @param clientSecret the secret
     * @return this builder
     */
    public Builder clientSecret(String clientSecret) {
      String secret = clientSecret == null || clientSecret.isBlank() ? null : clientSecret.trim();
      this.clientSecret = secret == null ? null : () -> secret;
      return this;
    }

    /**
     * The {@code client_secret}, read at every request (a rotated secret is used at once); a
     * failure or blank result fails that request with {@code Reason.SECRET_SOURCE}.
     * @param clientSecret the source of the secret; keep it fast
     * @return this builder
     */
    public Builder clientSecretSource(Supplier<String> clientSecret) {
      this.clientSecret = clientSecret;
      return this;
    }

    /**
     * How long before expiry a background refresh starts (at most half the lifetime; zero:
     * never). Default 5 minutes.
     * @param refreshAhead zero or positive
     * @return this builder
     */
    public Builder refreshAhead(Duration refreshAhead) {
      this.refreshAhead = refreshAhead;
      return this;
    }

    /**
     * Whether to refresh at this provider's own random point of the refresh-ahead window's first
     * half, so that a fleet does not refresh in the same second; off: at its start. Default on.
     * @param refreshJitter whether to spread
     * @return this builder
     */
    public Builder refreshJitter(boolean refreshJitter) {
      this.refreshJitter = refreshJitter;
      return this;
    }

    /**
     * How long before expiry a token stops being handed out (at most a tenth of its lifetime).
     * Default 30 s.
     * @param expirySkew zero or positive
     * @return this builder
     */
    public Builder expirySkew(Duration expirySkew) {
      this.expirySkew = expirySkew;
      return this;
    }

    /**
     * TCP and TLS connect timeout of one attempt. Default 5 s.
     * @param connectTimeout positive
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * How long an attempt waits for the whole answer after connecting. Default 10 s.
     * @param readTimeout positive
     * @return this builder
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = readTimeout;
      return this;
    }

    /**
     * The longest a token request takes, retries included, and a caller waits. Default 30 s.
     * @param callTimeout positive
     * @return this builder
     */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = callTimeout;
      return this;
    }

    /**
     * How long a rejection is repeated without a request (unless the secret changed). Default 30 s.
     * @param rejectionCooldown zero or positive
     * @return this builder
     */
    public Builder rejectionCooldown(Duration rejectionCooldown) {
      this.rejectionCooldown = rejectionCooldown;
      return this;
    }

    /**
     * The retry of transient failures (I/O errors, timeouts, 408, 429, 5xx): waits double from
     * {@code initialBackoff} up to {@code maxBackoff}, each ±50 %. Default 4 attempts, 200 ms-5 s.
     * @param maxAttempts 1 (no retry) to 10
     * @param initialBackoff the first wait, positive
     * @param maxBackoff the longest wait, not shorter than {@code initialBackoff}
     * @return this builder
     */
    public Builder retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
      this.maxAttempts = maxAttempts;
      this.retryInitialBackoff = initialBackoff;
      this.retryMaxBackoff = maxBackoff;
      return this;
    }

    /**
     * The circuit breaker: open when {@code failureRatePercent} of the last {@code windowSize}
     * token requests failed (rejections never count), first for 1 s, doubling after each failed
     * trial up to {@code openDuration}. Default 50 % of 10, from 3 calls, 30 s.
     * @param failureRatePercent more than 0, at most 100
     * @param windowSize 1 to 1000
     * @param minimumCalls 1 to {@code windowSize}
     * @param openDuration positive
     * @return this builder
     */
    public Builder circuitBreaker(float failureRatePercent, int windowSize, int minimumCalls,
        Duration openDuration) {
      this.breakerFailureRate = failureRatePercent;
      this.breakerWindow = windowSize;
      this.breakerMinimumCalls = minimumCalls;
      this.breakerOpen = openDuration;
      return this;
    }

    /**
     * Registers the breaker and retry (this builder's configuration) under {@link #name(String)}
     * for Actuator and Resilience4j's meters, until close.
     * @param circuitBreakers the breaker's registry, or null for none
     * @param retries the retry's registry, or null for none
     * @return this builder
     */
    public Builder registries(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries) {
      this.circuitBreakerRegistry = circuitBreakers;
      this.retryRegistry = retries;
      return this;
    }

    /**
     * Names the provider, its circuit breaker, retry and meters; unique per registry.
     * @param name 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Time source of every expiry, backoff and cool-down decision.
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Runs background and {@link PoaTokenProvider#tokenAsync()} requests (a blocking caller never
     * waits for it); not shut down by {@code close()}. Default: a pool shared by all providers.
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Receives every refresh, failure, invalidation and breaker change.
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PoaTokenListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * The proxy of the token request. Default: {@link ProxySelector#getDefault()}.
     * @param proxy the proxy selector
     * @return this builder
     */
    public Builder proxy(ProxySelector proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /**
     * TLS of the token request (a corporate CA, a client certificate). Default: the JVM's.
     * @param sslContext the TLS context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * Validates the settings and builds the provider; it fetches nothing until first asked.
     * @return a new provider
     * @throws InvalidSettingException a setting is missing or wrong, or the name is taken in a
     *     given registry
     */
    public PoaTokenProvider build() {
      return new PoaTokenProvider(new Settings(name, baseUrl, tokenPath, clientId, clientSecret,
          refreshAhead, refreshJitter, expirySkew, connectTimeout, readTimeout, callTimeout,
          rejectionCooldown, maxAttempts, retryInitialBackoff, retryMaxBackoff,
          breakerFailureRate, breakerWindow, breakerMinimumCalls, breakerOpen,
          circuitBreakerRegistry, retryRegistry, clock, executor, listener, proxy, sslContext));
    }

    /** Names the builder; settings (and the secret) show only in the built provider. */
    @Override
    public String toString() {
      return "PoaTokenProvider.Builder{name=" + name + '}';
    }
  }
}
