package io.github.poaauth.benchmarks;

import io.github.poaauth.client.AccessToken;

/**
 * Floor 1: the least any token cache can do per call, one volatile read of the cached object,
 * with no expiry check at all. Nothing real can be faster; {@code token()} is judged against
 * {@link VolatileClockCache}, this shows how much of that is the clock.
 */
final class VolatileCache {
  /** Volatile as in any cache another thread refreshes: the read is what is measured. */
  private volatile AccessToken token;

  VolatileCache(AccessToken token) {
    this.token = token;
  }

  AccessToken get() {
    return token;
  }
}
