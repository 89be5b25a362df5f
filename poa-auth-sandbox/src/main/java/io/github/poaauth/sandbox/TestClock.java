package io.github.poaauth.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock a test moves by hand, for the sandbox ({@link PoaSandbox.Builder#clock(Clock)}) and the
 * code under test (for example {@code PoaTokenProvider.builder().clock(clock)}), so that token
 * expiry, refresh-ahead windows and cool-downs are tested without waiting.
 *
 * <pre>{@code
 * TestClock clock = TestClock.at(Instant.parse("2026-11-27T10:00:00Z"));
 * PoaTokenProvider tokens = PoaTokenProvider.builder()...clock(clock).build();
 * AccessToken first = tokens.token();
 * clock.advance(Duration.ofMinutes(31));          // the 30-minute token has expired
 * assertThat(tokens.token()).isNotEqualTo(first);
 * }</pre>
 *
 * <p>Thread-safe; UTC; millisecond resolution. It moves only when told to, backwards too
 * ({@link #advance} with a negative duration, {@link #set}).
 */
public final class TestClock extends Clock {
  private final AtomicLong millis;

  private TestClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  /**
   * @param start what the clock reads until it is moved
   * @return a clock reading {@code start}
   */
  public static TestClock at(Instant start) {
    return new TestClock(Objects.requireNonNull(start, "start must not be null"));
  }

  /**
   * Moves the clock by {@code duration}, which may be negative (a clock set back).
   *
   * @param duration how far
   */
  public void advance(Duration duration) {
    millis.addAndGet(duration.toMillis());
  }

  /**
   * Sets the clock.
   *
   * @param instant what it reads from now on
   */
  public void set(Instant instant) {
    millis.set(instant.toEpochMilli());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** @return this clock: it has no other zone */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public String toString() {
    return "TestClock{" + instant() + '}';
  }
}
