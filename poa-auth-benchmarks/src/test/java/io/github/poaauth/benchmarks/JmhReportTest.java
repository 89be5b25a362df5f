package io.github.poaauth.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhReportTest {
  @TempDir
  Path dir;

  @Test
  void report_takesMediansAndAllocation_andJudgesTheTargets() throws Exception {
    Path t2 = dir.resolve("jmh-t2.json");
    Files.writeString(t2, "[" + run("token", 2, 30, List.of(29.0, 30.0, 90.0), 0.0003) + ","
        + run("floorVolatileReadPlusClock", 2, 25, List.of(25.0, 24.0, 26.0), 0.0001) + ","
        + run("synchronizedCache", 2, 150, List.of(150.0, 151.0, 149.0), 0.001) + "]",
        StandardCharsets.UTF_8);

    List<JmhReport.Result> results = JmhReport.read(List.of(t2));
    String md = JmhReport.markdown(results);

    assertThat(results).extracting(JmhReport.Result::median).containsExactly(30.0, 25.0, 150.0);
    assertThat(md).contains("| `PoaTokenProvider.token()`, warm | 2 |")
        .contains("| token() / floor 2 (volatile + clock) | n/a | 1.20x |")
        .contains("- **missed**: token() within 1.1x of floor 2 at 2 thread(s): 1.20x")
        .contains("- met: token() allocates 0 B/op at 2 thread(s): 0 (0.0003)")
        .contains("- met: token() faster than the synchronized cache at 2 threads");
  }

  @Test
  void report_flagsA2ThreadFloorSlowedByOtherLoad() throws Exception {
    Path t1 = dir.resolve("jmh-t1.json");
    Path t2 = dir.resolve("jmh-t2.json");
    Files.writeString(t1, "[" + run("floorVolatileReadPlusClock", 1, 23, List.of(23.0), 0) + "]",
        StandardCharsets.UTF_8);
    Files.writeString(t2, "[" + run("floorVolatileReadPlusClock", 2, 53, List.of(53.0), 0) + "]",
        StandardCharsets.UTF_8);

    String md = JmhReport.markdown(JmhReport.read(List.of(t1, t2)));

    assertThat(md).contains("- noise: floor 2 took 53.00 ns/op at 2 threads against 23.00 at 1");
  }

  @Test
  void report_flagsAnAllocatingHotPath() throws Exception {
    Path t1 = dir.resolve("jmh-t1.json");
    Files.writeString(t1, "[" + run("token", 1, 40, List.of(40.0), 24.0) + "]",
        StandardCharsets.UTF_8);

    String md = JmhReport.markdown(JmhReport.read(List.of(t1)));

    assertThat(md).contains("- **missed**: token() allocates 0 B/op at 1 thread(s): 24");
  }

  private static String run(String method, int threads, double score, List<Double> iterations,
      double bytes) {
    return "{\"benchmark\":\"io.github.poaauth.benchmarks.TokenBenchmarks." + method + "\","
        + "\"mode\":\"avgt\",\"threads\":" + threads + ",\"forks\":1,"
        + "\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":1.5,\"scoreUnit\":\"ns/op\","
        + "\"rawData\":[" + iterations + "]},"
        + "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":" + bytes
        + ",\"scoreError\":0.0,\"scoreUnit\":\"B/op\"}}}";
  }
}
