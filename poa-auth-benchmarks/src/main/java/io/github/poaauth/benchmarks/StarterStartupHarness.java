package io.github.poaauth.benchmarks;

import io.github.poaauth.sandbox.PoaSandbox;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * What the Spring Boot starter adds to a service's start-up and to its heap: the sample service
 * ({@code poa-auth-spring-boot-sample}) started in a fresh JVM as it is ("with"), and with the
 * starter's auto-configurations excluded ("without"), in paired rounds. Each round runs both, the
 * order alternating from round to round, so that load that comes and goes on a shared machine
 * falls on both alike; the cost is the median of the rounds' differences.
 *
 * <pre>
 * java -cp poa-auth-benchmarks/target/benchmarks.jar \
 *     io.github.poaauth.benchmarks.StarterStartupHarness --rounds=20 --markdown=starter.md \
 *     --classpath-file=poa-auth-spring-boot-sample/target/runtime.classpath \
 *     --classpath=poa-auth-spring-boot-sample/target/poa-auth-spring-boot-sample-VERSION.jar \
 *     --classpath=poa-auth-benchmarks/target/poa-auth-benchmarks-VERSION.jar
 * </pre>
 *
 * <p>Every run is {@link SpringStartupProbe} in its own JVM ({@code --java}, default this one's;
 * {@code --jvm-option=OPTION} adds one), on the classpath that the {@code --classpath=PATHS} and
 * {@code --classpath-file=FILE} arguments (a file such as {@code dependency:build-classpath}
 * writes) make up in their order, which must hold the application ({@code --app}, default the
 * sample's), its runtime dependencies and the probe. The two modes
 * differ in one argument, {@code --spring.autoconfigure.exclude=} poa-auth's auto-configurations;
 * the classpath, the application's own beans and the environment are the same. The environment
 * points the starter at one {@code poa-auth-sandbox} on loopback that the harness starts once
 * ({@code POA_AUTH_BASE_URL}, {@code POA_CLIENT_ID}, {@code POA_CLIENT_SECRET},
 * {@code POA_AUTH_API_HOSTS}, {@code PARTNER_POA_API_URL}); its token request count, reported,
 * shows whether start-up fetched a token. With {@code --max-busy=F} each round waits until the
 * machine's CPUs were busy at most the fraction {@code F} of a 2-second sample
 * ({@code /proc/stat}, while the harness itself is idle), for {@code --max-wait-s} (default 900)
 * over all rounds at the most: pairing cancels load that is alike for both runs of a round, not a
 * build that starts in the middle of one. Each mode runs once untimed first (page cache); those
 * runs give the bean definitions only one mode has. A "with" run must have one
 * {@code PoaTokenProvider} bean and a "without" run none, or the harness stops.
 */
public final class StarterStartupHarness {
  static final String WITH = "with";
  static final String WITHOUT = "without";
  static final String SAMPLE = "io.github.poaauth.sample.PartnerServiceApplication";
  private static final double MIB = 1024.0 * 1024.0;

  /** One run's figures, from the probe's line. */
  record Run(String mode, double startedMs, double readyMs, double jvmReadyMs,
      double mainCpuMs, double processCpuMs, double heapMib,
      double metaspaceMib, double nonHeapMib, int classes, int providers, Set<String> beans) {

    static Run parse(String line) {
      Map<String, String> fields = new HashMap<>();
      for (String field : line.substring(SpringStartupProbe.LINE_PREFIX.length()).split(" ")) {
        int eq = field.indexOf('=');
        fields.put(field.substring(0, eq), field.substring(eq + 1));
      }
      Set<String> beans = new TreeSet<>(Arrays.asList(fields.get("beans").split(",")));
      return new Run(fields.get("mode"), Double.parseDouble(fields.get("started-ms")),
          Double.parseDouble(fields.get("ready-ms")),
          Double.parseDouble(fields.get("jvm-ready-ms")),
          Double.parseDouble(fields.get("main-cpu-ms")),
          Double.parseDouble(fields.get("process-cpu-ms")),
          Long.parseLong(fields.get("heap-bytes")) / MIB,
          Long.parseLong(fields.get("metaspace-bytes")) / MIB,
          Long.parseLong(fields.get("non-heap-bytes")) / MIB,
          Integer.parseInt(fields.get("classes")), Integer.parseInt(fields.get("poa-providers")),
          beans);
    }
  }

  /** A figure of the table: its label, how it is read from a run, and its unit's format. */
  record Metric(String label, ToDoubleFunction<Run> value, String format) {}

  static final List<Metric> METRICS = List.of(
      new Metric("`SpringApplication.run` to `ApplicationStartedEvent`"
          + " (Spring's \"Started ... in\"), ms", Run::startedMs, "%.0f"),
      new Metric("`SpringApplication.run` to `ApplicationReadyEvent`, ms", Run::readyMs, "%.0f"),
      new Metric("JVM start to `run` returned (JVM uptime), ms", Run::jvmReadyMs, "%.0f"),
      new Metric("CPU time of the main thread at that point, ms", Run::mainCpuMs, "%.0f"),
      new Metric("CPU time of the JVM at that point (all threads), ms", Run::processCpuMs,
          "%.0f"),
      new Metric("heap used after start and `System.gc()`, MiB", Run::heapMib, "%.2f"),
      new Metric("metaspace used, MiB", Run::metaspaceMib, "%.2f"),
      new Metric("non-heap used (metaspace, class space, code cache), MiB", Run::nonHeapMib,
          "%.2f"),
      new Metric("classes loaded", run -> run.classes(), "%.0f"),
      new Metric("bean definitions", run -> run.beans().size(), "%.0f"));

  /**
   * Each mode's untimed first run and its runs in round order; how busy the CPUs were just before
   * each round, the seconds spent waiting for them to be quiet, and the rounds that began busier
   * (the wait ran out).
   */
  record Results(Run firstWith, Run firstWithout, List<Run> with, List<Run> without,
      List<Double> busyBefore, long waitedSeconds, int roundsAboveLimit) {}

  /** Waiting for quiet CPUs before each round: busy at most this fraction; seconds for all. */
  record BusyLimit(double maxBusy, long maxWaitSeconds) {}

  private StarterStartupHarness() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = 20;
    List<String> classpath = new ArrayList<>();
    String app = SAMPLE;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> jvmOptions = new ArrayList<>();
    Path markdown = null;
    double maxBusy = 1;
    long maxWaitSeconds = 900;
    for (String arg : args) {
      if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(arg.substring("--rounds=".length()));
      } else if (arg.startsWith("--classpath=")) {
        classpath.add(arg.substring("--classpath=".length()));
      } else if (arg.startsWith("--classpath-file=")) {
        classpath.add(Files.readString(Path.of(arg.substring("--classpath-file=".length())),
            StandardCharsets.UTF_8).strip());
      } else if (arg.startsWith("--app=")) {
        app = arg.substring("--app=".length());
      } else if (arg.startsWith("--java=")) {
        java = arg.substring("--java=".length());
      } else if (arg.startsWith("--jvm-option=")) {
        jvmOptions.add(arg.substring("--jvm-option=".length()));
      } else if (arg.startsWith("--markdown=")) {
        markdown = Path.of(arg.substring("--markdown=".length()));
      } else if (arg.startsWith("--max-busy=")) {
        maxBusy = Double.parseDouble(arg.substring("--max-busy=".length()));
      } else if (arg.startsWith("--max-wait-s=")) {
        maxWaitSeconds = Long.parseLong(arg.substring("--max-wait-s=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument: " + arg
            + " (use --rounds=N, --classpath=PATHS..., --classpath-file=FILE..., --app=CLASS,"
            + " --java=PATH, --jvm-option=OPTION..., --max-busy=F, --max-wait-s=S,"
            + " --markdown=FILE)");
      }
    }
    if (classpath.isEmpty() || rounds < 1) {
      throw new IllegalArgumentException("need --classpath (the application's runtime classpath"
          + " and this module's jar) and --rounds of at least 1");
    }
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath),
        SpringStartupProbe.class.getName()));

    BusyLimit limit = new BusyLimit(maxBusy, maxWaitSeconds);
    String loadBefore = ColdStartHarness.loadAverage();
    Results results;
    int tokenRequests;
    try (PoaSandbox sandbox = PoaSandbox.builder().start()) {
      Map<String, String> env = Map.of("POA_AUTH_BASE_URL", sandbox.baseUrl(),
          "POA_CLIENT_ID", sandbox.defaultClientId(),
          "POA_CLIENT_SECRET", sandbox.defaultClientSecret(),
          "POA_AUTH_API_HOSTS", sandbox.apiEndpoint().getHost(),
          "PARTNER_POA_API_URL", sandbox.apiEndpoint().toString());
      results = measure(command, app, env, rounds, limit);
      tokenRequests = sandbox.tokenRequestCount();
    }
    String loadAfter = ColdStartHarness.loadAverage();
    String table = markdown(results, tokenRequests, loadBefore, loadAfter, limit,
        String.join(" ", command.subList(0, command.indexOf("-cp"))) + " -cp CLASSPATH "
            + SpringStartupProbe.class.getName() + " with|without " + app);
    System.out.println(table);
    if (markdown != null) {
      Files.writeString(markdown, table, StandardCharsets.UTF_8);
    }
  }

  static Results measure(List<String> command, String app, Map<String, String> env, int rounds,
      BusyLimit limit) throws IOException, InterruptedException {
    Run firstWith = run(command, WITH, app, env);
    Run firstWithout = run(command, WITHOUT, app, env);
    if (firstWith.providers() != 1 || firstWithout.providers() != 0) {
      throw new IllegalStateException("expected one PoaTokenProvider bean with the starter and"
          + " none without, but saw " + firstWith.providers() + " and "
          + firstWithout.providers());
    }
    System.err.printf(Locale.ROOT, "untimed first runs: [with] %.0f ms, [without] %.0f ms%n",
        firstWith.startedMs(), firstWithout.startedMs());
    List<Run> with = new ArrayList<>();
    List<Run> without = new ArrayList<>();
    List<Double> busyBefore = new ArrayList<>();
    long waitedNanos = 0;
    int aboveLimit = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limit.maxWaitSeconds());
    for (int round = 0; round < rounds; round++) {
      double busy = busyFraction();
      long waitStart = System.nanoTime();
      while (busy > limit.maxBusy() && System.nanoTime() < deadline) {
        busy = busyFraction();
      }
      waitedNanos += System.nanoTime() - waitStart;
      if (busy > limit.maxBusy()) {
        aboveLimit++;
      }
      busyBefore.add(busy);
      List<String> order = round % 2 == 0 ? List.of(WITH, WITHOUT) : List.of(WITHOUT, WITH);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
          "round %d/%d (CPUs %.0f %% busy before):", round + 1, rounds, 100 * busy));
      for (String mode : order) {
        Run run = run(command, mode, app, env);
        (mode.equals(WITH) ? with : without).add(run);
        line.append(String.format(Locale.ROOT, " [%s] started %.0f ms, heap %.1f MiB", mode,
            run.startedMs(), run.heapMib()));
      }
      System.err.println(line);
    }
    return new Results(firstWith, firstWithout, with, without, busyBefore,
        TimeUnit.NANOSECONDS.toSeconds(waitedNanos), aboveLimit);
  }

  /**
   * The fraction of all CPUs' time that was not idle (nor waiting for I/O) during the next 2
   * seconds, from {@code /proc/stat}; 0 where there is none (no waiting then).
   */
  static double busyFraction() throws InterruptedException {
    long[] before = cpuTimes();
    Thread.sleep(2_000);
    long[] after = cpuTimes();
    if (before == null || after == null) {
      return 0;
    }
    long total = 0;
    for (int i = 0; i < after.length; i++) {
      total += after[i] - before[i];
    }
    long idle = (after[3] - before[3]) + (after[4] - before[4]);
    return total == 0 ? 0 : 1 - (double) idle / total;
  }

  /** The first line of /proc/stat: user, nice, system, idle, iowait, irq, softirq, steal. */
  private static long[] cpuTimes() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split(" +");
      long[] times = new long[8];
      for (int i = 0; i < times.length; i++) {
        times[i] = Long.parseLong(fields[i + 1]);
      }
      return times;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Run run(List<String> command, String mode, String app, Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(List.of(mode, app));
    Path out = Files.createTempFile("starter-startup-", ".stdout");
    Path err = Files.createTempFile("starter-startup-", ".stderr");
    try {
      ProcessBuilder builder = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().keySet().removeAll(
          List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(mode + ": still running after 120 s");
      }
      String line = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith(SpringStartupProbe.LINE_PREFIX)).findFirst().orElse(null);
      if (process.exitValue() != 0 || line == null) {
        throw new IllegalStateException(mode + " exited " + process.exitValue()
            + " without its figures; stdout ends: " + tail(Files.readString(out))
            + "; stderr: " + tail(Files.readString(err)));
      }
      return Run.parse(line);
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  private static String tail(String text) {
    return text.length() <= 4000 ? text.strip() : "..." + text.substring(text.length() - 4000);
  }

  static double[] values(List<Run> runs, ToDoubleFunction<Run> value) {
    return runs.stream().mapToDouble(value).toArray();
  }

  /** Each round's "with" figure less its "without" figure. */
  static double[] differences(Results results, ToDoubleFunction<Run> value) {
    double[] with = values(results.with(), value);
    double[] without = values(results.without(), value);
    double[] differences = new double[with.length];
    for (int i = 0; i < with.length; i++) {
      differences[i] = with[i] - without[i];
    }
    return differences;
  }

  /** The value below which the given fraction of the values lie (linear between neighbours). */
  static double quantile(double[] values, double fraction) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double position = fraction * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }

  static String markdown(Results results, int tokenRequests, String loadBefore, String loadAfter,
      BusyLimit limit, String command) {
    int rounds = results.with().size();
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "%d round%s of two fresh JVMs, one \"with\" and one"
        + " \"without\", in alternating order (\"with\" first in odd rounds), after one untimed run"
        + " of each. Token requests the sandbox received during all %d runs: %d. Load average"
        + " (1, 5, 15 min) %s before, %s after. Each run: `%s`.%n%n", rounds,
        rounds == 1 ? "" : "s", 2 * rounds + 2,
        tokenRequests, loadBefore, loadAfter, command));
    if (limit.maxBusy() < 1) {
      md.append(String.format(Locale.ROOT, "Each round began once the CPUs had been at most %.0f %%"
          + " busy for 2 seconds (other processes: the harness is idle then), waiting %d s at the"
          + " most over all rounds: %d s of waiting; %d rounds began busier.%n%n",
          100 * limit.maxBusy(), limit.maxWaitSeconds(), results.waitedSeconds(),
          results.roundsAboveLimit()));
    }
    md.append("| | with the starter: median | without: median | with − without: median of the"
        + " rounds' differences | middle half of the differences | median difference / median"
        + " with |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    for (Metric metric : METRICS) {
      double with = ColdStartHarness.median(values(results.with(), metric.value()));
      double without = ColdStartHarness.median(values(results.without(), metric.value()));
      double[] differences = differences(results, metric.value());
      double difference = ColdStartHarness.median(differences);
      String f = metric.format();
      md.append(String.format(Locale.ROOT, "| %s | " + f + " | " + f + " | **" + f + "** | "
          + f + " to " + f + " | %.1f %% |%n", metric.label(), with, without, difference,
          quantile(differences, 0.25), quantile(differences, 0.75), 100 * difference / with));
    }
    Set<String> onlyWith = new TreeSet<>(results.firstWith().beans());
    onlyWith.removeAll(results.firstWithout().beans());
    Set<String> onlyWithout = new TreeSet<>(results.firstWithout().beans());
    onlyWithout.removeAll(results.firstWith().beans());
    md.append("\nBean definitions only \"with\" (").append(onlyWith.size()).append("): ")
        .append(String.join(", ", onlyWith.stream().map(name -> "`" + name + "`").toList()))
        .append(".\nOnly \"without\": ")
        .append(onlyWithout.isEmpty() ? "none" : String.join(", ", onlyWithout)).append(".\n");
    md.append("\nEvery run, `SpringApplication.run` to `ApplicationStartedEvent` (ms, in round"
        + " order; untimed first run in brackets):\n\n");
    md.append(runList(WITH, results.firstWith(), results.with()));
    md.append(runList(WITHOUT, results.firstWithout(), results.without()));
    md.append("- CPUs busy in the 2 s before the round, %: ").append(String.join(", ",
        results.busyBefore().stream().map(busy -> String.format(Locale.ROOT, "%.0f", 100 * busy))
            .toList())).append('\n');
    return md.toString();
  }

  private static String runList(String mode, Run first, List<Run> runs) {
    return String.format(Locale.ROOT, "- %s: (%.0f) %s%n", mode, first.startedMs(),
        String.join(", ", runs.stream()
            .map(run -> String.format(Locale.ROOT, "%.0f", run.startedMs())).toList()));
  }
}
