package io.github.poaauth.reliability;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** The real clock plus an offset the test can jump forwards or backwards at any moment. */
final class AdjustableClock extends Clock {
  private final AtomicLong offsetMillis = new AtomicLong();

  void jump(Duration by) {
    offsetMillis.addAndGet(by.toMillis());
  }

  /** Moves the clock so that it reads {@code instant} now. */
  void setTo(Instant instant) {
    offsetMillis.set(instant.toEpochMilli() - System.currentTimeMillis());
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
