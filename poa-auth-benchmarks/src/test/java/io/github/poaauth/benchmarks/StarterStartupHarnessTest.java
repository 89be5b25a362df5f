package io.github.poaauth.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.poaauth.benchmarks.StarterStartupHarness.BusyLimit;
import io.github.poaauth.benchmarks.StarterStartupHarness.Results;
import io.github.poaauth.benchmarks.StarterStartupHarness.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe's line is read back as printed, and the report pairs the runs of each round. */
class StarterStartupHarnessTest {

  private static Run run(String mode, double startedMs, String beans) {
    return Run.parse(SpringStartupProbe.LINE_PREFIX + "mode=" + mode + " started-ms=" + startedMs
        + " ready-ms=" + (startedMs + 5) + " jvm-ready-ms=2500 main-cpu-ms=1800.5"
        + " process-cpu-ms=4400.0 heap-bytes=23068672 metaspace-bytes=35127296"
        + " non-heap-bytes=50331648 classes=7800 poa-providers=" + (mode.equals("with") ? 1 : 0)
        + " beans=" + beans);
  }

  @Test
  void aProbeLine_isReadBack() {
    Run run = run("with", 1900.0, "a,poaTokenProvider");

    assertThat(run.startedMs()).isEqualTo(1900.0);
    assertThat(run.readyMs()).isEqualTo(1905.0);
    assertThat(run.mainCpuMs()).isEqualTo(1800.5);
    assertThat(run.heapMib()).isEqualTo(22.0);
    assertThat(run.providers()).isEqualTo(1);
    assertThat(run.beans()).containsExactly("a", "poaTokenProvider");
  }

  @Test
  void theReport_takesTheMedianOfEachRoundsDifference() {
    List<Run> with = List.of(run("with", 2000, "a,poa"), run("with", 3000, "a,poa"),
        run("with", 2100, "a,poa"));
    List<Run> without = List.of(run("without", 1900, "a"), run("without", 2990, "a"),
        run("without", 2000, "a"));
    Results results = new Results(with.get(0), without.get(0), with, without,
        List.of(0.0, 0.01, 0.0), 0, 0);

    assertThat(StarterStartupHarness.differences(results, Run::startedMs))
        .containsExactly(100, 10, 100);
    assertThat(StarterStartupHarness.quantile(new double[] {10, 100, 100}, 0.25))
        .isCloseTo(55, within(1e-9));
    String md = StarterStartupHarness.markdown(results, 0, "0.1 0.1 0.1", "0.2 0.1 0.1",
        new BusyLimit(0.25, 900), "java ...");
    // Medians 2100 and 2000; the median difference 100 is 4.8 % of 2100.
    assertThat(md).contains("| 2100 | 2000 | **100** | 55 to 100 | 4.8 % |")
        .contains("Bean definitions only \"with\" (1): `poa`")
        .contains("Token requests the sandbox received during all 8 runs: 0")
        .contains("at most 25 % busy");
  }
}
