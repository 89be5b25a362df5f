package io.github.poaauth.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.benchmarks.RefreshBoundaryHarness.Config;
import io.github.poaauth.benchmarks.RefreshBoundaryHarness.Pacing;
import io.github.poaauth.benchmarks.RefreshBoundaryHarness.Row;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness in a configuration small enough for every build (a few seconds): it runs, it
 * crosses refresh boundaries, and its table holds the invariants that do not depend on how busy
 * the machine is. Latency targets are not asserted here: benchmarks are not timed tests.
 */
class RefreshBoundaryHarnessSmokeTest {
  private static final Duration LATENCY = Duration.ofMillis(20);

  @Test
  void harness_crossesRefreshes_withOneRequestPerRefreshAndNoExpiredToken() throws Exception {
    // expires_in 2 s: skew 200 ms, refresh-ahead 1 s. Two refreshes per provider row.
    Config config = new Config(4, Duration.ofSeconds(2), LATENCY, 2, Duration.ofMillis(1),
        List.of(Pacing.PACED), Duration.ofMillis(200));
    RefreshBoundaryHarness harness = new RefreshBoundaryHarness(config);

    List<Row> rows = harness.run();

    assertThat(rows).extracting(Row::subject).containsExactly(RefreshBoundaryHarness.FLOOR,
        RefreshBoundaryHarness.AHEAD_ON, RefreshBoundaryHarness.AHEAD_OFF);
    assertThat(rows).allSatisfy(row -> {
      assertThat(row.calls()).as(row.subject() + " calls").isPositive();
      assertThat(row.errors()).as(row.subject() + " errors").isZero();
      assertThat(row.p50()).isLessThanOrEqualTo(row.p99());
      assertThat(row.p99()).isLessThanOrEqualTo(row.p999());
      assertThat(row.over100ms()).isLessThanOrEqualTo(row.over10ms());
      assertThat(row.over10ms()).isLessThanOrEqualTo(row.over1ms());
    });
    for (Row provider : rows.subList(1, 3)) {
      assertThat(provider.completed()).as(provider.subject() + " completed").isTrue();
      assertThat(provider.refreshes()).as(provider.subject() + " refreshes").isEqualTo(2);
      assertThat(provider.serverRequests()).as(provider.subject() + " server requests")
          .isEqualTo(provider.refreshes());
      assertThat(provider.pastExpiry()).as(provider.subject() + " past expiry").isZero();
    }
    // Without refresh-ahead, whoever crosses expiry waits for the fetch, which takes at least
    // the server's added latency: the harness must see that wait.
    assertThat(rows.get(2).max()).isGreaterThanOrEqualTo(LATENCY.toNanos());

    String table = harness.markdown(rows);
    assertThat(table).contains("| pacing | subject | calls |")
        .contains("| paced | " + RefreshBoundaryHarness.AHEAD_ON + " |")
        .contains("server requests equal refreshes (2 / 2)");
  }
}
