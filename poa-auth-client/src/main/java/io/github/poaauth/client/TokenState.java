package io.github.poaauth.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Everything a provider knows, one immutable value that {@link Refresher} swaps whole, and
 * {@link #decide}, the one rule for what a call does with it: {@code token()},
 * {@code tokenAsync()}, the background refresh and {@code status()} cannot disagree. Backoffs
 * and the cool-down are a start plus a length (clock millis): a clock set back ends them.
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

  /**
   * What a call does: hand out the cached token (and start one background refresh), wait for the
   * flight (starting one if none runs), or fail at once (rejection repeated, or closed).
   */
  enum Action { HAND_OUT, HAND_OUT_AND_REFRESH, AWAIT, FAIL_REJECTED, FAIL_CLOSED }

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
    return r != null && !over(now, r.at, r.cooldown)
        && Objects.equals(secretOrNull(secret), r.secret);
  }

  /** The secret now; null when the source fails (the request reports that). */
  static String secretOrNull(Supplier<String> secret) {
    try {
      return secret.get();
    } catch (RuntimeException e) {
      return null;
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
   * One token request and everyone waiting for it, run by whoever claims it: the executor, or a
   * blocking caller that finds it not started. Unstarted after the call timeout, it is stale.
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
   * A cached token, when it is due for refresh and when it stops being handed out (clock millis).
   * For lifetime {@code L}: handed out until {@code L - skew} (skew at most {@code L/10}); the
   * refresh window starts at {@code L - W}, {@code W = max(min(refreshAhead, L/2), skew)}, and the
   * refresh point is {@code phase} of the way through its first half (not past {@code L - skew}):
   * a fleet, one phase per provider, spreads over that half at no extra requests.
   */
  record Entry(AccessToken token, long issuedAt, long refreshAt, long expireAt) {

    /** The token's entry; {@code phase} in [0, 1), 0 without jitter. */
    static Entry of(AccessToken token, Duration refreshAhead, Duration skew, double phase) {
      long lifetime = token.lifetime().toMillis();
      long effectiveSkew = Math.min(skew.toMillis(), lifetime / 10);
      long window = Math.max(Math.min(refreshAhead.toMillis(), lifetime / 2), effectiveSkew);
      long spread = Math.min(window / 2, window - effectiveSkew);
      long issued = token.issuedAt().toEpochMilli();
      return new Entry(token, issued, issued + lifetime - window + (long) (phase * spread),
          issued + lifetime - effectiveSkew);
    }

    boolean usableAt(long now) {
      return now < expireAt;
    }
  }
}
