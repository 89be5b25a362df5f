package io.github.poaauth.benchmarks;

import io.github.poaauth.sandbox.PoaSandbox;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of whole processes that get one token, measured paired (a partner runs the CLI once
 * per script, so its start-up is what it costs them): one token endpoint ({@code poa-auth-sandbox}
 * on loopback, in this JVM) is started once, then every round runs each command once, one after
 * another, in an order that rotates from round to round, so that load that comes and goes on a
 * shared machine falls on every command alike.
 *
 * <pre>
 * java -cp poa-auth-benchmarks/target/benchmarks.jar \
 *     io.github.poaauth.benchmarks.ColdStartHarness --rounds=10 --markdown=cold-start.md \
 *     '--command=minimal=java -cp poa-auth-benchmarks/target/poa-auth-benchmarks-VERSION.jar
 *         io.github.poaauth.benchmarks.MinimalTokenPost' \
 *     '--command=poa-auth (launcher)=poa-auth-cli/target/poa-auth token'
 * </pre>
 *
 * <p>Each {@code --command=LABEL=COMMAND} is split at spaces (no quoting); the first is the
 * yardstick that the others are divided by. A {@code --setup=LABEL=COMMAND} runs once against
 * the endpoint before everything else, untimed (e.g. a class-data archive's training run).
 * Every command gets {@code POA_BASE_URL}, {@code POA_CLIENT_ID} and {@code POA_CLIENT_SECRET}
 * of the sandbox's default client in its
 * environment, as a partner would set them, and none of {@code JAVA_TOOL_OPTIONS},
 * {@code JDK_JAVA_OPTIONS} or {@code _JAVA_OPTIONS}, so that each runs with the JVM options it
 * names and no others. A run counts only if it exits 0 with an {@code access_token} on stdout.
 *
 * <p>Measured per run, from just before {@link ProcessBuilder#start()} to the end of
 * {@link Process#waitFor()}: wall time to exit, and to the first line on stdout (the token), so
 * that the time a JVM spends between printing and exiting shows. Before the rounds each command
 * runs once untimed (page cache, and whatever a launcher prepares on its first run); that first
 * run's time is reported on its own.
 */
public final class ColdStartHarness {

  /** A command to time: its label in the report and its argv. */
  record Command(String label, List<String> argv) {
    static Command parse(String spec) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw new IllegalArgumentException("--command needs LABEL=COMMAND but was: " + spec);
      }
      List<String> argv = Arrays.stream(spec.substring(eq + 1).trim().split(" +")).toList();
      return new Command(spec.substring(0, eq).trim(), argv);
    }

    String shown() {
      return String.join(" ", argv);
    }
  }

  /** One run: wall milliseconds from start to the first stdout line and to exit. */
  record Run(double toFirstLineMs, double toExitMs) {}

  /** Per command: its first (untimed) run and the runs of the rounds, in round order. */
  record Result(Command command, Run first, List<Run> runs) {
    double[] exits() {
      return runs.stream().mapToDouble(Run::toExitMs).toArray();
    }

    double[] firstLines() {
      return runs.stream().mapToDouble(Run::toFirstLineMs).toArray();
    }

    double[] printToExit() {
      return runs.stream().mapToDouble(run -> run.toExitMs() - run.toFirstLineMs()).toArray();
    }
  }

  private ColdStartHarness() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = 10;
    Path markdown = null;
    List<Command> commands = new ArrayList<>();
    List<Command> setups = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(arg.substring("--rounds=".length()));
      } else if (arg.startsWith("--markdown=")) {
        markdown = Path.of(arg.substring("--markdown=".length()));
      } else if (arg.startsWith("--command=")) {
        commands.add(Command.parse(arg.substring("--command=".length())));
      } else if (arg.startsWith("--setup=")) {
        setups.add(Command.parse(arg.substring("--setup=".length())));
      } else {
        throw new IllegalArgumentException("unknown argument: " + arg
            + " (use --rounds=N, --markdown=FILE, --setup=LABEL=COMMAND...,"
            + " --command=LABEL=COMMAND...)");
      }
    }
    if (commands.size() < 2 || rounds < 1) {
      throw new IllegalArgumentException("need at least two --command (the first is the"
          + " yardstick) and --rounds of at least 1");
    }
    String loadBefore = loadAverage();
    List<Result> results;
    int tokenRequests;
    try (PoaSandbox sandbox = PoaSandbox.builder().start()) {
      Map<String, String> env = Map.of("POA_BASE_URL", sandbox.baseUrl(),
          "POA_CLIENT_ID", sandbox.defaultClientId(),
          "POA_CLIENT_SECRET", sandbox.defaultClientSecret());
      for (Command setup : setups) {
        System.err.printf(Locale.ROOT, "setup %s: %.0f ms%n", setup.label(),
            run(setup, env).toExitMs());
      }
      results = measure(commands, rounds, env);
      tokenRequests = sandbox.tokenRequestCount();
    }
    String loadAfter = loadAverage();
    String table = markdown(results, rounds, tokenRequests, loadBefore, loadAfter);
    System.out.println(table);
    if (markdown != null) {
      Files.writeString(markdown, table, StandardCharsets.UTF_8);
    }
  }

  static List<Result> measure(List<Command> commands, int rounds, Map<String, String> env)
      throws IOException, InterruptedException {
    List<Run> firsts = new ArrayList<>();
    List<List<Run>> runs = new ArrayList<>();
    for (Command command : commands) {
      firsts.add(run(command, env));
      runs.add(new ArrayList<>());
    }
    int n = commands.size();
    for (int round = 0; round < rounds; round++) {
      StringBuilder line = new StringBuilder("round " + (round + 1) + "/" + rounds + ":");
      for (int k = 0; k < n; k++) {
        int index = (round + k) % n;
        Run run = run(commands.get(index), env);
        runs.get(index).add(run);
        line.append(String.format(Locale.ROOT, " [%s] %.0f ms", commands.get(index).label(),
            run.toExitMs()));
      }
      System.err.println(line);
    }
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(new Result(commands.get(i), firsts.get(i), List.copyOf(runs.get(i))));
    }
    return results;
  }

  private static Run run(Command command, Map<String, String> env)
      throws IOException, InterruptedException {
    Path errors = Files.createTempFile("cold-start-", ".stderr");
    ProcessBuilder builder = new ProcessBuilder(command.argv())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(errors.toFile());
    builder.environment().keySet().removeAll(
        List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
    builder.environment().putAll(env);
    long start = System.nanoTime();
    Process process = builder.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long firstLine = -1;
    try (InputStream in = process.getInputStream()) {
      byte[] buffer = new byte[8192];
      for (int read; (read = in.read(buffer)) >= 0; ) {
        if (firstLine < 0) {
          for (int i = 0; i < read; i++) {
            if (buffer[i] == '\n') {
              firstLine = System.nanoTime();
              break;
            }
          }
        }
        out.write(buffer, 0, read);
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command.label() + ": still running after 60 s");
    }
    long exit = System.nanoTime();
    String stderr = Files.readString(errors, StandardCharsets.UTF_8);
    Files.delete(errors);
    String stdout = out.toString(StandardCharsets.UTF_8);
    if (process.exitValue() != 0 || !stdout.contains("\"access_token\"")) {
      throw new IllegalStateException(command.label() + " (" + command.shown() + ") exited "
          + process.exitValue() + " without a token on stdout; stderr: " + stderr.strip());
    }
    if (firstLine < 0) {
      firstLine = exit;
    }
    return new Run((firstLine - start) / 1e6, (exit - start) / 1e6);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The ratio of each round's run to the yardstick's run of the same round, their median. */
  static double pairedRatio(Result subject, Result yardstick) {
    double[] ratios = new double[subject.runs().size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = subject.runs().get(i).toExitMs() / yardstick.runs().get(i).toExitMs();
    }
    return median(ratios);
  }

  static String markdown(List<Result> results, int rounds, int tokenRequests, String loadBefore,
      String loadAfter) {
    Result yardstick = results.get(0);
    double yardstickMedian = median(yardstick.exits());
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "%d rounds; each round runs every command once, in an"
        + " order that rotates from round to round; one endpoint for all %d token requests."
        + " Load average (1, 5, 15 min) %s before, %s after.%n%n", rounds, tokenRequests,
        loadBefore, loadAfter));
    md.append("| command | process start to exit: median | min | max | median / ")
        .append(yardstick.command().label())
        .append(" | paired ratio (median of rounds) | to the token line: median | token line to"
            + " exit: median | first run (untimed) |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result result : results) {
      double[] exits = result.exits();
      double median = median(exits);
      boolean isYardstick = result == yardstick;
      md.append(String.format(Locale.ROOT,
          "| %s: `%s` | %.0f ms | %.0f ms | %.0f ms | %s | %s | %.0f ms | %.0f ms | %.0f ms |%n",
          result.command().label(), result.command().shown(), median,
          Arrays.stream(exits).min().orElseThrow(), Arrays.stream(exits).max().orElseThrow(),
          isYardstick ? "1" : String.format(Locale.ROOT, "**%.2fx**", median / yardstickMedian),
          isYardstick ? "1" : String.format(Locale.ROOT, "%.2fx",
              pairedRatio(result, yardstick)),
          median(result.firstLines()), median(result.printToExit()),
          result.first().toExitMs()));
    }
    md.append("\nEvery run, process start to exit (ms, in round order):\n\n");
    for (Result result : results) {
      md.append("- ").append(result.command().label()).append(": ");
      md.append(String.join(", ", Arrays.stream(result.exits())
          .mapToObj(v -> String.format(Locale.ROOT, "%.0f", v)).toList()));
      md.append('\n');
    }
    return md.toString();
  }

  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
