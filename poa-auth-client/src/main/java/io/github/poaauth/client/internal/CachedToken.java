package io.github.poaauth.client.internal;

import io.github.poaauth.client.AccessToken;
import java.time.Duration;

/**
 * The cached token and the instants that decide what callers get: one immutable snapshot,
 * replaced whole, and {@link #state(long)}, the one definition of "fresh / refresh due /
 * expired" that every path uses.
 *
 * <p>Let {@code L} be the token's lifetime. It is handed out until {@code L - skew}, skew at most
 * 10% of {@code L}; from {@code R = L - max(refreshAhead, skew)}, refreshAhead at most 50% of
 * {@code L}, a background refresh is due. With jitter, the refresh moves earlier, never later:
 * <ul>
 *   <li>a token that replaces one on schedule (a background refresh that succeeded at its first
 *       try) is refreshed at a point drawn uniformly between {@code A = min(L/2, R)} and
 *       {@code R} ({@link #of}); the AWS SDK's cached suppliers jitter their prefetch for the
 *       same reason;</li>
 *   <li>any other token (the first one, one fetched after expiry, invalidation or failed
 *       refreshes: the moments a whole fleet shares, such as a deployment or the end of an
 *       outage) is refreshed at a point drawn from that renewal process's equilibrium
 *       distribution ({@link #staggered}): flat on {@code [0, A]}, falling linearly to 0 at
 *       {@code R}, where {@code m = (A + R) / 2} is the mean time between scheduled refreshes;
 *       except that no token is refreshed in the first tenth of its lifetime ({@code L/10}),
 *       the draw is taken from the rest of that distribution. Services that all fetched a
 *       token in the same second then refresh at about the fleet's long-run rate
 *       ({@code N/m}; {@code m / (m - L/10)} times it, 1.18 with the defaults) from
 *       {@code L/10} on, instead of all within {@code [A, R]} at twice that rate in the first
 *       cycle. The price: the first token is used 705 s instead of 1200 s on average (a
 *       30-minute token with 5 minutes ahead).</li>
 * </ul>
 *
 * <p>Unsupported API: this package may change without notice.
 *
 * @param token the token
 * @param issuedAtMillis when its request was sent
 * @param refreshAtMillis from here on a background refresh is due
 * @param expireAtMillis from here on it is no longer handed out
 */
public record CachedToken(AccessToken token, long issuedAtMillis, long refreshAtMillis,
    long expireAtMillis) {

  /** What a caller gets from a snapshot at a given time. */
  public enum State {
    /** Hand it out; nothing to do. */
    FRESH,
    /** Hand it out, and start one background refresh. */
    REFRESH_DUE,
    /** Do not hand it out: wait for a new one. */
    EXPIRED
  }

  /**
   * A token that replaces one on schedule.
   *
   * @param refreshAhead the configured refresh-ahead window
   * @param skew the configured expiry skew
   * @param jitter 0 (no jitter: refresh at {@code R}) to 1 (at {@code A}), drawn uniformly
   */
  static CachedToken of(AccessToken token, Duration refreshAhead, Duration skew, double jitter) {
    Window w = Window.of(token, refreshAhead, skew);
    return w.at(w.scheduled - (long) ((w.scheduled - w.earliest) * jitter));
  }

  /**
   * A token that does not replace one on schedule: its refresh point is drawn from the
   * equilibrium distribution of the scheduled refreshes, without its first tenth of the
   * lifetime (see the class comment).
   *
   * @param u1 uniform in [0, 1): picks the flat part or the falling part
   * @param u2 uniform in [0, 1): the point within that part
   */
  static CachedToken staggered(AccessToken token, Duration refreshAhead, Duration skew,
      double u1, double u2) {
    Window w = Window.of(token, refreshAhead, skew);
    if (refreshAhead.isZero()) {
      return w.at(w.scheduled);
    }
    double a = w.earliest;
    double r = w.scheduled;
    double first = Math.min(token.lifetime().toMillis() / 10, a);
    double flat = a - first;      // weight of [first, A): density 1
    double falling = (r - a) / 2; // weight of [A, R]: density falling from 1 to 0
    double offset = u1 * (flat + falling) < flat
        ? first + u2 * flat
        : a + (r - a) * (1 - Math.sqrt(1 - u2));
    return w.at(Math.min(w.scheduled, (long) offset));
  }

  /** Offsets from the issue time, in milliseconds. */
  private record Window(AccessToken token, long issuedAt, long earliest, long scheduled,
      long expires) {
    static Window of(AccessToken token, Duration refreshAhead, Duration skew) {
      long lifetime = token.lifetime().toMillis();
      long effectiveSkew = Math.min(skew.toMillis(), lifetime / 10);
      long effectiveAhead = Math.max(Math.min(refreshAhead.toMillis(), lifetime / 2), effectiveSkew);
      long scheduled = lifetime - effectiveAhead;
      // No refresh-ahead (zero) means no background refresh at all: nothing to spread.
      long earliest = refreshAhead.isZero() ? scheduled : Math.min(lifetime / 2, scheduled);
      return new Window(token, token.issuedAt().toEpochMilli(), earliest, scheduled,
          lifetime - effectiveSkew);
    }

    CachedToken at(long refreshOffset) {
      return new CachedToken(token, issuedAt, issuedAt + refreshOffset, issuedAt + expires);
    }
  }

  /**
   * The state at {@code nowMillis}. A clock that reads earlier than the issue time was set back:
   * the token is then due for refresh (never expired early, never fresh for longer).
   */
  public State state(long nowMillis) {
    if (nowMillis >= expireAtMillis) {
      return State.EXPIRED;
    }
    return nowMillis < refreshAtMillis && nowMillis >= issuedAtMillis ? State.FRESH : State.REFRESH_DUE;
  }

  /** @return whether {@code state(nowMillis)} is not {@link State#EXPIRED} */
  public boolean usableAt(long nowMillis) {
    return nowMillis < expireAtMillis;
  }
}
