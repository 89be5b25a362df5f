package io.github.poaauth.client.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A clock that advances by the underlying clock's forward steps and ignores its backward ones:
 * what the circuit breaker measures its open state with. Resilience4j keeps that state as a
 * deadline on its clock; on the wall clock, setting it back one hour would keep the breaker open
 * for an hour. Here a backward jump costs nothing and a forward jump ends the wait early, so the
 * documented open duration is never exceeded. Tests still drive it through the injected clock.
 *
 * <p>Unsupported API: this package may change without notice. Thread-safe.
 */
final class ForwardOnlyClock extends Clock {
  private final Clock source;
  /** Last reading of the source, and the time this clock showed then. */
  private long lastSource;
  private long shown;

  ForwardOnlyClock(Clock source) {
    this.source = source;
    this.lastSource = source.millis();
    this.shown = lastSource;
  }

  @Override
  public synchronized long millis() {
    long now = source.millis();
    if (now > lastSource) {
      shown += now - lastSource;
    }
    lastSource = now;
    return shown;
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
