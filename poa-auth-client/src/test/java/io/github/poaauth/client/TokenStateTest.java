package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.client.TokenState.Action;
import io.github.poaauth.client.TokenState.Entry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenStateTest {
  private static final Instant ISSUED = Instant.parse("2026-11-27T09:00:00Z");

  /** 30-minute token, 5-minute refresh-ahead: the refresh falls between 25 and 27.5 minutes. */
  @ParameterizedTest(name = "phase {0} -> refresh at {1} s")
  @CsvSource({"0.0, 1500", "0.5, 1575", "0.999999, 1650"})
  void refresh_fallsInTheFirstHalfOfTheRefreshAheadWindow(double phase, long at) {
    Entry c = Entry.of(token(1800), Duration.ofMinutes(5), Duration.ofSeconds(30), phase);

    assertThat(c.refreshAt() - ISSUED.toEpochMilli())
        .isBetween(Duration.ofSeconds(at).toMillis() - 1, Duration.ofSeconds(at).toMillis());
    assertThat(c.expireAt() - ISSUED.toEpochMilli()).isEqualTo(1770_000);
    TokenState s = TokenState.EMPTY.withToken(c);
    assertThat(s.decide(c.refreshAt() - 1, () -> "s")).isEqualTo(Action.HAND_OUT);
    assertThat(s.decide(c.refreshAt(), () -> "s")).isEqualTo(Action.HAND_OUT_AND_REFRESH);
    assertThat(s.decide(c.expireAt(), () -> "s")).isEqualTo(Action.AWAIT);
    assertThat(s.decide(ISSUED.toEpochMilli() - 1, () -> "s"))
        .isEqualTo(Action.HAND_OUT_AND_REFRESH);
  }

  /**
   * Never before the refresh-ahead point, never in the first half, never past the skew; a
   * refresh-ahead shorter than the skew refreshes when the token stops being handed out.
   */
  @ParameterizedTest(name = "{0} s token, {1} s ahead, {2} s skew, phase {3}")
  @CsvSource({
      "1800, 300, 30, 0.0", "1800, 300, 30, 0.99", "60, 30, 0, 0.99", "60, 45, 0, 0.99",
      "60, 10, 1, 0.99", "60, 10, 30, 0.99", "1800, 40, 30, 0.99", "1800, 3600, 30, 0.99",
      "1800, 20, 30, 0.99", "5, 2, 0, 0.5"})
  void refresh_neverBeforeTheRefreshAheadPoint_norInTheFirstHalf_norPastTheSkew(long lifetime,
      long ahead, long skew, double phase) {
    Entry c = Entry.of(token(lifetime), Duration.ofSeconds(ahead), Duration.ofSeconds(skew),
        phase);
    long at = c.refreshAt() - ISSUED.toEpochMilli();
    long l = lifetime * 1000;
    long expire = c.expireAt() - ISSUED.toEpochMilli();

    assertThat(at).isGreaterThanOrEqualTo(Math.min(l - ahead * 1000, expire))
        .isGreaterThanOrEqualTo(l / 2).isLessThanOrEqualTo(expire);
  }

  @ParameterizedTest(name = "phase {0}")
  @CsvSource({"0.0", "0.99"})
  void withoutRefreshAhead_thereIsNoBackgroundRefresh(double phase) {
    Entry c = Entry.of(token(1800), Duration.ZERO, Duration.ofSeconds(30), phase);

    assertThat(c.refreshAt()).isEqualTo(c.expireAt()).isEqualTo(ISSUED.toEpochMilli() + 1770_000);
  }

  private static AccessToken token(long seconds) {
    return AccessToken.of("abc", "Bearer", null, ISSUED, Duration.ofSeconds(seconds));
  }
}
