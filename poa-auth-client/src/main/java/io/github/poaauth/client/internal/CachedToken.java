package io.github.poaauth.client.internal;

import io.github.poaauth.client.AccessToken;
import java.time.Duration;

/**
 * The cached token and the instants that decide what callers get: one immutable snapshot,
 * replaced whole, and {@link #state(long)}, the one definition of "fresh / refresh due /
 * expired" that every path uses.
 *
 * <p>Let {@code L} be the token's lifetime. It is handed out until {@code L - skew}, skew at most
 * 10% of {@code L}; from {@code L - max(refreshAhead, skew)}, refreshAhead at most 50% of
 * {@code L}, less {@code jitter}, a background refresh is due.
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
   * @param jitter 0 to 1: how far into the refresh-ahead window (towards its far end) the
   *     refresh may move; spreads a fleet's refreshes apart
   */
  static CachedToken of(AccessToken token, Duration refreshAhead, Duration skew, double jitter) {
    long lifetime = token.lifetime().toMillis();
    long effectiveSkew = Math.min(skew.toMillis(), lifetime / 10);
    long effectiveAhead = Math.max(Math.min(refreshAhead.toMillis(), lifetime / 2), effectiveSkew);
    long spread = (long) ((effectiveAhead - effectiveSkew) * jitter);
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
