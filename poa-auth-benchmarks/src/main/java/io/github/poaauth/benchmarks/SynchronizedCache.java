package io.github.poaauth.benchmarks;

import io.github.poaauth.client.AccessToken;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The naive baseline: the cache most hand-written token helpers are, a {@code synchronized}
 * method that checks expiry and returns the cached token, fetching under the lock when it is due.
 * Every call takes the monitor, so callers on other cores contend even while the token is fresh.
 */
final class SynchronizedCache {
  private final Clock clock;
  private final Supplier<AccessToken> loader;
  /** Guarded by {@code this}. */
  private AccessToken token;
  /** Guarded by {@code this}. */
  private long expireAtMillis;

  SynchronizedCache(Clock clock, Supplier<AccessToken> loader) {
    this.clock = clock;
    this.loader = loader;
  }

  synchronized AccessToken get() {
    long now = clock.millis();
    if (token == null || now >= expireAtMillis) {
      token = loader.get();
      expireAtMillis = token.expiresAt().toEpochMilli();
    }
    return token;
  }
}
