package io.github.poaauth.client;

import io.github.poaauth.client.internal.CachedToken;
import io.github.poaauth.client.internal.ProviderSettings;
import io.github.poaauth.client.internal.TokenRefresher;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import java.net.ProxySelector;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Bearer tokens for POA's additional APIs: OAuth 2.0 client credentials against
 * {@code POST /v2/auth/cybrillarta/token}, cached, fetched by one request however many threads
 * ask, refreshed ahead of expiry in the background, retried with backoff on transient faults and
 * guarded by a circuit breaker.
 *
 * <pre>{@code
 * try (PoaTokenProvider tokens = PoaTokenProvider.builder()
 *     .baseUrl("https://poa.example.com")
 *     .clientId(System.getenv("POA_CLIENT_ID"))
 *     .clientSecret(System.getenv("POA_CLIENT_SECRET"))
 *     .build()) {
 *   AccessToken token = tokens.token();          // blocks only when no valid token is cached
 *   request.header("Authorization", token.authorizationHeader());
 * }
 * }</pre>
 *
 * <h2>States of the cached token</h2>
 * Let {@code L} be the lifetime the endpoint granted ({@code expires_in}), counted from the
 * moment the request was sent. The token is handed out until {@code L - skew}, where skew is
 * {@link Builder#expirySkew(Duration)} but at most 10% of {@code L}. From
 * {@code L - max(refreshAhead, skew)}, with refreshAhead at most 50% of {@code L}, callers still
 * get it at once and one background refresh runs; with {@link Builder#refreshJitter(boolean)}
 * (on by default) that point moves earlier, per token, so that a fleet does not refresh in the
 * same second (see there). Past {@code L - skew}, or with no token,
 * callers wait for the one in-flight request, at most {@link Builder#callTimeout(Duration)}.
 * If the clock reads earlier than the token's issue time (it was set back), the token is treated
 * as due for refresh.
 *
 * <h2>Failures</h2>
 * I/O errors, timeouts, HTTP 408, 429 and 5xx are retried with exponential backoff and jitter,
 * waiting at least what {@code Retry-After} asks (up to 30 s), never past the call timeout.
 * TLS failures, redirects, 404/405 and other wrong-address answers are not retried. OAuth
 * rejections are never retried: they raise {@link CredentialsRejectedException}, and for the
 * rejection cool-down further calls fail fast without asking the endpoint (unless the client
 * secret changed). A circuit breaker around the retried call fails callers at once with
 * {@link TokenEndpointUnavailableException} while it is open. A background refresh that fails
 * while the current token is valid is invisible to callers; it is tried again after a backoff
 * of 1 s doubling to 30 s. Every caller gets its own exception instance, with its own stack
 * trace; a failure shared by waiting callers is its cause.
 *
 * <h2>Threads</h2>
 * A caller that must wait for a token sends the request on its own thread (others waiting for
 * the same token wait for it); background refreshes run on {@link Builder#executor(Executor)},
 * by default a small pool shared by every provider in the JVM (at most 4 daemon threads, ending
 * when idle). The HTTP client is shared too unless the provider has its own proxy or
 * {@link SSLContext}. So a provider by default owns no thread, and N providers cost O(1).
 *
 * <h2>Thread safety</h2>
 * Thread-safe. {@link #token()} on a fresh token is one volatile read and one clock read, no
 * lock and no allocation. Secrets and token values never appear in logs, {@code toString()} or
 * exception messages.
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
  /** Default {@link Builder#rejectionCooldown(Duration)}. */
  public static final Duration DEFAULT_REJECTION_COOLDOWN = Duration.ofSeconds(30);
  /** Default {@link Builder#maxAttempts(int)}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 4;
  /** Default first wait of {@link Builder#retryBackoff(Duration, Duration)}. */
  public static final Duration DEFAULT_RETRY_INITIAL_BACKOFF = Duration.ofMillis(200);
  /** Default longest wait of {@link Builder#retryBackoff(Duration, Duration)}. */
  public static final Duration DEFAULT_RETRY_MAX_BACKOFF = Duration.ofSeconds(5);
  /** Default {@link Builder#circuitBreakerFailureRateThreshold(float)}, in percent. */
  public static final float DEFAULT_CIRCUIT_BREAKER_FAILURE_RATE = 50f;
  /** Default window size of {@link Builder#circuitBreakerWindow(int, int)}. */
  public static final int DEFAULT_CIRCUIT_BREAKER_WINDOW = 10;
  /** Default minimum calls of {@link Builder#circuitBreakerWindow(int, int)}. */
  public static final int DEFAULT_CIRCUIT_BREAKER_MINIMUM_CALLS = 3;
  /** Default {@link Builder#circuitBreakerOpenDuration(Duration)}. */
  public static final Duration DEFAULT_CIRCUIT_BREAKER_OPEN = Duration.ofSeconds(30);
  /** Default {@link Builder#name(String)}. */
  public static final String DEFAULT_NAME = "poa-auth-token";
  /** The documented token path, appended to the base URL unless {@link Builder#tokenPath} says otherwise. */
  public static final String DEFAULT_TOKEN_PATH = ProviderSettings.DEFAULT_TOKEN_PATH;

  private final ProviderSettings settings;
  private final Clock clock;
  private final TokenRefresher refresher;

  private PoaTokenProvider(ProviderSettings settings) {
    this.settings = settings;
    this.clock = settings.clock();
    this.refresher = new TokenRefresher(settings);
  }

  /** @return a new builder; {@code baseUrl}, {@code clientId} and {@code clientSecret} are required */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a provider from {@code POA_BASE_URL}, {@code POA_CLIENT_ID} and
   * {@code POA_CLIENT_SECRET}; the system properties {@code poa.base-url}, {@code poa.client-id}
   * and {@code poa.client-secret} override them. Every other setting has its default.
   *
   * @return the provider
   * @throws IllegalStateException naming the variable when one is missing or blank
   * @throws IllegalArgumentException when the base URL is not acceptable
   */
  public static PoaTokenProvider fromEnvironment() {
    return builderFromEnvironment(System.getenv(), System.getProperties()).build();
  }

  static Builder builderFromEnvironment(Map<String, String> env, Properties props) {
    return builder()
        .baseUrl(ProviderSettings.fromEnvironment(env, props, "POA_BASE_URL", "poa.base-url",
            "base URL"))
        .clientId(ProviderSettings.fromEnvironment(env, props, "POA_CLIENT_ID", "poa.client-id",
            "client id"))
        .clientSecret(ProviderSettings.fromEnvironment(env, props, "POA_CLIENT_SECRET",
            "poa.client-secret", "client secret"));
  }

  /**
   * Returns a valid token: the cached one when it is fresh, or in its refresh-ahead window (a
   * background refresh then starts, once); otherwise waits for the one in-flight request.
   *
   * @return a token valid now, at least for the expiry skew
   * @throws CredentialsRejectedException the endpoint rejected the credentials (or did within
   *     the rejection cool-down)
   * @throws TokenEndpointUnavailableException no token within the call timeout, retries used
   *     up, circuit breaker open
   * @throws InvalidTokenResponseException the endpoint's answer was not a usable token
   * @throws IllegalStateException the provider is closed
   */
  public AccessToken token() {
    CachedToken c = refresher.cached();
    if (c != null) {
      long now = clock.millis();
      CachedToken.State state = c.state(now);
      if (state == CachedToken.State.FRESH) {
        return c.token();
      }
      if (state == CachedToken.State.REFRESH_DUE) {
        refresher.refreshInBackgroundIfDue(now);
        return c.token();
      }
    }
    return awaitToken();
  }

  /**
   * Like {@link #token()}, without blocking the caller: a request it needs runs on the
   * executor. Cancelling the returned future does not cancel the shared refresh.
   *
   * @return a future completed with a valid token, or exceptionally with a
   *     {@link PoaAuthException} (a {@link TokenEndpointUnavailableException} after the call
   *     timeout), or an {@link IllegalStateException} when the provider is closed
   */
  public CompletableFuture<AccessToken> tokenAsync() {
    CachedToken c = refresher.cached();
    if (c != null) {
      long now = clock.millis();
      CachedToken.State state = c.state(now);
      if (state != CachedToken.State.EXPIRED) {
        if (state == CachedToken.State.REFRESH_DUE) {
          refresher.refreshInBackgroundIfDue(now);
        }
        return CompletableFuture.completedFuture(c.token());
      }
    }
    // Captured here, on the caller's thread, so that a failure shows where the caller asked.
    StackTraceElement[] callerStack = new Throwable().getStackTrace();
    try {
      checkOpen();
      failFastIfRejected();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<AccessToken> mine = new CompletableFuture<>();
    refresher.join(TokenRefresher.Mode.ASYNC).result()
        .orTimeout(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete((cached, failure) -> {
          if (failure == null) {
            mine.complete(cached.token());
          } else {
            PoaAuthException e = forCaller(failure);
            e.setStackTrace(callerStack);
            mine.completeExceptionally(e);
          }
        });
    return mine;
  }

  /**
   * Drops {@code rejected} from the cache, after a resource API answered 401 with it, so that
   * the next {@link #token()} fetches a new one. Does nothing if a different (newer) token is
   * cached by now: many requests failing with the same token cause one new token, not many.
   *
   * @param rejected the token the resource API refused
   * @return whether the token was dropped (false when it was no longer the cached one)
   */
  public boolean invalidate(AccessToken rejected) {
    Objects.requireNonNull(rejected, "rejected");
    return refresher.invalidate(rejected);
  }

  /**
   * The provider's own view of its health, without a request: for health checks.
   *
   * @return the current status
   */
  public PoaTokenStatus status() {
    TokenRefresher.Snapshot s = refresher.snapshot();
    PoaTokenStatus.State state;
    if (s.closed()) {
      state = PoaTokenStatus.State.CLOSED;
    } else if (s.rejection() != null) {
      state = PoaTokenStatus.State.REJECTED;
    } else if (s.breaker() == CircuitBreaker.State.OPEN
        || s.breaker() == CircuitBreaker.State.FORCED_OPEN) {
      state = PoaTokenStatus.State.UNAVAILABLE;
    } else if (s.cached() != null && s.cached().usableAt(clock.millis())) {
      state = PoaTokenStatus.State.VALID;
    } else {
      state = PoaTokenStatus.State.NO_TOKEN;
    }
    Optional<AccessToken> token = Optional.ofNullable(s.cached()).map(CachedToken::token);
    return new PoaTokenStatus(state, token.map(AccessToken::issuedAt),
        token.map(AccessToken::expiresAt),
        s.rejection() == null ? Optional.empty() : s.rejection().errorCode(),
        s.breaker().name());
  }

  /** @return the name given to {@link Builder#name(String)} */
  public String name() {
    return settings.name();
  }

  /**
   * The Resilience4j circuit breaker around the token request, for monitoring (its metrics,
   * state and events; {@code poa-auth-micrometer} binds them). Forcing its state is possible and
   * takes effect; its configuration comes from the builder.
   *
   * @return the circuit breaker
   */
  public CircuitBreaker circuitBreaker() {
    return refresher.circuitBreaker();
  }

  /**
   * The Resilience4j retry of the token request, for monitoring.
   *
   * @return the retry
   */
  public Retry retry() {
    return refresher.retry();
  }

  /**
   * Stops background work: an in-flight refresh is interrupted, waiting callers get a
   * {@link TokenEndpointUnavailableException}, the circuit breaker and retry leave the
   * registries they were created in, and threads the provider created end (an HTTP client of
   * its own is closed where the JDK can: on JDK 21 and later). Threads shared with other
   * providers, and an executor given to the builder, are left running. Idempotent.
   */
  @Override
  public void close() {
    refresher.close();
  }

  /** Lists the settings; the client secret is masked. */
  @Override
  public String toString() {
    return "PoaTokenProvider{" + settings + ", circuitBreaker=" + circuitBreaker().getState()
        + (refresher.isClosed() ? ", closed" : "") + '}';
  }

  private AccessToken awaitToken() {
    checkOpen();
    failFastIfRejected();
    TokenRefresher.Flight flight = refresher.join(TokenRefresher.Mode.BLOCKING);
    refresher.runIfUnclaimed(flight);
    try {
      return flight.result().get(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS).token();
    } catch (TimeoutException e) {
      throw callTimedOut();
    } catch (ExecutionException e) {
      throw forCaller(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenEndpointUnavailableException("interrupted while waiting for a token", null);
    }
  }

  private TokenEndpointUnavailableException callTimedOut() {
    return new TokenEndpointUnavailableException("no token within the call timeout of "
        + settings.callTimeout() + "; the refresh goes on in the background", null);
  }

  private PoaAuthException forCaller(Throwable failure) {
    Throwable f = failure;
    while (f instanceof java.util.concurrent.CompletionException && f.getCause() != null) {
      f = f.getCause();
    }
    if (f instanceof PoaAuthException shared) {
      return shared.forCaller();
    }
    if (f instanceof TimeoutException) {
      return callTimedOut();
    }
    return new TokenEndpointUnavailableException("token refresh failed unexpectedly: "
        + f.getClass().getSimpleName(), null);
  }

  private void failFastIfRejected() {
    CredentialsRejectedException rejected = refresher.activeRejection(clock.millis());
    if (rejected != null) {
      throw rejected.forCaller();
    }
  }

  private void checkOpen() {
    if (refresher.isClosed()) {
      throw new IllegalStateException("PoaTokenProvider is closed");
    }
  }

  /**
   * Configuration of a {@link PoaTokenProvider}. Not thread-safe. Each setter rejects a bad
   * value at once; {@link #build()} checks the combination and names the setting that is wrong
   * (never the secret's value).
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
    private Duration rejectionCooldown = DEFAULT_REJECTION_COOLDOWN;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryInitialBackoff = DEFAULT_RETRY_INITIAL_BACKOFF;
    private Duration retryMaxBackoff = DEFAULT_RETRY_MAX_BACKOFF;
    private float breakerFailureRate = DEFAULT_CIRCUIT_BREAKER_FAILURE_RATE;
    private int breakerWindow = DEFAULT_CIRCUIT_BREAKER_WINDOW;
    private int breakerMinimumCalls = DEFAULT_CIRCUIT_BREAKER_MINIMUM_CALLS;
    private Duration breakerOpen = DEFAULT_CIRCUIT_BREAKER_OPEN;
    private CircuitBreakerRegistry circuitBreakerRegistry;
    private RetryRegistry retryRegistry;
    private Clock clock = Clock.systemUTC();
    private Executor executor;
    private PoaTokenListener listener = PoaTokenListener.NONE;
    private ProxySelector proxy;
    private SSLContext sslContext;
    private feign.Logger.Level httpLogLevel = feign.Logger.Level.NONE;

    private Builder() {
    }

    /**
     * @param baseUrl the POA environment, such as {@code https://poa.example.com}; {@code https}
     *     is required unless the host is loopback ({@code localhost}, {@code 127.0.0.0/8},
     *     {@code [::1]}). The token path is appended.
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * The path of the token endpoint below the base URL. Default {@link #DEFAULT_TOKEN_PATH
     * /v2/auth/cybrillarta/token}, as POA documents it; override it only for an environment
     * that serves it elsewhere (POA's own sample posts to {@code /poa/auth/token}).
     *
     * @param tokenPath an absolute path, without query or fragment
     * @return this builder
     */
    public Builder tokenPath(String tokenPath) {
      this.tokenPath = tokenPath;
      return this;
    }

    /**
     * @param clientId the {@code client_id} POA support shared
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /**
     * @param clientSecret the {@code client_secret}; never logged or printed
     * @return this builder
     */
    public Builder clientSecret(String clientSecret) {
      ProviderSettings.required("clientSecret", clientSecret);
      String secret = clientSecret.trim();
      this.clientSecret = () -> secret;
      return this;
    }

    /**
     * The {@code client_secret}, read at every token request, so that a rotated secret (in a
     * vault, a mounted file) is used without a restart. After a rejection the provider reads it
     * again, and asks the endpoint at once if it changed instead of waiting out the rejection
     * cool-down. Keep it fast; an exception it throws, or a blank result, fails that request as
     * a retryable {@link TokenEndpointUnavailableException}.
     *
     * @param clientSecret the source of the secret
     * @return this builder
     */
    public Builder clientSecretSource(Supplier<String> clientSecret) {
      this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
      return this;
    }

    /**
     * How long before expiry a background refresh starts (at most half the token's lifetime
     * is used). {@link Duration#ZERO} disables refresh-ahead: callers then wait for the fetch at
     * expiry. Default {@link PoaTokenProvider#DEFAULT_REFRESH_AHEAD}.
     *
     * @param refreshAhead zero or positive
     * @return this builder
     */
    public Builder refreshAhead(Duration refreshAhead) {
      this.refreshAhead = ProviderSettings.notNegative("refreshAhead", refreshAhead);
      return this;
    }

    /**
     * Whether each token's background refresh moves to a random point before the refresh-ahead
     * point (only ever earlier, never later). On by default: a fleet of services deployed
     * together then does not ask for its tokens in the same second at every refresh.
     *
     * <p>A token fetched by a background refresh on schedule is refreshed at a point drawn
     * uniformly between half its lifetime and the refresh-ahead point. Any other token (the
     * first one, and one fetched after expiry, {@link PoaTokenProvider#invalidate(AccessToken)
     * invalidation} or failed refreshes: moments a whole fleet may share, such as a deployment
     * or the end of an outage) is refreshed at a point drawn from the long-run distribution of
     * those scheduled refreshes: uniform from a tenth of its lifetime to half of it, then
     * thinning out up to the refresh-ahead point. So a fleet that fetched its tokens in the same
     * second refreshes at about its long-run rate from the start, not at twice that rate in its
     * first cycle. The price: up to one token request more per lifetime than without jitter,
     * and a first token is used for less time than later ones (705 s instead of 1200 s on
     * average for a 30-minute token with 5 minutes ahead; never less than a tenth of its
     * lifetime). Turn it off for exactly predictable refresh times (tests).
     *
     * @param refreshJitter whether to jitter
     * @return this builder
     */
    public Builder refreshJitter(boolean refreshJitter) {
      this.refreshJitter = refreshJitter;
      return this;
    }

    /**
     * How long before nominal expiry a token stops being handed out (at most a tenth of its
     * lifetime is used). Default {@link PoaTokenProvider#DEFAULT_EXPIRY_SKEW}.
     *
     * @param expirySkew zero or positive
     * @return this builder
     */
    public Builder expirySkew(Duration expirySkew) {
      this.expirySkew = ProviderSettings.notNegative("expirySkew", expirySkew);
      return this;
    }

    /**
     * TCP (and TLS) connect timeout of one attempt. Default 5 s.
     *
     * @param connectTimeout positive
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = ProviderSettings.positive("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * How long one attempt may wait for the complete answer after connecting (headers and
     * body; a slow drip counts): an attempt ends at connect plus read timeout. Default 10 s.
     *
     * @param readTimeout positive
     * @return this builder
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = ProviderSettings.positive("readTimeout", readTimeout);
      return this;
    }

    /**
     * The longest one token request takes, retries and their waits included, and so the longest
     * a blocking {@link PoaTokenProvider#token()} waits. Default 30 s.
     *
     * @param callTimeout positive
     * @return this builder
     */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = ProviderSettings.positive("callTimeout", callTimeout);
      return this;
    }

    /**
     * How long after a rejection calls fail fast with the same error instead of asking the
     * endpoint again (unless the secret changed). Zero turns it off. Default 30 s.
     *
     * @param rejectionCooldown zero or positive
     * @return this builder
     */
    public Builder rejectionCooldown(Duration rejectionCooldown) {
      this.rejectionCooldown = ProviderSettings.notNegative("rejectionCooldown", rejectionCooldown);
      return this;
    }

    /**
     * HTTP attempts per token request for transient failures (I/O errors, timeouts, 408, 429,
     * 5xx); 1 turns retries off. Rejections and wrong-address answers are never retried.
     * Default 4.
     *
     * @param maxAttempts 1 to 10
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = ProviderSettings.between("maxAttempts", maxAttempts, 1, 10);
      return this;
    }

    /**
     * Waits between attempts: {@code initial}, doubling each time, each randomized by ±50%, at
     * most {@code max}; a longer {@code Retry-After} is honoured up to 30 s. Default 200 ms to
     * 5 s.
     *
     * @param initial the first wait, positive
     * @param max the longest wait, not shorter than {@code initial}
     * @return this builder
     */
    public Builder retryBackoff(Duration initial, Duration max) {
      this.retryInitialBackoff = ProviderSettings.positive("retryBackoff initial", initial);
      this.retryMaxBackoff = ProviderSettings.positive("retryBackoff max", max);
      return this;
    }

    /**
     * Failure rate, in percent of the window's token requests, from which the circuit breaker
     * opens. Rejections never count as failures. Default 50.
     *
     * @param percent more than 0, at most 100
     * @return this builder
     */
    public Builder circuitBreakerFailureRateThreshold(float percent) {
      if (!(percent > 0 && percent <= 100)) {
        throw new IllegalArgumentException("circuitBreakerFailureRateThreshold must be more than "
            + "0 and at most 100 but was " + percent);
      }
      this.breakerFailureRate = percent;
      return this;
    }

    /**
     * The circuit breaker's window: the last {@code size} token requests, judged once at least
     * {@code minimumCalls} were made. Default 10 and 3.
     *
     * @param size 1 to 1000
     * @param minimumCalls 1 to {@code size}
     * @return this builder
     */
    public Builder circuitBreakerWindow(int size, int minimumCalls) {
      this.breakerWindow = ProviderSettings.between("circuitBreakerWindow size", size, 1, 1000);
      this.breakerMinimumCalls = ProviderSettings.between("circuitBreakerWindow minimumCalls",
          minimumCalls, 1, 1000);
      return this;
    }

    /**
     * How long the open circuit breaker fails calls at once before it lets one trial request
     * through. Default 30 s.
     *
     * @param openDuration positive
     * @return this builder
     */
    public Builder circuitBreakerOpenDuration(Duration openDuration) {
      this.breakerOpen = ProviderSettings.positive("circuitBreakerOpenDuration", openDuration);
      return this;
    }

    /**
     * Creates the provider's circuit breaker in this registry (named {@link #name(String)}),
     * so that the partner's Resilience4j metrics and Spring Boot Actuator see it; it is removed
     * again on {@link PoaTokenProvider#close()}. Its configuration is still this builder's:
     * the registry's defaults do not apply. Default: no registry.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder circuitBreakerRegistry(CircuitBreakerRegistry registry) {
      this.circuitBreakerRegistry = Objects.requireNonNull(registry, "circuitBreakerRegistry");
      return this;
    }

    /**
     * Like {@link #circuitBreakerRegistry(CircuitBreakerRegistry)}, for the retry.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder retryRegistry(RetryRegistry registry) {
      this.retryRegistry = Objects.requireNonNull(registry, "retryRegistry");
      return this;
    }

    /**
     * Names the provider: its circuit breaker and retry (in registries too), its meters. Give
     * each provider in one registry its own. Default {@link #DEFAULT_NAME}.
     *
     * @param name 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Time source for expiry decisions; tests inject a fixed or stepping clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs background refreshes and the requests of {@link PoaTokenProvider#tokenAsync()}; at
     * most one task of this provider runs at a time. A blocking {@code token()} never depends
     * on it: a task it rejects, drops or never runs costs no caller a token. Not shut down by
     * {@link PoaTokenProvider#close()}. Default: a pool of at most 4 daemon threads shared by
     * every provider in the JVM.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Receives every refresh, failure, invalidation and circuit breaker change; see
     * {@link PoaTokenListener}. Default: none.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PoaTokenListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The proxy of the token request. Default: the JVM's standard proxy settings
     * ({@code https.proxyHost} and friends, through {@link ProxySelector#getDefault()}).
     *
     * @param proxy the proxy selector
     * @return this builder
     */
    public Builder proxy(ProxySelector proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /**
     * TLS of the token request: a context whose trust managers trust POA's certificate (a
     * corporate TLS-inspecting proxy's CA, say), and whose key managers present a client
     * certificate if POA asks for mutual TLS. Default: the JVM's default context.
     *
     * @param sslContext the TLS context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * Feign log level of the token call, written to SLF4J logger
     * {@code io.github.poaauth.client.http} at DEBUG. Method, URL, status, timing, header names
     * and body sizes only: no header value the server sent and no body is ever printed, at any
     * level. Default {@code NONE}.
     *
     * @param httpLogLevel the level
     * @return this builder
     */
    public Builder httpLogLevel(feign.Logger.Level httpLogLevel) {
      this.httpLogLevel = Objects.requireNonNull(httpLogLevel, "httpLogLevel");
      return this;
    }

    /**
     * @return a new provider; it fetches nothing until first asked
     * @throws IllegalStateException a required setting is missing or blank
     * @throws IllegalArgumentException a setting has a bad value, such as an {@code http} URL
     *     to a non-loopback host, or the name is taken in a given registry
     */
    public PoaTokenProvider build() {
      return new PoaTokenProvider(new ProviderSettings(name, baseUrl, tokenPath, clientId,
          clientSecret, refreshAhead, refreshJitter, expirySkew, connectTimeout, readTimeout, callTimeout,
          rejectionCooldown, maxAttempts, retryInitialBackoff, retryMaxBackoff,
          breakerFailureRate, breakerWindow, breakerMinimumCalls, breakerOpen,
          circuitBreakerRegistry, retryRegistry, clock, executor, listener, proxy, sslContext,
          httpLogLevel));
    }

    /** Lists the main settings; the client secret is masked. */
    @Override
    public String toString() {
      return "PoaTokenProvider.Builder{name=" + name + ", baseUrl=" + baseUrl + ", clientId="
          + clientId + ", clientSecret=" + (clientSecret == null ? "null" : "****") + '}';
    }
  }
}
