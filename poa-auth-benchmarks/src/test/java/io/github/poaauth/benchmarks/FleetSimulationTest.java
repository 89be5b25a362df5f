package io.github.poaauth.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fleet harness on a small fleet: its invariants hold and jitter spreads the refreshes. */
class FleetSimulationTest {

  @Test
  void smallFleet_invariantsHold_andJitterSpreadsTheRefreshes() throws Exception {
    Duration lifetime = Duration.ofSeconds(60);
    FleetSimulation.Result before = FleetSimulation.run(false, 40, lifetime, 3, Duration.ofMillis(250));
    FleetSimulation.Result after = FleetSimulation.run(true, 40, lifetime, 3, Duration.ofMillis(250));

    for (FleetSimulation.Result r : new FleetSimulation.Result[] {before, after}) {
      assertThat(r.blockingAfterStart()).as("callers blocked after the first token").isZero();
      assertThat(r.expiredHandedOut()).as("tokens handed out past expiry").isZero();
      assertThat(r.requests()).as("requests = refreshes").isEqualTo(r.refreshes());
    }
    // The first second holds the initial fetch (one per service) and, with jitter, the few first
    // refreshes the stagger puts there.
    assertThat(before.initialSecondRequests()).isEqualTo(40);
    assertThat(after.initialSecondRequests()).isGreaterThanOrEqualTo(40);
    // Without jitter every refresh of the fleet falls in one second; with it they spread out.
    assertThat(before.peak()).isEqualTo(40);
    assertThat(after.peak()).isLessThan(before.peak() / 2);
    assertThat(FleetSimulation.svg(java.util.List.of(before, after), lifetime))
        .startsWith("<svg").contains("polyline");
  }
}
