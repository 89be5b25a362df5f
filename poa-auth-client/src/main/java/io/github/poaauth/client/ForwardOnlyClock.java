package io.github.poaauth.client;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The circuit breaker's clock, which never jumps back: Resilience4j keeps the open state as a
 * deadline, and a wall clock set back an hour would keep the breaker open an hour. Between two
 * readings it advances by the larger of the source's step and the monotonic time that passed, so
 * the open duration holds whichever way the wall clock jumps, and tests still move it forward.
 */
final class ForwardOnlyClock extends Clock {
  private final Clock source;
  private long lastSourceMillis;
  private long lastNanos;
  /** Nanoseconds since the epoch. */
  private long shownNanos;

  ForwardOnlyClock(Clock source) {
    this.source = source;
    this.lastSourceMillis = source.millis();
    this.lastNanos = System.nanoTime();
    this.shownNanos = lastSourceMillis * 1_000_000;
  }

  @Override
  public synchronized long millis() {
    long now = source.millis();
    long nanos = System.nanoTime();
    long monotonic = Math.max(0, nanos - lastNanos);
    long stepped = (now - lastSourceMillis) * 1_000_000;
    shownNanos += Math.max(stepped, monotonic);
    lastSourceMillis = now;
    lastNanos = nanos;
    return shownNanos / 1_000_000;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return source.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("ForwardOnlyClock has no zones");
  }
}
