package io.github.poaauth.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.benchmarks.FleetSimulation.Result;
import io.github.poaauth.benchmarks.FleetSimulation.Scenario;
import io.github.poaauth.benchmarks.FleetSimulation.Setup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet harness on a small fleet: its invariants hold and jitter spreads the refreshes. */
class FleetSimulationTest {

  @Test
  void smallFleet_bothScenarios_invariantsHold_andJitterSpreadsTheRefreshes() throws Exception {
    Setup setup = Setup.of(40, Duration.ofSeconds(60), 3, Duration.ofMillis(250));
    List<Result> results = new ArrayList<>();
    for (Scenario scenario : Scenario.values()) {
      Result off = FleetSimulation.run(scenario, false, setup);
      Result on = FleetSimulation.run(scenario, true, setup);
      for (Result r : List.of(off, on)) {
        assertThat(r.invariantsHold()).as("%s %s invariants", scenario, r.run()).isTrue();
        // Every provider fetches at the synchronising moment: after the outage, at its breaker's
        // next trial, within the scaled 1 s.
        assertThat(r.syncFetches()).as("%s %s synchronising fetches", scenario, r.run())
            .isEqualTo(40);
        assertThat(r.syncEnd() - r.syncSecond()).isLessThanOrEqualTo(1);
      }
      // Without jitter every refresh of the fleet falls in one second; with it they spread out,
      // never before the refresh-ahead window and at no extra requests.
      assertThat(off.highestCyclePeak()).isEqualTo(off.syncPeak());
      assertThat(on.highestCyclePeak()).isLessThan(40 / 2);
      assertThat(on.earliestRefresh()).isGreaterThanOrEqualTo(5.0 / 6);
      assertThat(on.requestsOverCycles()).isLessThanOrEqualTo(off.requestsOverCycles());
      results.add(off);
      results.add(on);
    }
    assertThat(results.get(2).outage().failedCalls()).isPositive();
    assertThat(FleetSimulation.svg(results)).startsWith("<svg").contains("polyline")
        .contains("outage:").contains("stroke-dasharray");
    assertThat(FleetSimulation.tables(results)).contains("| start | refreshJitter on |")
        .contains("| outage | refreshJitter off |");
  }

  @Test
  void poissonPeak_isTheMedianLargestCount() {
    // 1000 requests over 150 one-second bins: a mean of 6.7, a largest bin of 14.
    assertThat(FleetSimulation.poissonPeak(1000.0 / 150, 150)).isEqualTo(14);
    assertThat(FleetSimulation.poissonPeak(200, 5)).isBetween(205, 220);
  }
}
