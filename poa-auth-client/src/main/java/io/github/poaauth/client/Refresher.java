package io.github.poaauth.client;

import io.github.poaauth.client.PoaTokenStatus.State;
import io.github.poaauth.client.TokenEndpointUnavailableException.Reason;
import io.github.poaauth.client.TokenState.Action;
import io.github.poaauth.client.TokenState.Entry;
import io.github.poaauth.client.TokenState.Flight;
import io.github.poaauth.client.TokenState.Rejection;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's engine: its {@link TokenState}, swapped atomically, and what each call does as
 * {@link TokenState#decide} says. At most one token request (the flight) runs at a time, within
 * the call timeout, its outcome shared by everyone waiting; a blocking caller runs an unstarted
 * flight itself, background and async flights run on the executor. Logs never hold a secret or
 * a token: failures callers see at DEBUG, the first background failure nobody sees at WARN.
 */
final class Refresher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PoaTokenProvider.class);

  private final Settings settings;
  private final Clock clock;
  private final Supplier<String> secret;
  private final GuardedFetch fetch;
  private final Executor executor;
  /** Where in the refresh-ahead window this provider refreshes: its own, for a fleet's spread. */
  private final double phase;
  private final AtomicReference<TokenState> state = new AtomicReference<>(TokenState.EMPTY);

  Refresher(Settings settings) {
    this.settings = settings;
    this.clock = settings.clock();
    this.secret = settings.clientSecret();
    this.fetch = new GuardedFetch(settings, this::emit);
    this.executor = settings.executor() != null ? settings.executor() : JdkHttpTransport.REFRESH;
    this.phase = settings.refreshJitter() ? ThreadLocalRandom.current().nextDouble() : 0;
  }

  AccessToken token() {
    AccessToken cached = cached();
    if (cached != null) {
      return cached;
    }
    Flight flight = join(Mode.BLOCKING);
    if (flight.claim()) {
      run(flight);
    }
    try {
      return usable(flight.result.get(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.unavailable(Reason.INTERRUPTED, "interrupted while waiting for a token");
    } catch (ExecutionException | TimeoutException e) {
      throw Failures.forCaller(e, settings.callTimeout());
    }
  }

  CompletableFuture<AccessToken> tokenAsync() {
    AccessToken cached = cached();
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    // A failure shows where the caller asked.
    StackTraceElement[] callerStack = new Throwable().getStackTrace();
    CompletableFuture<AccessToken> mine = new CompletableFuture<>();
    join(Mode.ASYNC).result.thenApply(this::usable)
        .orTimeout(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete((token, failure) -> {
          if (failure == null) {
            mine.complete(token);
          } else {
            PoaAuthException e = Failures.forCaller(failure, settings.callTimeout());
            e.setStackTrace(callerStack);
            mine.completeExceptionally(e);
          }
        });
    return mine;
  }

  /** A waited-for token, unless it stopped being handed out meanwhile: never an expired one. */
  private AccessToken usable(Entry e) {
    if (e.usableAt(clock.millis())) {
      return e.token();
    }
    throw Failures.unavailable(Reason.TIMEOUT, "the token arrived too late to be handed out: "
        + "the exchange took longer than its lifetime less the expiry skew");
  }

  /** The cached token if the decision hands it out (starting a due refresh), else null. */
  private AccessToken cached() {
    TokenState s = state.get();
    Action action = s.decide(clock.millis(), secret);
    if (action == Action.HAND_OUT_AND_REFRESH) {
      join(Mode.BACKGROUND);
    }
    boolean handOut = action == Action.HAND_OUT || action == Action.HAND_OUT_AND_REFRESH;
    return handOut ? s.token().token() : null;
  }

  /** Who needs the flight, which decides where it runs. */
  private enum Mode { BACKGROUND, ASYNC, BLOCKING }

  /** The flight to wait for: the running one, a new one, or one completed as decided. */
  private Flight join(Mode mode) {
    while (true) {
      TokenState s = state.get();
      Action action = s.decide(clock.millis(), secret);
      if (action == Action.AWAIT && s.runningFlight() != null) {
        return s.runningFlight();
      }
      if (action != Action.AWAIT
          && !(action == Action.HAND_OUT_AND_REFRESH && mode == Mode.BACKGROUND)) {
        return decided(action, s);
      }
      Flight mine = new Flight(mode == Mode.BACKGROUND, settings.callTimeout());
      if (state.compareAndSet(s, s.withFlight(mine))) {
        Flight stale = s.flight();
        if (stale != null && stale.claim()) {
          stale.result.completeExceptionally(Failures.unavailable(Reason.EXECUTOR,
              "the refresh executor did not run the token refresh within the call timeout"));
        }
        if (mode != Mode.BLOCKING) {
          submit(mine);
        }
        return mine;
      }
    }
  }

  /** A flight already completed with what {@code action} decided: nothing to run. */
  private static Flight decided(Action action, TokenState s) {
    Flight done = new Flight(false, Duration.ZERO);
    done.claim();
    switch (action) {
      case FAIL_CLOSED -> done.result.completeExceptionally(Failures.closed());
      case FAIL_REJECTED -> done.result.completeExceptionally(s.rejection().exception());
      default -> done.result.complete(s.token());
    }
    return done;
  }

  private void submit(Flight flight) {
    try {
      executor.execute(() -> {
        if (flight.claim()) {
          synchronized (flight) {
            flight.pooledRunner = Thread.currentThread();
          }
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
      // Rejected, or an Error such as "unable to create native thread".
      if (flight.claim()) {
        finish(flight, null, Failures.unavailable(Reason.EXECUTOR, "the refresh executor did "
            + "not accept the token refresh (" + t.getClass().getSimpleName() + ")"), 0, null);
      }
      LOG.warn("POA token refresh could not be started: {}", t.getClass().getName());
    }
  }

  private void run(Flight flight) {
    if (state.get().closed()) {
      finish(flight, null, Failures.closed(), 0, null);
      return;
    }
    if (!fetch.permitted()) {
      emit(new PoaTokenEvent.RefreshRefused(flight.background));
      finish(flight, null, Failures.circuitOpen(), 0, null);
      return;
    }
    emit(new PoaTokenEvent.RefreshStarted(flight.background));
    long started = System.nanoTime();
    GuardedFetch.Outcome outcome;
    try {
      outcome = fetch.fetch(settings.callTimeout());
    } catch (Error e) {
      finish(flight, null, Failures.unexpected(e), 0, null);
      throw e;
    }
    finish(flight, outcome.token(), outcome.failure(), outcome.attempts(),
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** Publishes a flight's outcome in the state, then to its waiters and the listener. */
  private void finish(Flight flight, AccessToken token, PoaAuthException failure, int attempts,
      Duration took) {
    long now = clock.millis();
    TokenState before;
    TokenState after;
    Entry entry = token == null ? null
        : Entry.of(token, settings.refreshAhead(), settings.expirySkew(), phase);
    do {
      before = state.get();
      if (before.closed()) {
        flight.result.completeExceptionally(Failures.closed());
        return;
      }
      if (entry != null) {
        after = before.succeeded(flight, entry);
      } else {
        Rejection rejection = failure instanceof CredentialsRejectedException r
            && !settings.rejectionCooldown().isZero() ? new Rejection(r, now,
            settings.rejectionCooldown().toMillis(), TokenState.secretOrNull(secret)) : null;
        // 1, 2, 4, 8, 16, then 30 s between failed background refreshes.
        long backoff = Math.min(30_000L, 1000L << Math.min(before.failures(), 5));
        after = before.failed(flight, now, backoff, rejection);
      }
    } while (!state.compareAndSet(before, after));
    if (token != null) {
      if (before.failures() > 0) {
        LOG.info("POA token refresh recovered after {} failure(s)", before.failures());
      }
      LOG.debug("POA token refreshed: {}", token);
      flight.result.complete(entry);
      if (took != null) {
        emit(new PoaTokenEvent.RefreshSucceeded(flight.background, attempts, took,
            token.expiresAt()));
      }
      return;
    }
    Entry current = before.token();
    if (flight.background && before.failures() == 0 && current != null && current.usableAt(now)) {
      LOG.warn("POA token refresh failed in the background; callers keep the current token, "
          + "valid until {}: {}", current.token().expiresAt(), failure.getMessage());
    } else {
      LOG.debug("POA token refresh failed ({} in a row): {}", after.failures(),
          failure.getMessage());
    }
    flight.result.completeExceptionally(failure);
    if (after.rejection() != before.rejection()) {
      emit(new PoaTokenEvent.RejectionCooldownStarted(settings.rejectionCooldown(),
          after.rejection().exception().errorCode()));
    }
    if (took != null) {
      emit(new PoaTokenEvent.RefreshFailed(flight.background, attempts, took, failure.getClass(),
          failure instanceof CredentialsRejectedException r ? r.errorCode() : Optional.empty()));
    }
  }

  boolean invalidate(AccessToken rejected) {
    while (true) {
      TokenState s = state.get();
      if (s.token() == null || !s.token().token().equals(rejected)) {
        return false;
      }
      if (state.compareAndSet(s, s.withToken(null))) {
        emit(new PoaTokenEvent.TokenInvalidated());
        return true;
      }
    }
  }

  PoaTokenStatus status() {
    TokenState s = state.get();
    long now = clock.millis();
    String breaker = fetch.breakerState();
    boolean rejected = !s.closed() && s.rejected(now, secret);
    State overall = s.closed() ? State.CLOSED
        : rejected ? State.REJECTED
        : breaker.equals("OPEN") || breaker.equals("FORCED_OPEN") ? State.UNAVAILABLE
        : s.token() != null && s.token().usableAt(now) ? State.VALID
        : State.NO_TOKEN;
    Optional<AccessToken> token = Optional.ofNullable(s.token()).map(Entry::token);
    return new PoaTokenStatus(overall, token.map(AccessToken::issuedAt),
        token.map(AccessToken::expiresAt),
        rejected ? s.rejection().exception().errorCode() : Optional.empty(), breaker);
  }

  /** The breaker's state, and whether closed, for the provider's {@code toString()}. */
  @Override
  public String toString() {
    return ", circuitBreaker=" + fetch.breakerState() + (state.get().closed() ? ", closed" : "");
  }

  /** A throwing listener changes nothing. */
  private void emit(PoaTokenEvent event) {
    try {
      settings.listener().onEvent(event);
    } catch (RuntimeException e) {
      LOG.debug("PoaTokenListener threw {} on {}", e.getClass().getName(), event);
    }
  }

  @Override
  public void close() {
    TokenState before = state.getAndUpdate(TokenState::close);
    if (before.closed()) {
      return;
    }
    Flight pending = before.flight();
    if (pending != null) {
      synchronized (pending) {
        // Under the flight's lock the shared runner cannot have moved on to another task.
        if (pending.pooledRunner != null) {
          pending.pooledRunner.interrupt();
        }
      }
      pending.claim();
      pending.result.completeExceptionally(Failures.closed());
    }
    fetch.close();
  }
}
