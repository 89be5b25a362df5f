package io.github.poaauth.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Everything a provider knows, as one immutable value that {@link Refresher} swaps whole, and
 * {@link #decide}, the one function that says what a call does with it: {@code token()},
 * {@code tokenAsync()}, the background refresh and {@code status()} cannot disagree. Backoffs
 * and the cool-down are a start plus a length (clock millis), never a deadline: a clock set back
 * ends them rather than stretching them.
 *
 * @param token the cached token, or null
 * @param flight the one token request in flight, or null
 * @param rejection the last rejection, repeated during its cool-down, or null
 * @param failedAt when the last refresh failed; background refreshes wait {@code backoff}
 * @param failures failed refreshes in a row
 */
record TokenState(Entry token, Flight flight, Rejection rejection, long failedAt, long backoff,
    int failures, boolean closed) {

  static final TokenState EMPTY = new TokenState(null, null, null, 0, 0, 0, false);

  /** What a call does. */
  enum Action {
    /** Hand out the cached token. */
    HAND_OUT,
    /** Hand out the cached token and start one background refresh. */
    HAND_OUT_AND_REFRESH,
    /** Wait for the flight, starting one if none runs. */
    AWAIT,
    /** Fail at once with the rejection being repeated. */
    FAIL_REJECTED,
    /** Fail at once: the provider is closed. */
    FAIL_CLOSED
  }

  /** A rejection and the secret it was given for: a different secret is tried at once. */
  record Rejection(CredentialsRejectedException exception, long at, long cooldown, String secret) {
  }

  /** What a call does now; reads the secret only while a rejection is repeated. */
  Action decide(long now, Supplier<String> secret) {
    if (closed) {
      return Action.FAIL_CLOSED;
    }
    Entry t = token;
    if (t != null && now < t.expireAt) {
      if (now >= t.issuedAt && now < t.refreshAt) {
        return Action.HAND_OUT;
      }
      boolean idle = (flight == null || flight.isStale()) && over(now, failedAt, backoff)
          && !rejected(now, secret);
      return idle ? Action.HAND_OUT_AND_REFRESH : Action.HAND_OUT;
    }
    return rejected(now, secret) ? Action.FAIL_REJECTED : Action.AWAIT;
  }

  /** Whether the rejection is still repeated: within its cool-down, and for the same secret. */
  boolean rejected(long now, Supplier<String> secret) {
    Rejection r = rejection;
    if (r == null || over(now, r.at, r.cooldown)) {
      return false;
    }
    try {
      return Objects.equals(secret.get(), r.secret);
    } catch (RuntimeException e) {
      return r.secret == null;
    }
  }

  /** The flight running now, or null (none, or one the executor never started in time). */
  Flight runningFlight() {
    return flight == null || flight.isStale() ? null : flight;
  }

  TokenState withToken(Entry t) {
    return new TokenState(t, flight, rejection, failedAt, backoff, failures, closed);
  }

  TokenState withFlight(Flight f) {
    return new TokenState(token, f, rejection, failedAt, backoff, failures, closed);
  }

  /** After {@code f} brought a token: failures and rejection forgotten. */
  TokenState succeeded(Flight f, Entry t) {
    return new TokenState(t, flight == f ? null : flight, null, 0, 0, 0, closed);
  }

  /** After {@code f} failed; {@code r} is its rejection to repeat, or null. */
  TokenState failed(Flight f, long now, long backoffMillis, Rejection r) {
    return new TokenState(token, flight == f ? null : flight, r != null ? r : rejection, now,
        backoffMillis, failures + 1, closed);
  }

  TokenState close() {
    return new TokenState(null, null, rejection, failedAt, backoff, failures, true);
  }

  /**
   * One token request and everyone waiting for it. Whoever claims it runs it: the executor, or a
   * blocking caller that finds it not started (no executor keeps a caller from a token). One the
   * executor has not started within the call timeout is stale, and replaced.
   */
  static final class Flight {
    final CompletableFuture<Entry> result = new CompletableFuture<>();
    final boolean background;
    private final long staleAfterNanos;
    private final AtomicBoolean claimed = new AtomicBoolean();
    /** The executor thread running it, for close() to interrupt; never a caller's thread. */
    Thread pooledRunner;

    Flight(boolean background, Duration callTimeout) {
      this.background = background;
      this.staleAfterNanos = System.nanoTime() + callTimeout.toNanos();
    }

    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    boolean isStale() {
      return !claimed.get() && System.nanoTime() - staleAfterNanos > 0;
    }
  }

  /** Whether {@code length} has passed since {@code start}; a clock set back ends it at once. */
  static boolean over(long now, long start, long length) {
    long elapsed = now - start;
    return elapsed < 0 || elapsed >= length;
  }

  /**
   * A cached token and when it is due for refresh and stops being handed out (clock millis).
   *
   * <p>For lifetime {@code L}: handed out until {@code L - skew} (skew at most {@code L/10});
   * refresh due from {@code R = L - max(refreshAhead, skew)} (refreshAhead at most {@code L/2}).
   * Jitter only moves the refresh earlier: a token that replaces one on schedule draws it
   * uniformly from {@code [A, R]}, {@code A = min(L/2, R)}; any other token (the first, or one
   * after expiry, invalidation or failures: moments a fleet may share) from the renewal
   * process's equilibrium distribution (flat on {@code [L/10, A]}, falling linearly to 0 at
   * {@code R}), so a fleet started together refreshes at its long-run rate from the start.
   */
  record Entry(AccessToken token, long issuedAt, long refreshAt, long expireAt) {

    /** The token's entry; {@code u1}, {@code u2} uniform in [0, 1), both 0 without jitter. */
    static Entry of(AccessToken token, Duration refreshAhead, Duration skew, boolean onSchedule,
        double u1, double u2) {
      long lifetime = token.lifetime().toMillis();
      long effectiveSkew = Math.min(skew.toMillis(), lifetime / 10);
      long r = lifetime - Math.max(Math.min(refreshAhead.toMillis(), lifetime / 2), effectiveSkew);
      // Without refresh-ahead there is no background refresh to spread.
      long a = refreshAhead.isZero() ? r : Math.min(lifetime / 2, r);
      double offset;
      if (onSchedule || refreshAhead.isZero()) {
        offset = r - (r - a) * u1;
      } else {
        double first = Math.min(lifetime / 10, a);
        double flat = a - first;
        double falling = (r - a) / 2.0;
        offset = u1 * (flat + falling) < flat ? first + u2 * flat
            : a + (r - a) * (1 - Math.sqrt(1 - u2));
      }
      long issued = token.issuedAt().toEpochMilli();
      return new Entry(token, issued, issued + Math.min(r, (long) offset),
          issued + lifetime - effectiveSkew);
    }

    boolean usableAt(long now) {
      return now < expireAt;
    }
  }
}
