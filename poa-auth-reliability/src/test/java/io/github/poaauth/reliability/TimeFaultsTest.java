package io.github.poaauth.reliability;

import static io.github.poaauth.reliability.FaultServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The clock misbehaves: jumps forward past expiry, backwards, and a refresh fails at expiry. */
@Tag("reliability")
@ExtendWith(ReliabilityReport.class)
class TimeFaultsTest {
  static final String SECTION = "2 Time faults (injected clock)";

  private final AdjustableClock clock = new AdjustableClock();

  private PoaTokenProvider provider(FaultServer server) {
    return FaultInjectionTest.provider(server.baseUrl()).clock(clock).build();
  }

  @Test
  void clockJumpsForwardPastExpiry_callerWaitsForOneNewToken() throws Exception {
    try (FaultServer server = new FaultServer(); PoaTokenProvider tokens = provider(server)) {
      AccessToken first = tokens.token();
      clock.jump(Duration.ofHours(2));

      long start = System.nanoTime();
      AccessToken second = tokens.token();
      long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
      record("clock jumps 2 h forward (past expiry)", "new token, caller waits for it",
          second.equals(first) ? "old token" : "new token", server.requests(), ms, "2 requests");

      assertThat(second).isNotEqualTo(first);
      assertThat(second.expiresAt()).isAfter(clock.instant());
      assertThat(server.requests()).isEqualTo(2);
    }
  }

  @Test
  void clockJumpsBackwards_currentTokenServedAtOnce_andOneBackgroundRefresh() throws Exception {
    try (FaultServer server = new FaultServer(); PoaTokenProvider tokens = provider(server)) {
      AccessToken first = tokens.token();
      clock.jump(Duration.ofHours(-1));

      long start = System.nanoTime();
      AccessToken during = tokens.token();
      long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
      AccessToken after = awaitNewToken(tokens, first);
      record("clock jumps 1 h backwards", "old token at once, one background refresh",
          (during == first ? "old token at once" : "other") + ", then new token", server.requests(), ms,
          "2 requests");

      assertThat(during).isSameAs(first);
      assertThat(after.issuedAt()).isBefore(first.issuedAt());
      assertThat(server.requests()).isEqualTo(2);
    }
  }

  @Test
  void refreshFailsExactlyAtExpiry_noExpiredTokenIsHandedOut() throws Exception {
    try (FaultServer server = new FaultServer(); PoaTokenProvider tokens =
        FaultInjectionTest.provider(server.baseUrl()).clock(clock).refreshAhead(Duration.ZERO).build()) {
      AccessToken first = tokens.token();
      server.otherwise(json(503, "{}"));
      // Handed out until expiry minus the 30 s skew; one millisecond before, it still is.
      clock.setTo(first.expiresAt().minusSeconds(30).minusMillis(1));
      assertThat(tokens.token()).isSameAs(first);
      clock.setTo(first.expiresAt().minusSeconds(30));

      long start = System.nanoTime();
      Throwable failure = catchThrowable(tokens::token);
      long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
      record("refresh fails exactly at expiry (minus skew)", "TokenEndpointUnavailableException, old token not handed out",
          failure == null ? "token" : failure.getClass().getSimpleName(), server.requests(), ms,
          "1 + 3 requests");

      assertThat(failure).isInstanceOf(TokenEndpointUnavailableException.class);
      assertThat(server.requests()).isEqualTo(1 + FaultInjectionTest.ATTEMPTS);
    }
  }

  private static AccessToken awaitNewToken(PoaTokenProvider tokens, AccessToken old) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      AccessToken t = tokens.token();
      if (!t.equals(old)) {
        return t;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no background refresh within 5 s");
  }

  private static void record(String name, String expected, String observed, int requests, long ms, String bound) {
    ReliabilityReport.record(new ReliabilityReport.Row(SECTION, name, expected, observed, requests, ms, bound));
  }
}
