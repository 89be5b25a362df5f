package io.github.poaauth.benchmarks;

import io.github.poaauth.client.AccessToken;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Floor 2: the least a cache that checks expiry on every call can do, one volatile read of an
 * immutable entry plus one read of the same {@code Clock.systemUTC()} the provider uses and one
 * comparison. The slow path exists so that the check is real, and is never taken in a benchmark.
 */
final class VolatileClockCache {
  private static final class Entry {
    final AccessToken token;
    final long expireAtMillis;

    Entry(AccessToken token) {
      this.token = token;
      this.expireAtMillis = token.expiresAt().toEpochMilli();
    }
  }

  private final Clock clock;
  private final Supplier<AccessToken> loader;
  /** Replaced whole by the slow path; the hot path reads only this. */
  private volatile Entry entry;

  VolatileClockCache(Clock clock, Supplier<AccessToken> loader) {
    this.clock = clock;
    this.loader = loader;
    this.entry = new Entry(loader.get());
  }

  AccessToken get() {
    Entry e = entry;
    if (clock.millis() < e.expireAtMillis) {
      return e.token;
    }
    return reload();
  }

  private synchronized AccessToken reload() {
    Entry e = new Entry(loader.get());
    entry = e;
    return e.token;
  }
}
