package io.github.poaauth.client.internal;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.PoaAuthException;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The failure boundary of the token request: Resilience4j's circuit breaker around its retry
 * around one {@link TokenCall}, all within one deadline. Callers see only
 * {@link PoaAuthException}s.
 *
 * <p>Wrapping order (outermost first): circuit breaker, retry, attempt. The breaker counts a
 * whole retried fetch as one call, and does not count rejections (the endpoint answered; the
 * credentials are wrong). The retry retries exactly what {@link TokenCall} classified as
 * retryable, waiting an exponential, jittered backoff or what {@code Retry-After} asks, whichever
 * is longer, and never past the deadline. Both are built from the provider's settings, honoured
 * whole; with a partner's registries they are created there, so that the partner's Resilience4j
 * metrics and Actuator see them, and removed on {@link #close()}.
 *
 * <p>Unsupported API: this package may change without notice. Thread-safe.
 */
public final class GuardedTokenFetch implements AutoCloseable {
  /** The outcome of one fetch. */
  public record Outcome(AccessToken token, PoaAuthException failure, int attempts) {
  }

  private final ProviderSettings settings;
  private final TokenCall call;
  private final HttpClients.Lease http;
  private final CircuitBreaker breaker;
  private final Retry retry;
  /** The deadline (System.nanoTime) of the fetch running on this thread. */
  private final ThreadLocal<long[]> deadline = new ThreadLocal<>();

  GuardedTokenFetch(ProviderSettings settings) {
    this.settings = settings;
    this.http = HttpClients.forSettings(settings);
    this.call = new TokenCall(settings, http.client());
    CircuitBreakerConfig.Builder breakerBuilder = CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(settings.breakerWindowSize())
        .minimumNumberOfCalls(settings.breakerMinimumCalls())
        .failureRateThreshold(settings.breakerFailureRateThreshold())
        // Open 1 s first, doubling after each failed trial up to the configured duration: a
        // short outage of the endpoint then costs callers about its own length, not the whole
        // configured open state (the chaos run against Keycloak found callers failing for up
        // to the open duration after Keycloak was back).
        .waitIntervalFunctionInOpenState(IntervalFunction.ofExponentialBackoff(
            firstOpenPeriod(settings.breakerOpenDuration()), 2.0, settings.breakerOpenDuration()))
        .permittedNumberOfCallsInHalfOpenState(1)
        .ignoreException(e -> e instanceof CredentialsRejectedException);
    CircuitBreakerConfig breakerConfig = withClock(breakerBuilder, settings.clock()).build();
    IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(
        settings.retryInitialBackoff(), 2.0, 0.5, settings.retryMaxBackoff());
    RetryConfig retryConfig = RetryConfig.custom()
        .maxAttempts(settings.maxAttempts())
        .retryOnException(e -> e instanceof TokenEndpointUnavailableException u && u.isRetryable())
        .intervalBiFunction((attempt, outcome) -> {
          long wait = backoff.apply(attempt);
          if (outcome.isLeft() && outcome.getLeft() instanceof TokenEndpointUnavailableException u) {
            wait = Math.max(wait, u.retryAfter().map(Duration::toMillis).orElse(0L));
          }
          long[] d = deadline.get();
          // Never sleep past the deadline: the next attempt then fails at once with the call
          // timeout, which is not retried.
          return d == null ? wait : Math.max(0, Math.min(wait, (d[0] - System.nanoTime()) / 1_000_000));
        })
        .build();
    String name = settings.name();
    this.breaker = settings.circuitBreakerRegistry() == null
        ? CircuitBreaker.of(name, breakerConfig)
        : createIn(settings.circuitBreakerRegistry(), name, breakerConfig);
    this.retry = settings.retryRegistry() == null
        ? Retry.of(name, retryConfig)
        : createIn(settings.retryRegistry(), name, retryConfig);
  }

  /** The breaker's first open period: 1 s, or the configured open duration if shorter. */
  static Duration firstOpenPeriod(Duration openDuration) {
    Duration first = Duration.ofSeconds(1);
    return openDuration.compareTo(first) < 0 ? openDuration : first;
  }

  /** {@code CircuitBreakerConfig.Builder#clock(Clock)}, or null where Resilience4j has none. */
  private static final java.lang.reflect.Method BREAKER_CLOCK = breakerClockSetter();

  private static java.lang.reflect.Method breakerClockSetter() {
    try {
      return CircuitBreakerConfig.Builder.class.getMethod("clock", java.time.Clock.class);
    } catch (NoSuchMethodException olderResilience4j) {
      return null; // Resilience4j 2.2: no clock setting
    }
  }

  /**
   * Whether the running Resilience4j lets the circuit breaker read the provider's clock
   * ({@code CircuitBreakerConfig.Builder#clock}, from Resilience4j 2.3, Spring Boot 4's). Where
   * it does not (2.2, Spring Boot 3.5's), the breaker's open state runs on the system clock: it
   * lasts the configured open duration of wall time, whatever the provider's clock says.
   *
   * @return true when the breaker's open state is measured on the provider's clock
   */
  public static boolean breakerTakesClock() {
    return BREAKER_CLOCK != null;
  }

  /**
   * Gives the breaker a {@link ForwardOnlyClock} over the provider's clock, so that its open
   * state holds its bound when the wall clock jumps, where Resilience4j can take a clock
   * ({@link #breakerTakesClock()}); otherwise the breaker keeps its own system clock.
   */
  private static CircuitBreakerConfig.Builder withClock(CircuitBreakerConfig.Builder builder,
      java.time.Clock clock) {
    if (BREAKER_CLOCK != null) {
      try {
        BREAKER_CLOCK.invoke(builder, new ForwardOnlyClock(clock));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("CircuitBreakerConfig.Builder#clock failed", e);
      }
    }
    return builder;
  }

  private static CircuitBreaker createIn(
      io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry registry, String name,
      CircuitBreakerConfig config) {
    if (registry.find(name).isPresent()) {
      throw new IllegalArgumentException("the circuit breaker registry already holds '" + name
          + "': give each PoaTokenProvider its own name(…)");
    }
    return registry.circuitBreaker(name, config);
  }

  private static Retry createIn(io.github.resilience4j.retry.RetryRegistry registry, String name,
      RetryConfig config) {
    if (registry.find(name).isPresent()) {
      throw new IllegalArgumentException("the retry registry already holds '" + name
          + "': give each PoaTokenProvider its own name(…)");
    }
    return registry.retry(name, config);
  }

  /** @return the circuit breaker around the token request */
  public CircuitBreaker circuitBreaker() {
    return breaker;
  }

  /** @return the retry of the token request */
  public Retry retry() {
    return retry;
  }

  /**
   * Fetches one token, with retries, within {@code timeout}.
   *
   * @return the token, or the failure as the public exception callers get
   */
  public Outcome fetch(Duration timeout) {
    long deadlineNanos = System.nanoTime() + timeout.toNanos();
    AtomicInteger attempts = new AtomicInteger();
    deadline.set(new long[] {deadlineNanos});
    try {
      AccessToken token = breaker.executeSupplier(() -> retry.executeSupplier(() -> {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
          throw new TokenEndpointUnavailableException("no token within the call timeout of "
              + timeout, null, false, null);
        }
        attempts.incrementAndGet();
        Duration perAttempt = settings.connectTimeout().plus(settings.readTimeout());
        return call.request(perAttempt.toNanos() < remaining ? perAttempt : Duration.ofNanos(remaining));
      }));
      return new Outcome(token, null, attempts.get());
    } catch (CallNotPermittedException e) {
      // CallNotPermittedException holds only the breaker's name: safe to keep as the cause.
      return new Outcome(null, new TokenEndpointUnavailableException("circuit breaker is open "
          + "after repeated token endpoint failures; not calling it until the breaker lets a "
          + "trial call through", e), attempts.get());
    } catch (TokenEndpointUnavailableException e) {
      int n = attempts.get();
      return new Outcome(null, n <= 1 ? e : new TokenEndpointUnavailableException(
          "token endpoint unavailable after " + n + " attempts: " + e.getMessage(), e,
          e.isRetryable(), e.retryAfter().orElse(null)), n);
    } catch (PoaAuthException e) {
      return new Outcome(null, e, attempts.get());
    } catch (RuntimeException e) {
      return new Outcome(null, new TokenEndpointUnavailableException("token refresh failed "
          + "unexpectedly: " + e.getClass().getSimpleName(), RedactedCause.of(e, new Redactor(""))),
          attempts.get());
    } finally {
      deadline.remove();
    }
  }

  /** Removes the breaker and retry from the partner's registries; releases an owned client. */
  @Override
  public void close() {
    if (settings.circuitBreakerRegistry() != null) {
      settings.circuitBreakerRegistry().remove(breaker.getName());
    }
    if (settings.retryRegistry() != null) {
      settings.retryRegistry().remove(retry.getName());
    }
    http.release();
  }
}
