package io.github.poaauth.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Collects what the suite's cases observed and, when the whole test run ends, writes the
 * reliability report from it to the path of system property {@code poa.reliability.report}
 * ({@code target/reports/RELIABILITY.md} in the build; the build never writes the tracked tree).
 * {@code scripts/update-docs.sh} copies it to {@code docs/RELIABILITY.md}. Nothing in it is a
 * wall-clock reading, so two runs that saw the same outcomes write the same fault tables.
 */
final class ReliabilityReport implements BeforeAllCallback {

  /**
   * One observed case.
   *
   * @param requests token requests the server saw, or -1 where that means nothing
   * @param bound the asserted time bound, or "—"
   * @param time whether the time taken kept the bound ("within" or "OUTSIDE"), or "—"
   */
  record Row(String section, String name, String expected, String observed, int requests,
      String bound, String time) {}

  private static final List<Row> ROWS = new ArrayList<>();
  private static final Map<String, List<String>> NOTES = new TreeMap<>();

  static synchronized void record(Row row) {
    ROWS.add(row);
  }

  static synchronized void note(String section, String line) {
    NOTES.computeIfAbsent(section, k -> new ArrayList<>()).add(line);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(ReliabilityReport.class, k -> (AutoCloseable) ReliabilityReport::write);
  }

  private static synchronized void write() throws IOException {
    String target = System.getProperty("poa.reliability.report");
    if (target == null || ROWS.isEmpty()) {
      return;
    }
    StringBuilder md = new StringBuilder();
    md.append("# Reliability of PoaTokenProvider\n\n")
        .append("Written by the build from the results of `poa-auth-reliability` (JUnit tag `reliability`); ")
        .append("do not edit by hand. Regenerate with `./mvnw -B verify -pl poa-auth-reliability -am` ")
        .append("(writes `poa-auth-reliability/target/reports/RELIABILITY.md`), then `scripts/update-docs.sh`.\n\n")
        .append("Every case drives the real `PoaTokenProvider` against `PoaSandbox` on loopback (its reply ")
        .append("queue and socket faults). ")
        .append("Provider settings for the fault cases: 3 attempts, 10 ms between them, connect timeout 500 ms, ")
        .append("read timeout 500 ms, call timeout 5 s. \"requests\" is what the server saw; \"time\" says ")
        .append("whether the caller's wait kept the asserted bound (wall-clock readings vary from run to run, ")
        .append("so the report holds none).\n");
    List<Row> rows = new ArrayList<>(ROWS);
    // Sorted whole: the order of test methods and parameters must not change the document.
    rows.sort(Comparator.comparing(Row::section).thenComparing(Row::name));
    String section = null;
    for (Row row : rows) {
      if (!row.section().equals(section)) {
        section = row.section();
        md.append("\n## ").append(section.replaceFirst("^\\d+ ", "")).append("\n\n");
        for (String line : NOTES.getOrDefault(section, List.of())) {
          md.append(line).append("\n");
        }
        if (NOTES.containsKey(section)) {
          md.append("\n");
        }
        md.append("| case | expected | observed | requests | bound | time |\n|---|---|---|---|---|---|\n");
      }
      md.append("| ").append(row.name()).append(" | ").append(row.expected()).append(" | ")
          .append(row.observed()).append(" | ").append(row.requests() < 0 ? "—" : row.requests())
          .append(" | ").append(row.bound()).append(" | ").append(row.time()).append(" |\n");
    }
    Path path = Path.of(target);
    Files.createDirectories(path.getParent());
    Files.writeString(path, md.toString(), StandardCharsets.UTF_8);
  }
}
