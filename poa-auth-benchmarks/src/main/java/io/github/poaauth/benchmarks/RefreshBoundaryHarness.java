package io.github.poaauth.benchmarks;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaTokenProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What callers feel when their threads cross a refresh boundary together: many threads call
 * {@code token()} against a token endpoint that takes its time, with tokens of a few seconds,
 * across several refreshes, and the harness prints one table row per subject.
 *
 * <pre>
 * java -cp poa-auth-benchmarks/target/benchmarks.jar \
 *     io.github.poaauth.benchmarks.RefreshBoundaryHarness --threads=64 --lifetime-s=3 \
 *     --latency-ms=200 --refreshes=10 --pause-us=1000 --pacing=paced,unpaced --markdown=out.md
 * </pre>
 *
 * <h2>Rows</h2>
 * For each pacing (paced: each thread parks about {@code --pause-us} between calls as a request
 * thread would; unpaced: back to back, which on 2 cores mostly measures the scheduler):
 * <ul>
 *   <li>floor: a cached volatile read under the same load, for as long as the refresh-ahead row
 *       takes; this is the machine's own noise;</li>
 *   <li>poa-auth with the default builder (refresh-ahead on);</li>
 *   <li>poa-auth with {@code refreshAhead(Duration.ZERO)}: callers wait for the fetch at
 *       expiry.</li>
 * </ul>
 * A provider row starts with one untimed {@code token()} (the cold fetch) and ends as soon as the
 * callers have seen {@code --refreshes} new tokens. Right then no refresh is due, so the server's
 * count of token requests is final: with single flight it equals the refreshes exactly. A token
 * counts as handed out past expiry when the caller's {@code System.currentTimeMillis()}, read
 * right after {@code token()} returned, is at or after its {@code expiresAt()}. The provider
 * hands a token out only while it has at least the expiry skew to live, so such a call that took
 * longer than the skew can be a caller descheduled between the provider's check and its own
 * clock read (common with 64 unpaced threads on 2 cores); one that took less cannot, and is shown
 * in brackets: those would be the provider's fault.
 *
 * <p>Not thread-safe; one run at a time.
 */
public final class RefreshBoundaryHarness {
  /** How callers space their calls. */
  public enum Pacing {
    PACED, UNPACED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a run does. {@link #defaults()} is the configuration. */
  public record Config(int threads, Duration lifetime, Duration latency, int refreshes,
      Duration pause, List<Pacing> pacings, Duration warmup) {
    public Config {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1 but was " + threads);
      }
      if (refreshes < 1) {
        throw new IllegalArgumentException("refreshes must be at least 1 but was " + refreshes);
      }
      if (lifetime.getNano() != 0 || lifetime.getSeconds() < 1) {
        throw new IllegalArgumentException(
            "lifetime must be whole seconds, at least 1 (expires_in is an integer) but was "
                + lifetime);
      }
      if (pacings.isEmpty()) {
        throw new IllegalArgumentException("at least one pacing (paced, unpaced) is needed");
      }
      pacings = List.copyOf(pacings);
    }

    /** 64 threads, expires_in 3 s, 200 ms added latency, 10 refreshes, 1 ms pause, both pacings. */
    public static Config defaults() {
      return new Config(64, Duration.ofSeconds(3), Duration.ofMillis(200), 10,
          Duration.ofMillis(1), List.of(Pacing.PACED, Pacing.UNPACED), Duration.ofSeconds(1));
    }

    /** The provider's expiry skew for this lifetime: min(30 s, 10% of it), per its Javadoc. */
    Duration effectiveSkew() {
      return min(PoaTokenProvider.DEFAULT_EXPIRY_SKEW, lifetime.dividedBy(10));
    }

    /** The default refresh-ahead for this lifetime: min(5 min, 50% of it), at least the skew. */
    Duration effectiveRefreshAhead() {
      Duration ahead = min(PoaTokenProvider.DEFAULT_REFRESH_AHEAD, lifetime.dividedBy(2));
      return ahead.compareTo(effectiveSkew()) < 0 ? effectiveSkew() : ahead;
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }
  }

  /**
   * One line of the table. Latencies in nanoseconds. {@code serverRequests} and
   * {@code refreshes} are -1 for the floor, which has no server.
   */
  public record Row(Pacing pacing, String subject, long calls, long p50, long p99, long p999,
      long max, long over1ms, long over10ms, long over100ms, int serverRequests, int refreshes,
      long pastExpiry, long pastExpiryInShortCalls, long errors, long gcCount, long gcMillis,
      long elapsedMillis, boolean completed) {

    boolean hasServer() {
      return serverRequests >= 0;
    }
  }

  static final String FLOOR = "floor (cached volatile read)";
  static final String AHEAD_ON = "poa-auth, refresh-ahead on (default)";
  static final String AHEAD_OFF = "poa-auth, refresh-ahead off";

  private final Config config;
  /** Length of the sandbox's token values, for the report; set by the warm-up. */
  private int tokenLength = -1;

  /** A harness whose provider rows run against {@code poa-auth-sandbox} on loopback. */
  public RefreshBoundaryHarness(Config config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** Runs every row and returns them in table order. */
  public List<Row> run() throws InterruptedException {
    warmUp();
    List<Row> rows = new ArrayList<>();
    for (Pacing pacing : config.pacings()) {
      long pauseNanos = pacing == Pacing.PACED ? config.pause().toNanos() : 0;
      rows.add(floorRow(pacing, pauseNanos));
      rows.add(providerRow(pacing, pauseNanos, true));
      rows.add(providerRow(pacing, pauseNanos, false));
    }
    return rows;
  }

  /**
   * Compiles the callers' loop and the provider's hot path before anything is recorded, so the
   * first row does not pay for the JIT: both sources, back to back, discarded.
   */
  private void warmUp() throws InterruptedException {
    if (config.warmup().isZero()) {
      return;
    }
    AccessToken longLived = longLivedToken();
    VolatileCache floor = new VolatileCache(longLived);
    drive(floor::get, 0, Set.of(), config.warmup().toMillis());
    try (TokenServer server = TokenServer.start(TokenBenchmarks.POA_LIFETIME, Duration.ZERO);
         PoaTokenProvider provider = provider(server, true)) {
      tokenLength = provider.token().value().length();
      drive(provider::token, 0, Set.of(), config.warmup().toMillis());
    }
  }

  private CallerLoad drive(Supplier<AccessToken> source, long pauseNanos, Set<String> known,
      long millis) throws InterruptedException {
    CallerLoad load = new CallerLoad(source, config.threads(), pauseNanos,
        config.effectiveSkew(), known, 0);
    load.start();
    Thread.sleep(millis);
    load.stop();
    return load;
  }

  private Row floorRow(Pacing pacing, long pauseNanos) throws InterruptedException {
    // As long as the refresh-ahead row needs for its refreshes, one every (lifetime - ahead).
    long millis = config.lifetime().minus(config.effectiveRefreshAhead()).toMillis()
        * config.refreshes();
    VolatileCache floor = new VolatileCache(longLivedToken());
    CallerLoad load = drive(floor::get, pauseNanos, Set.of(), millis);
    return row(pacing, FLOOR, load, -1, -1, true);
  }

  private Row providerRow(Pacing pacing, long pauseNanos, boolean refreshAhead)
      throws InterruptedException {
    TokenServer server = TokenServer.start(config.lifetime(), config.latency());
    PoaTokenProvider provider = provider(server, refreshAhead);
    CallerLoad load;
    boolean completed;
    int requestsBefore;
    try {
      AccessToken first = provider.token();
      tokenLength = first.value().length();
      requestsBefore = server.tokenRequests();
      load = new CallerLoad(provider::token, config.threads(), pauseNanos,
          config.effectiveSkew(), Set.of(first.value()), config.refreshes());
      load.start();
      completed = load.awaitNewTokens(rowTimeoutMillis());
      load.stop();
    } finally {
      // Closed before counting: no request can start after this, and the sandbox counts a
      // request on arrival, so the count is final.
      provider.close();
      server.close();
    }
    int requests = server.tokenRequests() - requestsBefore;
    return row(pacing, refreshAhead ? AHEAD_ON : AHEAD_OFF, load, requests,
        load.newTokensSeen(), completed);
  }

  private long rowTimeoutMillis() {
    return config.lifetime().plus(config.latency()).toMillis() * config.refreshes() * 3
        + TimeUnit.SECONDS.toMillis(10);
  }

  private PoaTokenProvider provider(TokenServer server, boolean refreshAhead) {
    PoaTokenProvider.Builder builder = PoaTokenProvider.builder()
        .baseUrl(server.baseUrl())
        .clientId(server.clientId())
        .clientSecret(server.clientSecret());
    if (!refreshAhead) {
      builder.refreshAhead(Duration.ZERO);
    }
    return builder.build();
  }

  private static AccessToken longLivedToken() {
    return AccessToken.of("floor-token", "Bearer", null, Instant.now(), Duration.ofDays(1));
  }

  private static Row row(Pacing pacing, String subject, CallerLoad load, int serverRequests,
      int refreshes, boolean completed) {
    CallerLoad.Totals t = load.totals();
    return new Row(pacing, subject, t.calls, t.histogram.getValueAtPercentile(50),
        t.histogram.getValueAtPercentile(99), t.histogram.getValueAtPercentile(99.9), t.maxNanos,
        t.over1ms, t.over10ms, t.over100ms, serverRequests, refreshes, t.pastExpiry,
        t.pastExpiryInShortCalls, t.errors, t.gcCount, t.gcMillis, load.elapsedMillis(),
        completed);
  }

  /** The table as Markdown, with the settings above it and the paced targets below it. */
  public String markdown(List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%d threads; expires_in %d s (expiry skew %d ms, "
            + "refresh-ahead %d ms by the provider's defaults); %d ms added server latency; "
            + "%d refreshes per provider row; paced = LockSupport.parkNanos(%d µs) between calls; "
            + "token values: poa-auth-sandbox JWTs of %d characters.%n%n",
        config.threads(), config.lifetime().toSeconds(), config.effectiveSkew().toMillis(),
        config.effectiveRefreshAhead().toMillis(), config.latency().toMillis(),
        config.refreshes(), config.pause().toNanos() / 1000, tokenLength));
    out.append("| pacing | subject | calls | p50 | p99 | p99.9 | max | >1 ms | >10 ms | >100 ms "
        + "| server requests / refreshes | past expiry (in calls < skew) | errors | GCs (ms) "
        + "| time |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      out.append(String.format(Locale.ROOT,
          "| %s | %s | %,d | %s | %s | %s | %s | %,d | %,d | %,d | %s | %s | %,d | %d (%d) "
              + "| %.1f s%s |%n",
          r.pacing().label(), r.subject(), r.calls(), latency(r.p50()), latency(r.p99()),
          latency(r.p999()), latency(r.max()), r.over1ms(), r.over10ms(), r.over100ms(),
          r.hasServer() ? r.serverRequests() + " / " + r.refreshes() : "n/a",
          r.hasServer() ? String.format(Locale.ROOT, "%,d (%,d)", r.pastExpiry(),
              r.pastExpiryInShortCalls()) : "n/a",
          r.errors(), r.gcCount(), r.gcMillis(), r.elapsedMillis() / 1000.0,
          r.completed() ? "" : " (timed out)"));
    }
    out.append('\n');
    for (Map.Entry<String, Boolean> target : pacedTargets(rows).entrySet()) {
      out.append("- ").append(target.getValue() ? "met" : "**missed**").append(": ")
          .append(target.getKey()).append('\n');
    }
    return out.toString();
  }

  /** The targets for the paced refresh-ahead row, each with whether it was met. */
  static Map<String, Boolean> pacedTargets(List<Row> rows) {
    Map<String, Boolean> targets = new LinkedHashMap<>();
    for (Row r : rows) {
      if (r.pacing() != Pacing.PACED || !r.hasServer()) {
        continue;
      }
      String who = "paced, " + r.subject() + ": ";
      if (r.subject().equals(AHEAD_ON)) {
        targets.put(who + "no call over 10 ms (" + r.over10ms() + ")", r.over10ms() == 0);
        targets.put(who + "max caller latency under 5 ms (" + latency(r.max()) + ")",
            r.max() < TimeUnit.MILLISECONDS.toNanos(5));
      }
      targets.put(who + "server requests equal refreshes (" + r.serverRequests() + " / "
          + r.refreshes() + ")", r.completed() && r.serverRequests() == r.refreshes());
      targets.put(who + "no token handed out past its expiry (" + r.pastExpiry() + ")",
          r.pastExpiry() == 0);
    }
    return targets;
  }

  static String latency(long nanos) {
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }
    if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  /**
   * Runs the harness and prints the table.
   *
   * @param args {@code --threads=64 --lifetime-s=3 --latency-ms=200 --refreshes=10
   *     --pause-us=1000 --pacing=paced,unpaced --warmup-ms=1000 --markdown=FILE}; each optional,
   *     defaults as shown
   */
  public static void main(String[] args) throws InterruptedException {
    Config d = Config.defaults();
    Map<String, String> opts = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("arguments are --name=value but got '" + arg + "'");
      }
      opts.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    Config config = new Config(
        Integer.parseInt(opts.getOrDefault("threads", String.valueOf(d.threads()))),
        Duration.ofSeconds(Long.parseLong(opts.getOrDefault("lifetime-s",
            String.valueOf(d.lifetime().toSeconds())))),
        Duration.ofMillis(Long.parseLong(opts.getOrDefault("latency-ms",
            String.valueOf(d.latency().toMillis())))),
        Integer.parseInt(opts.getOrDefault("refreshes", String.valueOf(d.refreshes()))),
        Duration.ofNanos(1000 * Long.parseLong(opts.getOrDefault("pause-us",
            String.valueOf(d.pause().toNanos() / 1000)))),
        Arrays.stream(opts.getOrDefault("pacing", "paced,unpaced").split(","))
            .map(p -> Pacing.valueOf(p.trim().toUpperCase(Locale.ROOT))).toList(),
        Duration.ofMillis(Long.parseLong(opts.getOrDefault("warmup-ms",
            String.valueOf(d.warmup().toMillis())))));
    Set<String> known = Set.of("threads", "lifetime-s", "latency-ms", "refreshes", "pause-us",
        "pacing", "warmup-ms", "markdown");
    for (String name : opts.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; known: " + known);
      }
    }
    RefreshBoundaryHarness harness = new RefreshBoundaryHarness(config);
    String table = harness.markdown(harness.run());
    System.out.print(table);
    String markdown = opts.get("markdown");
    if (markdown != null) {
      try {
        Files.writeString(Path.of(markdown), table, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + markdown, e);
      }
    }
  }
}
