package io.github.poaauth.client;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A clock that never jumps back: what the circuit breaker measures its open state with.
 * Resilience4j keeps that state as a deadline on its clock; on the wall clock, setting it back
 * one hour would keep the breaker open for an hour. Between two readings this clock advances by
 * the larger of the underlying clock's step and the monotonic time that passed
 * ({@link System#nanoTime()}); a backward step of the underlying clock counts as the monotonic
 * time only. So the documented open duration holds whichever way the wall clock jumps, and
 * tests still move it forward through the injected clock.
 *
 */
final class ForwardOnlyClock extends Clock {
  private final Clock source;
  private long lastSourceMillis;
  private long lastNanos;
  /** What this clock shows, in nanoseconds since the epoch. */
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
