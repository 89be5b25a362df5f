package io.github.poaauth.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns JMH's JSON results ({@code -rf json}) of {@link TokenBenchmarks} into the Markdown tables
 * of {@code docs/BENCHMARKS.md}: ns/op and B/op per benchmark and thread count, then the ratios
 * the targets are stated in. Ratios use the median of the measurement iterations, which
 * a single noisy iteration on a shared machine does not move.
 *
 * <pre>
 * java -cp benchmarks.jar io.github.poaauth.benchmarks.JmhReport OUT.md jmh-t1.json jmh-t2.json
 * </pre>
 */
public final class JmhReport {
  /** Below this the GC profiler's figure is its own noise, amortised JMH bookkeeping: 0 B/op. */
  static final double ZERO_BYTES = 0.5;
  /** A floor this much slower at 2 threads than at 1 was disturbed by other load. */
  static final double NOISE_FACTOR = 1.3;

  static final String TOKEN = "token";
  static final String FLOOR_READ = "floorVolatileRead";
  static final String FLOOR_CLOCK = "floorVolatileReadPlusClock";
  static final String SYNCHRONIZED = "synchronizedCache";
  static final String HOST_RULE = "hostRule";
  static final String CAPABILITY_CLIENT = "feignCapabilityClient";
  static final String HEADER_CLIENT = "feignClientHeaderOnly";
  static final String BARE_CLIENT = "feignClientBare";
  static final String LOOPBACK_BARE = "loopbackRequestBare";
  static final String LOOPBACK_CAPABILITY = "loopbackRequestCapability";

  /** Display order and names. */
  private static final Map<String, String> NAMES = new LinkedHashMap<>();

  static {
    NAMES.put(TOKEN, "`PoaTokenProvider.token()`, warm");
    NAMES.put(FLOOR_READ, "floor 1: volatile read");
    NAMES.put(FLOOR_CLOCK, "floor 2: volatile read + clock comparison");
    NAMES.put(SYNCHRONIZED, "baseline: `synchronized` check-and-return cache");
    NAMES.put(HOST_RULE, "`PoaApiAuthorization.mayCarryToken(String)`, uncached");
    NAMES.put(CAPABILITY_CLIENT, "Feign capability's client, answer 200");
    NAMES.put(HEADER_CLIENT, "reference: the wrapped client given a copy with the header");
    NAMES.put(BARE_CLIENT, "reference: the wrapped Feign `Client.execute`, answer 200");
    NAMES.put(LOOPBACK_BARE, "a real Feign request on loopback");
    NAMES.put(LOOPBACK_CAPABILITY, "the same through the Feign capability");
  }

  /** One benchmark at one thread count. */
  record Result(String method, int threads, double score, double error, double median,
      double bytesPerOp) {}

  private JmhReport() {
  }

  static List<Result> read(List<Path> files) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<Result> results = new ArrayList<>();
    for (Path file : files) {
      for (JsonNode run : mapper.readTree(file.toFile())) {
        String benchmark = run.get("benchmark").asText();
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        JsonNode primary = run.get("primaryMetric");
        List<Double> iterations = new ArrayList<>();
        for (JsonNode fork : primary.path("rawData")) {
          fork.forEach(v -> iterations.add(v.asDouble()));
        }
        double median = median(iterations).orElse(primary.get("score").asDouble());
        JsonNode norm = run.path("secondaryMetrics").path("gc.alloc.rate.norm");
        double bytes = norm.isMissingNode() ? Double.NaN : norm.get("score").asDouble();
        results.add(new Result(method, run.get("threads").asInt(),
            primary.get("score").asDouble(), primary.path("scoreError").asDouble(Double.NaN),
            median, bytes));
      }
    }
    results.sort(Comparator.comparingInt((Result r) -> order(r.method()))
        .thenComparingInt(Result::threads));
    return results;
  }

  private static int order(String method) {
    int i = new ArrayList<>(NAMES.keySet()).indexOf(method);
    return i < 0 ? Integer.MAX_VALUE : i;
  }

  static Optional<Double> median(List<Double> values) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return Optional.of(sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
  }

  static String markdown(List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append("| benchmark | threads | ns/op (mean ± 99.9% CI) | ns/op (median of iterations) "
        + "| B/op |\n|---|---:|---:|---:|---:|\n");
    for (Result r : results) {
      String error = Double.isNaN(r.error()) ? "n/a"
          : String.format(Locale.ROOT, "%.2f", r.error());
      out.append(String.format(Locale.ROOT, "| %s | %d | %.2f ± %s | %.2f | %s |%n",
          NAMES.getOrDefault(r.method(), r.method()), r.threads(), r.score(), error,
          r.median(), bytes(r.bytesPerOp())));
    }
    out.append("\nRatios (medians; lower is faster):\n\n");
    out.append("| ratio | 1 thread | 2 threads | target |\n|---|---:|---:|---|\n");
    ratioRow(out, results, TOKEN, FLOOR_CLOCK, "token() / floor 2 (volatile + clock)",
        "≤ 1.1 at 1 and 2 threads");
    ratioRow(out, results, TOKEN, FLOOR_READ, "token() / floor 1 (volatile read)", "");
    ratioRow(out, results, TOKEN, SYNCHRONIZED, "token() / synchronized cache",
        "< 1 at 2 threads");
    ratioRow(out, results, CAPABILITY_CLIENT, HEADER_CLIENT,
        "Feign capability / client given a copy with the header", "");
    ratioRow(out, results, HOST_RULE, LOOPBACK_BARE,
        "host rule / real request on loopback", "a cache pays only above 0.05");
    ratioRow(out, results, LOOPBACK_CAPABILITY, LOOPBACK_BARE,
        "real request through the capability / bare", "");
    out.append('\n');
    for (int threads : new int[] {1, 2}) {
      find(results, TOKEN, threads).ifPresent(t -> {
        find(results, FLOOR_CLOCK, threads).ifPresent(f -> out.append(verdict(
            t.median() / f.median() <= 1.1, String.format(Locale.ROOT,
                "token() within 1.1x of floor 2 at %d thread(s): %.2fx", threads,
                t.median() / f.median()))));
        if (!Double.isNaN(t.bytesPerOp())) {
          out.append(verdict(t.bytesPerOp() < ZERO_BYTES, String.format(Locale.ROOT,
              "token() allocates 0 B/op at %d thread(s): %s", threads, bytes(t.bytesPerOp()))));
        }
      });
    }
    for (String[] pair : new String[][] {{CAPABILITY_CLIENT, HEADER_CLIENT}}) {
      find(results, pair[0], 1).ifPresent(a -> find(results, pair[1], 1).ifPresent(b -> {
        if (!Double.isNaN(a.bytesPerOp()) && !Double.isNaN(b.bytesPerOp())) {
          out.append(verdict(a.bytesPerOp() < b.bytesPerOp() + ZERO_BYTES, String.format(
              Locale.ROOT, "%s allocates no more than %s: %s vs %s", pair[0], pair[1],
              bytes(a.bytesPerOp()), bytes(b.bytesPerOp()))));
        }
      }));
    }
    // Floor 2 shares nothing that is written: a second thread on a second core must not slow it
    // down. When it does, something else on the machine took a core during that run.
    find(results, FLOOR_CLOCK, 1).ifPresent(one -> find(results, FLOOR_CLOCK, 2).ifPresent(two -> {
      if (two.median() > NOISE_FACTOR * one.median()) {
        out.append(String.format(Locale.ROOT, "- noise: floor 2 took %.2f ns/op at 2 threads "
            + "against %.2f at 1; it shares no written state, so other load on the machine took "
            + "a core during the 2-thread run: judge the 2-thread ratios with that in mind%n",
            two.median(), one.median()));
      }
    }));
    find(results, TOKEN, 2).ifPresent(t -> find(results, SYNCHRONIZED, 2).ifPresent(s ->
        out.append(verdict(t.median() < s.median(), String.format(Locale.ROOT,
            "token() faster than the synchronized cache at 2 threads: %.2f vs %.2f ns/op (%.2fx)",
            t.median(), s.median(), t.median() / s.median())))));
    return out.toString();
  }

  private static String verdict(boolean met, String what) {
    return "- " + (met ? "met" : "**missed**") + ": " + what + "\n";
  }

  private static void ratioRow(StringBuilder out, List<Result> results, String a, String b,
      String label, String target) {
    out.append("| ").append(label);
    for (int threads : new int[] {1, 2}) {
      Optional<Result> x = find(results, a, threads);
      Optional<Result> y = find(results, b, threads);
      out.append(" | ").append(x.isPresent() && y.isPresent()
          ? String.format(Locale.ROOT, "%.2fx", x.get().median() / y.get().median()) : "n/a");
    }
    out.append(" | ").append(target).append(" |\n");
  }

  private static Optional<Result> find(List<Result> results, String method, int threads) {
    return results.stream().filter(r -> r.method().equals(method) && r.threads() == threads)
        .findFirst();
  }

  static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "n/a";
    }
    if (b < ZERO_BYTES) {
      return String.format(Locale.ROOT, "0 (%.4f)", b);
    }
    return String.format(Locale.ROOT, "%.0f", b);
  }

  /**
   * @param args the Markdown file to write, then one or more JMH JSON result files
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: JmhReport OUT.md RESULT.json [RESULT.json...]");
    }
    List<Path> inputs = Arrays.stream(args).skip(1).map(Path::of).toList();
    String markdown = markdown(read(inputs));
    Files.writeString(Path.of(args[0]), markdown, StandardCharsets.UTF_8);
    System.out.print(markdown);
  }
}
