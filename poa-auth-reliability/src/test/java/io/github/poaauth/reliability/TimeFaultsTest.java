package io.github.poaauth.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.Reply;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The clock misbehaves: jumps forward past expiry, backwards, and a refresh fails at expiry. */
@Tag("reliability")
@ExtendWith(ReliabilityReport.class)
class TimeFaultsTest {
  static final String SECTION = "2 Time faults (injected clock)";

  private final AdjustableClock clock = new AdjustableClock();
  /** Refreshes run here and are counted when done, so a test waits on them, never polls. */
  private final Semaphore refreshesDone = new Semaphore(0);
  private final Executor refreshes = task -> {
    Thread thread = new Thread(() -> {
      try {
        task.run();
      } finally {
        refreshesDone.release();
      }
    }, "time-faults-refresh");
    thread.setDaemon(true);
    thread.start();
  };

  /** Time-outs far from the clock jumps, so that load on the machine adds no retry. */
  private PoaTokenProvider provider(PoaSandbox server) {
    return FaultOutcomesTest.provider(server.baseUrl()).readTimeout(Duration.ofSeconds(5))
        .callTimeout(Duration.ofSeconds(20)).clock(clock).executor(refreshes).build();
  }

  @Test
  void clockJumpsForwardPastExpiry_callerWaitsForOneNewToken() throws Exception {
    try (PoaSandbox server = FaultOutcomesTest.sandbox(); PoaTokenProvider tokens = provider(server)) {
      AccessToken first = tokens.token();
      clock.jump(Duration.ofHours(2));

      AccessToken second = tokens.token();
      record("clock jumps 2 h forward (past expiry)", "new token, caller waits for it",
          second.equals(first) ? "old token" : "new token", server.tokenRequestCount(), "2 requests");

      assertThat(second).isNotEqualTo(first);
      assertThat(second.expiresAt()).isAfter(clock.instant());
      assertThat(server.tokenRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void clockJumpsBackwards_currentTokenServedAtOnce_andOneBackgroundRefresh() throws Exception {
    try (PoaSandbox server = FaultOutcomesTest.sandbox(); PoaTokenProvider tokens = provider(server)) {
      AccessToken first = tokens.token();
      clock.jump(Duration.ofHours(-1));

      AccessToken during = tokens.token();
      assertThat(refreshesDone.tryAcquire(10, TimeUnit.SECONDS)).as("the background refresh").isTrue();
      AccessToken after = tokens.token();
      record("clock jumps 1 h backwards", "old token at once, one background refresh",
          (during == first ? "old token at once" : "other") + ", then "
              + (after.equals(first) ? "the old token still" : "new token"),
          server.tokenRequestCount(), "2 requests");

      assertThat(during).isSameAs(first);
      assertThat(after).isNotEqualTo(first);
      assertThat(after.issuedAt()).isBefore(first.issuedAt());
      assertThat(server.tokenRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void refreshFailsExactlyAtExpiry_noExpiredTokenIsHandedOut() throws Exception {
    try (PoaSandbox server = FaultOutcomesTest.sandbox(); PoaTokenProvider tokens =
        FaultOutcomesTest.provider(server.baseUrl()).readTimeout(Duration.ofSeconds(5))
            .callTimeout(Duration.ofSeconds(20)).clock(clock).refreshAhead(Duration.ZERO).build()) {
      AccessToken first = tokens.token();
      server.faults().otherwise(Reply.json(503, "{}"));
      // Handed out until expiry minus the 30 s skew; one millisecond before, it still is.
      clock.setTo(first.expiresAt().minusSeconds(30).minusMillis(1));
      assertThat(tokens.token()).isSameAs(first);
      clock.setTo(first.expiresAt().minusSeconds(30));

      Throwable failure = catchThrowable(tokens::token);
      record("refresh fails exactly at expiry (minus skew)", "TokenEndpointUnavailableException, old token not handed out",
          failure == null ? "token" : failure.getClass().getSimpleName(), server.tokenRequestCount(),
          "1 + 3 requests");

      assertThat(failure).isInstanceOf(TokenEndpointUnavailableException.class);
      assertThat(server.tokenRequestCount()).isEqualTo(1 + FaultOutcomesTest.ATTEMPTS);
    }
  }

  private static void record(String name, String expected, String observed, int requests, String bound) {
    ReliabilityReport.record(new ReliabilityReport.Row(SECTION, name, expected, observed, requests, bound, "—"));
  }
}
