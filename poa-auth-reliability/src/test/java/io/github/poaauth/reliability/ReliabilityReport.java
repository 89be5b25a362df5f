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
 * Collects what the suite's cases observed and, when the whole test run ends, writes
 * {@code docs/RELIABILITY.md} from it (path from system property {@code poa.reliability.report}).
 * The document is never written by hand: a fresh run rewrites it.
 */
final class ReliabilityReport implements BeforeAllCallback {

  /** One observed case. */
  record Row(String section, String name, String expected, String observed, int requests,
      long millis, String bound) {}

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
        .append("do not edit by hand. Regenerate with `./mvnw -B verify -pl poa-auth-reliability -am`.\n\n")
        .append("Every case drives the real `PoaTokenProvider` against a real server on loopback. ")
        .append("Provider settings for the fault cases: 3 attempts, 10 ms between them, connect timeout 500 ms, ")
        .append("read timeout 500 ms, call timeout 5 s. \"requests\" is what the server saw; \"ms\" is the ")
        .append("caller's wall time in this run (it varies from run to run; the bound is asserted).\n");
    List<Row> rows = new ArrayList<>(ROWS);
    rows.sort(Comparator.comparing(Row::section));
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
        md.append("| case | expected | observed | requests | ms | bound |\n|---|---|---|---|---|---|\n");
      }
      md.append("| ").append(row.name()).append(" | ").append(row.expected()).append(" | ")
          .append(row.observed()).append(" | ").append(row.requests() < 0 ? "—" : row.requests())
          .append(" | ").append(row.millis()).append(" | ").append(row.bound()).append(" |\n");
    }
    Path path = Path.of(target);
    Files.createDirectories(path.getParent());
    Files.writeString(path, md.toString(), StandardCharsets.UTF_8);
  }
}
