package io.github.poaauth.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.client.AccessToken;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CachedTokenTest {
  private static final Instant ISSUED = Instant.parse("2026-11-27T09:00:00Z");

  /** 30-minute token, 5-minute refresh-ahead: jitter moves the refresh between 15 and 25 min. */
  @ParameterizedTest(name = "jitter {0} -> refresh at {1} s")
  @CsvSource({"0.0, 1500", "0.5, 1200", "1.0, 900"})
  void jitter_movesTheRefreshBetweenHalfTheLifetimeAndTheRefreshAheadPoint(double jitter, long at) {
    CachedToken c = CachedToken.of(token(1800), Duration.ofMinutes(5), Duration.ofSeconds(30), jitter);

    assertThat(c.refreshAtMillis() - ISSUED.toEpochMilli()).isEqualTo(Duration.ofSeconds(at).toMillis());
    assertThat(c.expireAtMillis() - ISSUED.toEpochMilli()).isEqualTo(1770_000);
    long atMillis = ISSUED.toEpochMilli() + Duration.ofSeconds(at).toMillis();
    assertThat(c.state(atMillis - 1)).isEqualTo(CachedToken.State.FRESH);
    assertThat(c.state(atMillis)).isEqualTo(CachedToken.State.REFRESH_DUE);
    assertThat(c.state(ISSUED.toEpochMilli() + 1770_000)).isEqualTo(CachedToken.State.EXPIRED);
    assertThat(c.state(ISSUED.toEpochMilli() - 1)).isEqualTo(CachedToken.State.REFRESH_DUE);
  }

  @ParameterizedTest(name = "refreshAhead {0} s of a 60 s token")
  @CsvSource({"30", "45"})
  void jitter_neverMovesARefreshAlreadyAtHalfTheLifetime(long ahead) {
    CachedToken none = CachedToken.of(token(60), Duration.ofSeconds(ahead), Duration.ZERO, 0);
    CachedToken most = CachedToken.of(token(60), Duration.ofSeconds(ahead), Duration.ZERO, 0.99);

    assertThat(most.refreshAtMillis()).isEqualTo(none.refreshAtMillis());
  }

  private static AccessToken token(long seconds) {
    return AccessToken.of("abc", "Bearer", null, ISSUED, Duration.ofSeconds(seconds));
  }

  @org.junit.jupiter.api.Test
  void jitter_neverAppliesWithoutRefreshAhead() {
    CachedToken none = CachedToken.of(token(1800), Duration.ZERO, Duration.ofSeconds(30), 0);
    CachedToken most = CachedToken.of(token(1800), Duration.ZERO, Duration.ofSeconds(30), 1.0);

    assertThat(most.refreshAtMillis()).isEqualTo(none.refreshAtMillis())
        .isEqualTo(ISSUED.toEpochMilli() + 1770_000);
  }
}
