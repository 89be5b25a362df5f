package io.github.poaauth.client;

import io.github.poaauth.client.TokenEndpointUnavailableException.Reason;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The token request guarded by Resilience4j: a circuit breaker around a retry around one
 * {@link TokenCall}, all within one deadline. The breaker is used through its permission API, so
 * that a refused call is told apart from a request; a whole retried fetch is one call, and
 * rejections do not count (the endpoint answered). It opens for 1 s first, doubling after each
 * failed trial up to the open duration, so that a short outage costs callers about its own
 * length. The retry waits the larger of a jittered exponential backoff and {@code Retry-After},
 * never past the deadline.
 */
final class GuardedFetch implements AutoCloseable {
  /**
   * {@code CircuitBreakerConfig.Builder#clock(Clock)}, public from Resilience4j 2.3 on, or null:
   * the client also runs on (and, in one line of the version matrix, compiles against) 2.2, whose
   * breaker measures the open state on the system clock only.
   */
  private static final MethodHandle BREAKER_CLOCK = breakerClock();
  static final boolean BREAKER_TAKES_CLOCK = BREAKER_CLOCK != null;

  /** The outcome of one fetch: a token, or the failure callers get. */
  record Outcome(AccessToken token, PoaAuthException failure, int attempts) {
  }

  /** A failed attempt, with its fetch's deadline, which the retry's wait must not pass. */
  private static final class AttemptFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient PoaAuthException failure;
    private final long deadlineNanos;

    AttemptFailed(PoaAuthException failure, long deadlineNanos) {
      super(null, null, false, false);
      this.failure = failure;
      this.deadlineNanos = deadlineNanos;
    }
  }

  private final Settings settings;
  private final TokenCall call;
  private final JdkHttpTransport transport;
  private final CircuitBreaker breaker;
  private final Retry retry;

  GuardedFetch(Settings settings, Consumer<PoaTokenEvent> events) {
    this.settings = settings;
    this.transport = JdkHttpTransport.forSettings(settings);
    this.call = new TokenCall(settings, transport);
    Duration open = settings.breakerOpenDuration();
    CircuitBreakerConfig.Builder breakerConfig = CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(settings.breakerWindowSize())
        .minimumNumberOfCalls(settings.breakerMinimumCalls())
        .failureRateThreshold(settings.breakerFailureRateThreshold())
        .waitIntervalFunctionInOpenState(IntervalFunction.ofExponentialBackoff(
            open.compareTo(Duration.ofSeconds(1)) < 0 ? open : Duration.ofSeconds(1), 2.0, open))
        .permittedNumberOfCallsInHalfOpenState(1)
        .ignoreException(e -> e instanceof CredentialsRejectedException);
    if (BREAKER_CLOCK != null) {
      try {
        BREAKER_CLOCK.invoke(breakerConfig, (Clock) new ForwardOnlyClock(settings.clock()));
      } catch (Throwable e) {
        throw new IllegalStateException("CircuitBreakerConfig.Builder#clock failed", e);
      }
    }
    IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(
        settings.retryInitialBackoff(), 2.0, 0.5, settings.retryMaxBackoff());
    RetryConfig retryConfig = RetryConfig.custom()
        .maxAttempts(settings.maxAttempts())
        .retryOnException(e -> e instanceof AttemptFailed a
            && a.failure instanceof TokenEndpointUnavailableException u && u.isRetryable()
            && u.reason() != Reason.CALL_TIMEOUT)
        .intervalBiFunction((attempt, outcome) -> {
          long wait = backoff.apply(attempt);
          // Only a retryable TokenEndpointUnavailableException is retried.
          if (outcome.isLeft() && outcome.getLeft() instanceof AttemptFailed a) {
            TokenEndpointUnavailableException u = (TokenEndpointUnavailableException) a.failure;
            wait = Math.max(wait, u.retryAfter().map(Duration::toMillis).orElse(0L));
            // Past the deadline, the next attempt fails with the call timeout.
            wait = Math.min(wait, (a.deadlineNanos - System.nanoTime()) / 1_000_000);
          }
          return Math.max(0, wait);
        })
        .build();
    String name = settings.name();
    CircuitBreakerRegistry breakers = settings.circuitBreakerRegistry();
    RetryRegistry retries = settings.retryRegistry();
    requireFree(breakers != null && breakers.find(name).isPresent(), "circuit breaker");
    requireFree(retries != null && retries.find(name).isPresent(), "retry");
    this.breaker = breakers == null ? CircuitBreaker.of(name, breakerConfig.build())
        : breakers.circuitBreaker(name, breakerConfig.build());
    this.retry = retries == null ? Retry.of(name, retryConfig) : retries.retry(name, retryConfig);
    breaker.getEventPublisher().onStateTransition(e -> events.accept(
        new PoaTokenEvent.CircuitBreakerStateChanged(e.getStateTransition().getFromState().name(),
            e.getStateTransition().getToState().name())));
  }

  private static MethodHandle breakerClock() {
    try {
      return MethodHandles.publicLookup().findVirtual(CircuitBreakerConfig.Builder.class, "clock",
          MethodType.methodType(CircuitBreakerConfig.Builder.class, Clock.class));
    } catch (NoSuchMethodException | IllegalAccessException resilience4j22) {
      return null;
    }
  }

  private static void requireFree(boolean taken, String what) {
    if (taken) {
      throw Failures.invalidSetting("name", "the " + what + " registry already holds this name: "
          + "give each PoaTokenProvider its own name(…)");
    }
  }

  /** Whether the breaker lets a fetch through now; if so, {@link #fetch} must follow. */
  boolean permitted() {
    return breaker.tryAcquirePermission();
  }

  String breakerState() {
    return breaker.getState().name();
  }

  /** Fetches one token, with retries, within {@code timeout}, after {@link #permitted()}. */
  Outcome fetch(Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long perAttempt = settings.connectTimeout().plus(settings.readTimeout()).toNanos();
    AtomicInteger attempts = new AtomicInteger();
    PoaAuthException failure;
    try {
      AccessToken token = retry.executeSupplier(() -> {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new AttemptFailed(Failures.callTimeout(timeout), deadline);
        }
        attempts.incrementAndGet();
        try {
          return call.request(remaining);
        } catch (PoaAuthException e) {
          boolean cutByDeadline = e instanceof TokenEndpointUnavailableException u
              && u.reason() == Reason.TIMEOUT && remaining < perAttempt;
          throw new AttemptFailed(cutByDeadline ? Failures.callTimeout(timeout) : e, deadline);
        }
      });
      breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return new Outcome(token, null, attempts.get());
    } catch (AttemptFailed e) {
      failure = attempts.get() > 1 && e.failure instanceof TokenEndpointUnavailableException u
          ? Failures.afterAttempts(attempts.get(), u) : e.failure;
    } catch (RuntimeException e) {
      failure = Failures.unexpected(e);
    } catch (Error e) {
      breaker.releasePermission();
      throw e;
    }
    breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, failure);
    return new Outcome(null, failure, attempts.get());
  }

  /** Removes the breaker and retry from the registries; releases an owned HTTP client. */
  @Override
  public void close() {
    if (settings.circuitBreakerRegistry() != null) {
      settings.circuitBreakerRegistry().remove(breaker.getName());
    }
    if (settings.retryRegistry() != null) {
      settings.retryRegistry().remove(retry.getName());
    }
    transport.close();
  }

  /**
   * The circuit breaker's clock, which never goes back: the breaker keeps its open state as a
   * deadline, so a wall clock set back an hour would keep it open an hour. Between two readings it
   * advances by the larger of the source clock's step and the monotonic time passed: the open
   * duration holds whichever way the wall clock jumps, and tests can still move it forward.
   */
  static final class ForwardOnlyClock extends Clock {
    private final Clock source;
    private long lastSourceMillis;
    private long lastNanos;
    private long shownEpochNanos;

    ForwardOnlyClock(Clock source) {
      this.source = source;
      this.lastSourceMillis = source.millis();
      this.lastNanos = System.nanoTime();
      this.shownEpochNanos = lastSourceMillis * 1_000_000;
    }

    /** {@link Clock#millis()} reads this too. */
    @Override
    public synchronized Instant instant() {
      long now = source.millis();
      long nanos = System.nanoTime();
      long monotonic = Math.max(0, nanos - lastNanos);
      long stepped = (now - lastSourceMillis) * 1_000_000;
      shownEpochNanos += Math.max(stepped, monotonic);
      lastSourceMillis = now;
      lastNanos = nanos;
      return Instant.ofEpochMilli(shownEpochNanos / 1_000_000);
    }

    @Override
    public ZoneId getZone() {
      return source.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("ForwardOnlyClock has no zones");
    }
  }
}
