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
 * {@code L}, a background refresh is due. With jitter, the refresh moves earlier, to a point
 * drawn uniformly between {@code L/2} and {@code R}: a fleet of services that fetched their
 * tokens in the same second spreads its refreshes over that span instead of repeating the same
 * second at every refresh (the AWS SDK's cached suppliers jitter their prefetch for the same
 * reason).
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
   * @param refreshAhead the configured refresh-ahead window
   * @param skew the configured expiry skew
   * @param jitter 0 (no jitter: refresh at {@code R}) to 1 (at {@code L/2}), drawn uniformly
   */
  static CachedToken of(AccessToken token, Duration refreshAhead, Duration skew, double jitter) {
    long lifetime = token.lifetime().toMillis();
    long effectiveSkew = Math.min(skew.toMillis(), lifetime / 10);
    long effectiveAhead = Math.max(Math.min(refreshAhead.toMillis(), lifetime / 2), effectiveSkew);
    // No refresh-ahead (zero) means no background refresh at all: nothing to spread.
    long spread = refreshAhead.isZero() ? 0
        : (long) (Math.max(0, lifetime - effectiveAhead - lifetime / 2) * jitter);
    long issuedAt = token.issuedAt().toEpochMilli();
    return new CachedToken(token, issuedAt, issuedAt + lifetime - effectiveAhead - spread,
        issuedAt + lifetime - effectiveSkew);
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
