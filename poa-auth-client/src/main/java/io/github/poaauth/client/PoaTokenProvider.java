package io.github.poaauth.client;

import io.github.poaauth.client.internal.DaemonThreads;
import io.github.poaauth.client.internal.Settings;
import io.github.poaauth.client.internal.TokenEndpoint;
import io.github.poaauth.client.internal.TransientEndpointException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * get it at once and one background refresh runs. Past {@code L - skew}, or with no token,
 * callers wait for the one in-flight request, at most {@link Builder#callTimeout(Duration)}.
 * If the clock reads earlier than the token's issue time (it was set back), the token is treated
 * as due for refresh.
 *
 * <h2>Failures</h2>
 * I/O errors, timeouts, HTTP 408, 429 and 5xx are retried with exponential backoff and jitter,
 * waiting at least what {@code Retry-After} asks (up to 30 s). OAuth rejections are never
 * retried: they raise {@link CredentialsRejectedException}, and for the rejection cool-down
 * further calls fail fast without asking the endpoint. A circuit breaker around the retried
 * call fails callers at once with {@link TokenEndpointUnavailableException} while it is open. A
 * background refresh that fails while the current token is valid is invisible to callers; it is
 * tried again after a backoff.
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
  /** Longest pause between failed background refreshes while the current token stays valid. */
  static final Duration MAX_BACKGROUND_BACKOFF = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(PoaTokenProvider.class);

  /** The cached token with its precomputed deadlines; replaced whole, never mutated. */
  private static final class Cached {
    final AccessToken token;
    final long issuedAtMillis;
    /** From here on a background refresh is due (refresh-ahead window). */
    final long refreshAtMillis;
    /** From here on the token is no longer handed out. */
    final long expireAtMillis;

    Cached(AccessToken token, Duration refreshAhead, Duration skew) {
      this.token = token;
      long lifetime = token.lifetime().toMillis();
      long effectiveSkew = Math.min(skew.toMillis(), lifetime / 10);
      long effectiveAhead = Math.max(Math.min(refreshAhead.toMillis(), lifetime / 2), effectiveSkew);
      this.issuedAtMillis = token.issuedAt().toEpochMilli();
      this.refreshAtMillis = issuedAtMillis + lifetime - effectiveAhead;
      this.expireAtMillis = issuedAtMillis + lifetime - effectiveSkew;
    }
  }

  /** A rejection and the time until which it is repeated without asking the endpoint. */
  private static final class Rejection {
    final CredentialsRejectedException exception;
    final long untilMillis;

    Rejection(CredentialsRejectedException exception, long untilMillis) {
      this.exception = exception;
      this.untilMillis = untilMillis;
    }
  }

  private final Settings settings;
  private final Clock clock;
  private final Executor executor;
  /** Non-null when the provider created the executor, and so must shut it down. */
  private final ExecutorService ownedExecutor;
  private final CircuitBreaker circuitBreaker;
  private final Supplier<AccessToken> guardedFetch;

  /** The hot path reads only this: one volatile read. */
  private final AtomicReference<Cached> cache = new AtomicReference<>();
  /**
   * The single in-flight refresh, or null. Whoever installs a future by CAS owns the refresh;
   * everyone else waits on that future: this is what makes the fetch single-flight.
   */
  private final AtomicReference<CompletableFuture<Cached>> inFlight = new AtomicReference<>();
  /** Last rejection, repeated to callers during the cool-down instead of asking again. */
  private volatile Rejection rejection;
  /** No background refresh before this time: backoff after a failed background refresh. */
  private volatile long nextBackgroundRefreshMillis;
  /** Failed refreshes in a row; written only by the refresh task, which is single-flight. */
  private volatile int failuresInARow;
  private volatile boolean closed;

  private PoaTokenProvider(Builder b) {
    this.settings = b.settings();
    this.clock = b.clock;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = DaemonThreads.cachedPool("poa-auth-refresh");
      this.executor = ownedExecutor;
    }
    TokenEndpoint endpoint = new TokenEndpoint(settings.baseUrl(), settings.clientId(),
        b.clientSecret, settings.connectTimeout(), settings.readTimeout(),
        settings.connectTimeout().plus(settings.readTimeout()), clock,
        b.httpLogLevel);
    Retry retry = Retry.of("poa-auth-token", effectiveRetryConfig(b.retryConfig));
    this.circuitBreaker = CircuitBreaker.of("poa-auth-token",
        effectiveCircuitBreakerConfig(b.circuitBreakerConfig));
    this.guardedFetch = CircuitBreaker.decorateSupplier(circuitBreaker,
        Retry.decorateSupplier(retry, endpoint::requestToken));
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
        .baseUrl(Settings.fromEnvironment(env, props, "POA_BASE_URL", "poa.base-url", "base URL"))
        .clientId(Settings.fromEnvironment(env, props, "POA_CLIENT_ID", "poa.client-id", "client id"))
        .clientSecret(Settings.fromEnvironment(env, props, "POA_CLIENT_SECRET", "poa.client-secret",
            "client secret"));
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
    Cached c = cache.get();
    if (c != null) {
      long now = clock.millis();
      if (now < c.refreshAtMillis && now >= c.issuedAtMillis) {
        return c.token;
      }
      if (now < c.expireAtMillis) {
        refreshInBackgroundIfDue(now);
        return c.token;
      }
    }
    return awaitRefresh();
  }

  /**
   * Like {@link #token()}, without blocking the caller. Cancelling the returned future does not
   * cancel the shared refresh.
   *
   * @return a future completed with a valid token, or exceptionally with a
   *     {@link PoaAuthException} (a {@link TokenEndpointUnavailableException} after the call
   *     timeout)
   */
  public CompletableFuture<AccessToken> tokenAsync() {
    Cached c = cache.get();
    if (c != null) {
      long now = clock.millis();
      if (now < c.expireAtMillis) {
        if (now >= c.refreshAtMillis || now < c.issuedAtMillis) {
          refreshInBackgroundIfDue(now);
        }
        return CompletableFuture.completedFuture(c.token);
      }
    }
    try {
      checkOpen();
      failFastIfRejected();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return refresh(false)
        .thenApply(cached -> cached.token)
        .orTimeout(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .exceptionallyCompose(e -> {
          Throwable cause = unwrap(e);
          if (cause instanceof TimeoutException) {
            cause = callTimedOut();
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  /**
   * Drops {@code rejected} from the cache, after a resource API answered 401 with it, so that
   * the next {@link #token()} fetches a new one. Does nothing if a different (newer) token is
   * cached by now.
   *
   * @param rejected the token the resource API refused
   */
  public void invalidate(AccessToken rejected) {
    Objects.requireNonNull(rejected, "rejected");
    Cached c = cache.get();
    if (c != null && c.token.equals(rejected)) {
      cache.compareAndSet(c, null);
    }
  }

  /**
   * Stops background work: an in-flight refresh is interrupted, waiting callers get a
   * {@link TokenEndpointUnavailableException}, threads the provider created end. An executor
   * given to the builder is not shut down. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Dropping the token sends every later call to the slow path, which checks `closed`: the
    // hot path needs no check of its own.
    cache.set(null);
    CompletableFuture<Cached> pending = inFlight.get();
    if (pending != null) {
      pending.completeExceptionally(
          new TokenEndpointUnavailableException("PoaTokenProvider was closed", null));
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
      try {
        ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Lists the settings; the client secret is masked. */
  @Override
  public String toString() {
    return "PoaTokenProvider{" + settings + ", circuitBreaker=" + circuitBreaker.getState()
        + (closed ? ", closed" : "") + '}';
  }

  private void refreshInBackgroundIfDue(long now) {
    // Unlocked pre-checks keep the refresh-ahead window cheap; refresh() re-checks after it
    // owns the in-flight slot. A race here can at worst start no refresh this call, never two.
    if (inFlight.get() == null && now >= nextBackgroundRefreshMillis && !closed) {
      Rejection r = rejection;
      if (r == null || now >= r.untilMillis) {
        refresh(true);
      }
    }
  }

  private AccessToken awaitRefresh() {
    checkOpen();
    failFastIfRejected();
    CompletableFuture<Cached> pending = refresh(false);
    try {
      return pending.get(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS).token;
    } catch (TimeoutException e) {
      throw callTimedOut();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof PoaAuthException) {
        throw (PoaAuthException) cause;
      }
      throw new TokenEndpointUnavailableException("token refresh failed unexpectedly", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenEndpointUnavailableException("interrupted while waiting for a token", e);
    }
  }

  private TokenEndpointUnavailableException callTimedOut() {
    return new TokenEndpointUnavailableException(
        "no token within the call timeout of " + settings.callTimeout()
            + "; the refresh goes on in the background", null);
  }

  private void failFastIfRejected() {
    Rejection r = rejection;
    if (r != null && clock.millis() < r.untilMillis) {
      CredentialsRejectedException first = r.exception;
      throw new CredentialsRejectedException(first.httpStatus(), first.errorCode().orElse(null),
          first.errorDescription().orElse(null), first);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("PoaTokenProvider is closed");
    }
  }

  /**
   * Returns the in-flight refresh, starting one if none runs.
   *
   * @param background true when the caller holds a valid token and only wants it renewed
   */
  private CompletableFuture<Cached> refresh(boolean background) {
    while (true) {
      CompletableFuture<Cached> existing = inFlight.get();
      if (existing != null) {
        return existing;
      }
      CompletableFuture<Cached> mine = new CompletableFuture<>();
      if (!inFlight.compareAndSet(null, mine)) {
        continue;
      }
      // We own the slot. Re-check: a refresh that just finished published its token before
      // freeing the slot, so it is visible here and no second request is needed.
      Cached c = cache.get();
      long now = clock.millis();
      if (c != null && now >= c.issuedAtMillis
          && now < (background ? c.refreshAtMillis : c.expireAtMillis)) {
        inFlight.set(null);
        mine.complete(c);
        return mine;
      }
      try {
        executor.execute(() -> runRefresh(mine));
      } catch (RejectedExecutionException e) {
        inFlight.set(null);
        mine.completeExceptionally(new TokenEndpointUnavailableException(
            closed ? "PoaTokenProvider was closed" : "refresh executor rejected the token refresh",
            e));
      }
      return mine;
    }
  }

  private void runRefresh(CompletableFuture<Cached> mine) {
    try {
      AccessToken token = guardedFetch.get();
      Cached fresh = new Cached(token, settings.refreshAhead(), settings.expirySkew());
      cache.set(fresh);
      // close() sets `closed` before it clears the cache: whichever of the two clears runs last,
      // a closed provider is left without a token, so its hot path cannot hand one out.
      if (closed) {
        cache.set(null);
        throw new TokenEndpointUnavailableException("PoaTokenProvider was closed", null);
      }
      rejection = null;
      failuresInARow = 0;
      nextBackgroundRefreshMillis = 0;
      LOG.debug("POA token refreshed: {}", token);
      inFlight.set(null);
      mine.complete(fresh);
    } catch (Throwable t) {
      PoaAuthException failure = toPublic(t);
      long now = clock.millis();
      if (failure instanceof CredentialsRejectedException) {
        rejection = new Rejection((CredentialsRejectedException) failure,
            now + settings.rejectionCooldown().toMillis());
      }
      int failures = failuresInARow + 1;
      failuresInARow = failures;
      nextBackgroundRefreshMillis = now + backgroundBackoff(failures).toMillis();
      if (!closed) {
        LOG.warn("POA token refresh failed ({} in a row): {}", failures, failure.getMessage());
      }
      inFlight.set(null);
      mine.completeExceptionally(failure);
      if (t instanceof Error && !(t instanceof StackOverflowError)) {
        throw (Error) t;
      }
    }
  }

  static Duration backgroundBackoff(int failuresInARow) {
    int exponent = Math.min(failuresInARow - 1, 5);
    Duration backoff = Duration.ofSeconds(1L << exponent);
    return backoff.compareTo(MAX_BACKGROUND_BACKOFF) > 0 ? MAX_BACKGROUND_BACKOFF : backoff;
  }

  private PoaAuthException toPublic(Throwable t) {
    if (t instanceof PoaAuthException) {
      return (PoaAuthException) t;
    }
    if (t instanceof CallNotPermittedException) {
      return new TokenEndpointUnavailableException("circuit breaker is open after repeated token "
          + "endpoint failures; not calling it until the breaker lets a trial call through", t);
    }
    if (t instanceof TransientEndpointException) {
      return new TokenEndpointUnavailableException("token endpoint unavailable after "
          + settings.maxAttempts() + " attempt(s): " + t.getMessage(), t);
    }
    if (closed) {
      return new TokenEndpointUnavailableException("PoaTokenProvider was closed", t);
    }
    return new TokenEndpointUnavailableException("token refresh failed unexpectedly: "
        + t.getClass().getName(), t);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Keeps the partner's attempts and waits; the retry decision and Retry-After stay ours. */
  static RetryConfig effectiveRetryConfig(RetryConfig partner) {
    IntervalBiFunction<Object> waits = partner.getIntervalBiFunction();
    return RetryConfig.custom()
        .maxAttempts(partner.getMaxAttempts())
        .retryOnException(e -> e instanceof TransientEndpointException)
        .intervalBiFunction((attempt, outcome) -> {
          long wait = waits.apply(attempt, outcome);
          if (outcome.isLeft() && outcome.getLeft() instanceof TransientEndpointException) {
            Duration asked = ((TransientEndpointException) outcome.getLeft()).retryAfter().orElse(null);
            if (asked != null) {
              wait = Math.max(wait, asked.toMillis());
            }
          }
          return wait;
        })
        .build();
  }

  /** Keeps the partner's thresholds and windows; rejections never count as endpoint failures. */
  static CircuitBreakerConfig effectiveCircuitBreakerConfig(CircuitBreakerConfig partner) {
    return CircuitBreakerConfig.from(partner)
        .recordException(e -> !(e instanceof CredentialsRejectedException))
        .recordExceptions()
        .ignoreException(e -> e instanceof CredentialsRejectedException)
        .ignoreExceptions()
        .build();
  }

  /**
   * Configuration of a {@link PoaTokenProvider}. Not thread-safe; {@link #build()} validates
   * every setting and names the one that is wrong.
   */
  public static final class Builder {
    /** 4 attempts, waits of about 0.2, 0.4, 0.8 s (±50% jitter), at most 5 s each. */
    public static final RetryConfig DEFAULT_RETRY_CONFIG = RetryConfig.custom()
        .maxAttempts(4)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
            Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(5)))
        .build();
    /** Opens when half of the last 10 refreshes (at least 3) failed; trial call after 30 s. */
    public static final CircuitBreakerConfig DEFAULT_CIRCUIT_BREAKER_CONFIG =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(10)
            .minimumNumberOfCalls(3)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(30))
            .permittedNumberOfCallsInHalfOpenState(1)
            .build();

    private String baseUrl;
    private String clientId;
    private String clientSecret;
    private Duration refreshAhead = DEFAULT_REFRESH_AHEAD;
    private Duration expirySkew = DEFAULT_EXPIRY_SKEW;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private Duration rejectionCooldown = DEFAULT_REJECTION_COOLDOWN;
    private RetryConfig retryConfig = DEFAULT_RETRY_CONFIG;
    private CircuitBreakerConfig circuitBreakerConfig = DEFAULT_CIRCUIT_BREAKER_CONFIG;
    private Clock clock = Clock.systemUTC();
    private Executor executor;
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

    /** @param clientId the {@code client_id} POA support shared @return this builder */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** @param clientSecret the {@code client_secret}; never logged or printed @return this builder */
    public Builder clientSecret(String clientSecret) {
      this.clientSecret = clientSecret;
      return this;
    }

    /**
     * How long before expiry a background refresh starts (at most half the token's lifetime
     * is used). {@link Duration#ZERO} disables refresh-ahead: callers then wait for the fetch at
     * expiry. Default {@link PoaTokenProvider#DEFAULT_REFRESH_AHEAD}.
     *
     * @return this builder
     */
    public Builder refreshAhead(Duration refreshAhead) {
      this.refreshAhead = Settings.notNegative("refreshAhead", refreshAhead);
      return this;
    }

    /**
     * How long before nominal expiry a token stops being handed out (at most a tenth of its
     * lifetime is used). Default {@link PoaTokenProvider#DEFAULT_EXPIRY_SKEW}.
     *
     * @return this builder
     */
    public Builder expirySkew(Duration expirySkew) {
      this.expirySkew = Settings.notNegative("expirySkew", expirySkew);
      return this;
    }

    /** TCP connect timeout of one attempt. Default 5 s. @return this builder */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Settings.positive("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * How long one attempt may wait for the complete answer after connecting (headers and
     * body; a slow drip counts). Default 10 s.
     *
     * @return this builder
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = Settings.positive("readTimeout", readTimeout);
      return this;
    }

    /**
     * The longest a blocking {@link PoaTokenProvider#token()} waits, retries included. Default
     * 30 s.
     *
     * @return this builder
     */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = Settings.positive("callTimeout", callTimeout);
      return this;
    }

    /**
     * How long after a rejection calls fail fast with the same error instead of asking the
     * endpoint again. Default 30 s.
     *
     * @return this builder
     */
    public Builder rejectionCooldown(Duration rejectionCooldown) {
      this.rejectionCooldown = Settings.notNegative("rejectionCooldown", rejectionCooldown);
      return this;
    }

    /**
     * Attempts and waits for transient failures: only {@code maxAttempts} and the interval
     * function are used. Which failures are retried is not configurable: rejections never are.
     * Default {@link #DEFAULT_RETRY_CONFIG}.
     *
     * @return this builder
     */
    public Builder retryConfig(RetryConfig retryConfig) {
      this.retryConfig = Objects.requireNonNull(retryConfig, "retryConfig");
      return this;
    }

    /**
     * Thresholds and windows of the circuit breaker around the retried call. Which failures
     * count is not configurable: rejections never do. Default
     * {@link #DEFAULT_CIRCUIT_BREAKER_CONFIG}.
     *
     * @return this builder
     */
    public Builder circuitBreakerConfig(CircuitBreakerConfig circuitBreakerConfig) {
      this.circuitBreakerConfig = Objects.requireNonNull(circuitBreakerConfig, "circuitBreakerConfig");
      return this;
    }

    /** Time source for expiry decisions; tests inject a fixed or stepping clock. @return this builder */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs token requests (background refreshes and the fetch blocking callers wait for); at
     * most one task runs at a time. Not shut down by {@link PoaTokenProvider#close()}. Default:
     * a daemon thread the provider owns.
     *
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Feign log level of the token call, written to SLF4J logger
     * {@code io.github.poaauth.client.http} at DEBUG. Every line is redacted: even at
     * {@code FULL} the secret and the token are masked. Default {@code NONE}.
     *
     * @return this builder
     */
    public Builder httpLogLevel(feign.Logger.Level httpLogLevel) {
      this.httpLogLevel = Objects.requireNonNull(httpLogLevel, "httpLogLevel");
      return this;
    }

    Settings settings() {
      return new Settings(Settings.baseUrl(baseUrl), Settings.required("clientId", clientId),
          refreshAhead, expirySkew, connectTimeout, readTimeout, callTimeout, rejectionCooldown,
          retryConfig.getMaxAttempts());
    }

    /**
     * @return a new provider; it fetches nothing until first asked
     * @throws IllegalStateException a required setting is missing or blank
     * @throws IllegalArgumentException a setting has a bad value, such as an {@code http} URL
     *     to a non-loopback host
     */
    public PoaTokenProvider build() {
      settings();
      Settings.required("clientSecret", clientSecret);
      return new PoaTokenProvider(this);
    }

    /** Lists the settings; the client secret is masked. */
    @Override
    public String toString() {
      return "PoaTokenProvider.Builder{baseUrl=" + baseUrl + ", clientId=" + clientId
          + ", clientSecret=" + (clientSecret == null ? "null" : "****") + '}';
    }
  }
}
