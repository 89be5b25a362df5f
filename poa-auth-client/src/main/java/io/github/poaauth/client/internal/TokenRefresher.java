package io.github.poaauth.client.internal;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.PoaAuthException;
import io.github.poaauth.client.PoaTokenEvent;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache and its single-flight refresh: at most one token request per provider at a time,
 * started by whichever caller first needs one, its outcome shared by every caller waiting for
 * it.
 *
 * <p>Where a refresh runs: a background refresh (the cached token is still handed out) runs on
 * the executor; a caller that must wait for a token runs the request on its own thread, so that
 * no executor (a starved one, one that drops tasks, a one-thread executor the caller runs on)
 * can keep it from a token; an asynchronous caller's refresh runs on the executor. A refresh
 * the executor never started is taken over by the next blocking caller, or dropped once it is
 * older than the call timeout, so that the slot never stays occupied. Every refresh ends within
 * the call timeout (the fetch's deadline).
 *
 * <p>Time: backoffs and the rejection cool-down are a start time plus a duration, never a
 * deadline: a clock set back ends them (they never last longer than documented), a clock set
 * forward shortens them.
 *
 * <p>Logging: a failure that reaches a caller as an exception is logged at DEBUG only; a failed
 * background refresh while the token is still valid (nobody sees it) is logged once at WARN,
 * repeats at DEBUG, recovery at INFO. Never a secret or token.
 *
 * <p>Unsupported API: this package may change without notice. Thread-safe.
 */
public final class TokenRefresher implements AutoCloseable {
  /** Longest pause between failed background refreshes while the current token stays valid. */
  public static final Duration MAX_BACKGROUND_BACKOFF = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger("io.github.poaauth.client.PoaTokenProvider");

  /** Who needs the refresh, which decides where it runs. */
  public enum Mode {
    /** Callers hold a valid token: run on the executor. */
    BACKGROUND,
    /** A caller waits without blocking: run on the executor. */
    ASYNC,
    /** A caller blocks: it runs the refresh itself unless one is running already. */
    BLOCKING
  }

  /** One token request and everyone waiting for it. */
  public static final class Flight {
    private final CompletableFuture<CachedToken> result = new CompletableFuture<>();
    private final boolean background;
    private final long createdNanos = System.nanoTime();
    /** Whoever claims the flight runs it; a task claimed by a caller does nothing when it runs. */
    private final AtomicBoolean claimed = new AtomicBoolean();
    /** The executor thread running it, for close() to interrupt; never a caller's thread. */
    private volatile Thread pooledRunner;

    private Flight(boolean background) {
      this.background = background;
    }

    /** @return completed with the new snapshot, or exceptionally with a {@link PoaAuthException} */
    public CompletableFuture<CachedToken> result() {
      return result;
    }
  }

  private record Rejection(CredentialsRejectedException exception, long atMillis, String secret) {
  }

  private record Backoff(long failedAtMillis, long millis) {
  }

  private final ProviderSettings settings;
  private final GuardedTokenFetch fetch;
  private final Executor executor;
  private final Events events;

  /** The hot path reads only this: one volatile read. Replaced whole, never mutated. */
  private volatile CachedToken cached;
  /** The single in-flight refresh, or null; installed by CAS, which makes the fetch single-flight. */
  private final AtomicReference<Flight> inFlight = new AtomicReference<>();
  /** Last rejection, repeated to callers during the cool-down instead of asking again. */
  private volatile Rejection rejection;
  /** After a failed refresh: no background refresh until this has passed. */
  private volatile Backoff backoff;
  /** Failed refreshes in a row; written only by the flight's runner, which is single. */
  private volatile int failuresInARow;
  /** Whether this run of failures was logged at WARN; written only by the runner. */
  private volatile boolean warned;
  private volatile boolean closed;

  /** Interface to the listener, isolating it: a throwing listener changes nothing. */
  @FunctionalInterface
  interface Events {
    void emit(PoaTokenEvent event);
  }

  public TokenRefresher(ProviderSettings settings) {
    this.settings = settings;
    this.fetch = new GuardedTokenFetch(settings);
    this.executor = settings.executor() != null ? settings.executor() : SharedThreads.refresh();
    this.events = event -> {
      try {
        settings.listener().onEvent(event);
      } catch (RuntimeException e) {
        LOG.debug("PoaTokenListener threw {} on {}", e.getClass().getName(), event);
      }
    };
    fetch.circuitBreaker().getEventPublisher().onStateTransition(e -> events.emit(
        new PoaTokenEvent.CircuitBreakerStateChanged(e.getStateTransition().getFromState().name(),
            e.getStateTransition().getToState().name())));
  }

  /** @return the cached snapshot, or null; one volatile read */
  public CachedToken cached() {
    return cached;
  }

  /** @return the circuit breaker around the token request */
  public CircuitBreaker circuitBreaker() {
    return fetch.circuitBreaker();
  }

  /** @return the retry of the token request */
  public io.github.resilience4j.retry.Retry retry() {
    return fetch.retry();
  }

  /** @return whether {@link #close()} was called */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Starts one background refresh unless one runs, the last failure's backoff has not passed,
   * or a rejection's cool-down is on and the client secret has not changed since. Cheap when
   * nothing is due: a few volatile reads (and a read of the secret source during a cool-down).
   */
  public void refreshInBackgroundIfDue(long nowMillis) {
    // Unlocked pre-checks keep the refresh-ahead window cheap; join() re-checks after it owns
    // the slot. A race here can at worst start no refresh this call, never two.
    Flight running = inFlight.get();
    if (closed || running != null && !isAbandoned(running)) {
      return;
    }
    Backoff b = backoff;
    if (b != null && !over(nowMillis, b.failedAtMillis(), b.millis())) {
      return;
    }
    // A secret rotated at the source after a rejection is tried now, as on the blocking path
    // (activeRejection): the chaos run against Keycloak (issue 17) found the background path
    // waiting for the cached token's expiry instead, so callers blocked on the fetch then.
    if (activeRejection(nowMillis) != null) {
      return;
    }
    join(Mode.BACKGROUND);
  }

  /**
   * @return the rejection to repeat to a caller now, or null: none, its cool-down is over (or
   *     the clock was set back), or the client secret has changed since
   */
  public CredentialsRejectedException activeRejection(long nowMillis) {
    Rejection r = rejection;
    if (r == null || over(nowMillis, r.atMillis(), settings.rejectionCooldown().toMillis())) {
      return null;
    }
    return Objects.equals(currentSecret(), r.secret()) ? r.exception() : null;
  }

  /**
   * Returns the in-flight refresh, creating one if none runs. A {@link Mode#BLOCKING} caller
   * then calls {@link #runIfUnclaimed(Flight)}; other modes are started on the executor here.
   */
  public Flight join(Mode mode) {
    while (true) {
      Flight existing = inFlight.get();
      if (existing != null) {
        if (isAbandoned(existing)) {
          abandon(existing, new TokenEndpointUnavailableException("the refresh executor did not "
              + "run the token refresh within the call timeout", null));
          continue;
        }
        return existing;
      }
      Flight mine = new Flight(mode == Mode.BACKGROUND);
      if (!inFlight.compareAndSet(null, mine)) {
        continue;
      }
      // We own the slot. Re-check: a refresh that just finished published its token before
      // freeing the slot, so it is visible here and no second request is needed.
      CachedToken c = cached;
      if (c != null) {
        CachedToken.State state = c.state(settings.clock().millis());
        if (state == CachedToken.State.FRESH
            || state == CachedToken.State.REFRESH_DUE && mode != Mode.BACKGROUND) {
          mine.claimed.set(true);
          inFlight.compareAndSet(mine, null);
          mine.result.complete(c);
          return mine;
        }
      }
      if (mode != Mode.BLOCKING) {
        submit(mine);
      }
      return mine;
    }
  }

  /** Runs the flight on this thread unless someone else has claimed it. */
  public void runIfUnclaimed(Flight flight) {
    if (flight.claimed.compareAndSet(false, true)) {
      run(flight);
    }
  }

  private void submit(Flight flight) {
    try {
      executor.execute(() -> {
        if (flight.claimed.compareAndSet(false, true)) {
          flight.pooledRunner = Thread.currentThread();
          try {
            run(flight);
          } finally {
            synchronized (flight) {
              flight.pooledRunner = null;
              // A close() may have interrupted this shared thread: do not leave the flag set.
              Thread.interrupted();
            }
          }
        }
      });
    } catch (Throwable t) {
      // RejectedExecutionException, but also an OutOfMemoryError "unable to create native
      // thread" or an executor's IllegalStateException: the slot must be freed whatever it is.
      abandon(flight, new TokenEndpointUnavailableException(closed ? "PoaTokenProvider was closed"
          : "the refresh executor did not accept the token refresh (" + t.getClass().getSimpleName()
              + ")", null));
      if (!closed) {
        LOG.warn("POA token refresh could not be started: {}", t.getClass().getName());
      }
    }
  }

  private boolean isAbandoned(Flight flight) {
    return !flight.claimed.get()
        && System.nanoTime() - flight.createdNanos > settings.callTimeout().toNanos();
  }

  private void abandon(Flight flight, PoaAuthException failure) {
    if (flight.claimed.compareAndSet(false, true)) {
      inFlight.compareAndSet(flight, null);
      flight.result.completeExceptionally(failure);
    }
  }

  private void run(Flight flight) {
    if (closed) {
      inFlight.compareAndSet(flight, null);
      flight.result.completeExceptionally(closedException());
      return;
    }
    events.emit(new PoaTokenEvent.RefreshStarted(flight.background));
    long started = System.nanoTime();
    GuardedTokenFetch.Outcome outcome;
    try {
      outcome = fetch.fetch(settings.callTimeout());
    } catch (Throwable t) {
      // Only an Error gets here (the fetch turns every exception into an outcome).
      inFlight.compareAndSet(flight, null);
      flight.result.completeExceptionally(new TokenEndpointUnavailableException(
          "token refresh failed unexpectedly: " + t.getClass().getSimpleName(), null));
      throw t;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    if (outcome.token() != null) {
      succeeded(flight, outcome, took);
    } else {
      failed(flight, outcome, took);
    }
  }

  private void succeeded(Flight flight, GuardedTokenFetch.Outcome outcome, Duration took) {
    AccessToken token = outcome.token();
    CachedToken fresh = cacheEntry(token, flight.background && failuresInARow == 0);
    cached = fresh;
    // close() sets `closed` before it clears the cache: whichever of the two clears runs last,
    // a closed provider is left without a token, so its hot path cannot hand one out.
    if (closed) {
      cached = null;
      inFlight.compareAndSet(flight, null);
      flight.result.completeExceptionally(closedException());
      return;
    }
    rejection = null;
    backoff = null;
    int failures = failuresInARow;
    failuresInARow = 0;
    if (warned) {
      warned = false;
      LOG.info("POA token refresh recovered after {} failure(s)", failures);
    }
    LOG.debug("POA token refreshed: {}", token);
    events.emit(new PoaTokenEvent.RefreshSucceeded(flight.background, outcome.attempts(), took,
        token.expiresAt()));
    inFlight.compareAndSet(flight, null);
    flight.result.complete(fresh);
  }

  /**
   * @param onSchedule whether the token replaces one on schedule (a background refresh that
   *     succeeded at its first try): only such tokens keep a fleet's refreshes spread; every
   *     other fetch is a moment many services may share (see {@link CachedToken})
   */
  private CachedToken cacheEntry(AccessToken token, boolean onSchedule) {
    if (!settings.refreshJitter()) {
      return CachedToken.of(token, settings.refreshAhead(), settings.expirySkew(), 0);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return onSchedule
        ? CachedToken.of(token, settings.refreshAhead(), settings.expirySkew(), random.nextDouble())
        : CachedToken.staggered(token, settings.refreshAhead(), settings.expirySkew(),
            random.nextDouble(), random.nextDouble());
  }

  private void failed(Flight flight, GuardedTokenFetch.Outcome outcome, Duration took) {
    PoaAuthException failure = closed ? closedException() : outcome.failure();
    long now = settings.clock().millis();
    if (failure instanceof CredentialsRejectedException rejected
        && !settings.rejectionCooldown().isZero()) {
      rejection = new Rejection(rejected, now, currentSecret());
      events.emit(new PoaTokenEvent.RejectionCooldownStarted(settings.rejectionCooldown(),
          rejected.errorCode()));
    }
    int failures = failuresInARow + 1;
    failuresInARow = failures;
    backoff = new Backoff(now, backgroundBackoff(failures).toMillis());
    if (!closed) {
      CachedToken c = cached;
      boolean unseen = flight.background && c != null && c.usableAt(now);
      if (unseen && !warned) {
        warned = true;
        LOG.warn("POA token refresh failed in the background; callers keep the current token, "
            + "valid until {}: {}", c.token().expiresAt(), failure.getMessage());
      } else {
        LOG.debug("POA token refresh failed ({} in a row): {}", failures, failure.getMessage());
      }
    }
    events.emit(new PoaTokenEvent.RefreshFailed(flight.background, outcome.attempts(), took,
        failure.getClass(), failure instanceof CredentialsRejectedException r
            ? r.errorCode() : java.util.Optional.empty()));
    inFlight.compareAndSet(flight, null);
    flight.result.completeExceptionally(failure);
  }

  /** 1, 2, 4, 8, 16, 30 s: between failed background refreshes. */
  static Duration backgroundBackoff(int failuresInARow) {
    int exponent = Math.min(failuresInARow - 1, 5);
    Duration wait = Duration.ofSeconds(1L << exponent);
    return wait.compareTo(MAX_BACKGROUND_BACKOFF) > 0 ? MAX_BACKGROUND_BACKOFF : wait;
  }

  /** Whether {@code length} has passed since {@code start}; a clock set back ends it at once. */
  private static boolean over(long now, long start, long length) {
    long elapsed = now - start;
    return elapsed < 0 || elapsed >= length;
  }

  private String currentSecret() {
    try {
      return settings.clientSecret().get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Drops {@code rejected} from the cache if it is still the cached token.
   *
   * @return whether it was dropped
   */
  public boolean invalidate(AccessToken rejected) {
    CachedToken c = cached;
    if (c != null && c.token().equals(rejected)) {
      synchronized (this) {
        if (cached == c) {
          cached = null;
          events.emit(new PoaTokenEvent.TokenInvalidated());
          return true;
        }
      }
    }
    return false;
  }

  /** @return the state for health checks, without a request */
  public Snapshot snapshot() {
    long now = settings.clock().millis();
    Rejection r = rejection;
    return new Snapshot(cached, r == null || over(now, r.atMillis(),
        settings.rejectionCooldown().toMillis()) ? null : r.exception(),
        fetch.circuitBreaker().getState(), closed);
  }

  /** What {@link #snapshot()} reports. */
  public record Snapshot(CachedToken cached, CredentialsRejectedException rejection,
      CircuitBreaker.State breaker, boolean closed) {
  }

  private static TokenEndpointUnavailableException closedException() {
    return new TokenEndpointUnavailableException("PoaTokenProvider was closed", null, false, null);
  }

  /**
   * Ends background work: an in-flight refresh on the executor is interrupted, waiting callers
   * get a {@link TokenEndpointUnavailableException}, the breaker and retry leave the partner's
   * registries. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Dropping the token sends every later call to the slow path, which checks `closed`: the
    // hot path needs no check of its own.
    cached = null;
    Flight pending = inFlight.get();
    if (pending != null) {
      synchronized (pending) {
        // Under the flight's lock: the runner cannot have moved on to another task.
        Thread runner = pending.pooledRunner;
        if (runner != null) {
          runner.interrupt();
        }
      }
      pending.claimed.set(true);
      inFlight.compareAndSet(pending, null);
      pending.result.completeExceptionally(closedException());
    }
    fetch.close();
  }
}
