package io.github.poaauth.benchmarks;

import io.github.poaauth.client.PoaAuthException;
import io.github.poaauth.client.PoaTokenEvent;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.RecordedRequest;
import io.github.poaauth.sandbox.TestClock;
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
import java.util.stream.Collectors;

/**
 * A fleet of N services, each with its own provider, against one sandbox: how many token
 * requests per second the endpoint sees, with refresh jitter off and on, for
 * {@code --lifetimes} token lifetimes after a moment that makes every provider fetch at once.
 * Two such moments ({@code --scenario}):
 * <ul>
 *   <li><b>start</b>: the whole fleet deployed in the same second;
 *   <li><b>outage</b>: the same fleet, after two lifetimes of settling, cut off from the
 *       endpoint (connections refused) until every provider's token has expired, so that all of
 *       them fetch again when it ends. By default the outage lasts 2 minutes or one lifetime,
 *       whichever is longer ({@code --outage-s} sets it): 2 minutes outlast the scaled 60 s
 *       tokens, but not POA's 30-minute ones, whose providers would keep valid tokens and their
 *       refresh points through it; an outage of a whole lifetime leaves none with a token.
 * </ul>
 *
 * <p>Time is simulated (one clock shared by the sandbox and every provider, stepped by the
 * harness), so hours of tokens take minutes; the HTTP requests are real, on loopback. Each step,
 * every service calls {@code token()} once, as a service that serves traffic does; refreshes run
 * inline ({@code executor(Runnable::run)}) so they land in the step that started them.
 *
 * <p>The providers use POA's defaults scaled to the lifetime L (30-minute tokens: 5 minutes
 * refresh ahead, 30 s expiry skew, circuit breaker open at most 30 s): refresh ahead L/6, expiry
 * skew L/60, breaker open at most L/60. At L = 30 minutes these are the defaults. Scaling the skew
 * matters for short tokens: the default 30 s, capped at L/10, would take 6 s of a 60 s token and
 * cut into the half of the refresh-ahead window that the spread uses. Retries wait in real time,
 * which the simulated clock does not see (a fetch's attempts all fall at the same simulated
 * instant whatever the backoff), so each fetch makes one attempt: the same simulated timeline,
 * without hours of real waiting during the outage.
 *
 * <p>Cycle k (1 to {@code --lifetimes}) is the k-th lifetime after the synchronising moment t0
 * (the start; the outage's end): {@code [t0 + (k-1)L, t0 + kL)}. The fetch of every provider
 * without a token at t0 (the initial fetch; the recovery fetch), N requests by construction,
 * spread only by the circuit breaker's trials, is left out of the cycles' peaks; the refreshes
 * after it are what the spread is for. The bound for any one second is {@code 1.5 × N / (W/2)},
 * W the refresh-ahead window in seconds; the Poisson yardstick is the peak second to expect if
 * the N refreshes fell independently at random over W/2 seconds, which random spreading cannot
 * beat. Invariants, per run: no caller blocks and no call fails outside the outage (a provider
 * waits only for its first token and, in the outage, until its first token after it), no token
 * is handed out past its expiry, requests at the endpoint equal refreshes (a refused connection
 * never reaches it).
 *
 * <p>Every time in a run has the step's resolution: a provider refreshes at the first step after
 * its refresh point, so providers whose phases fall in the same step refresh together in every
 * cycle. With 30-minute tokens a 1 s step holds the later cycles' peaks at the first one's and
 * clumps the refreshes after the outage (whose timing follows from the phase); 250 ms steps
 * resolve them. The circuit breaker's clock advances by the simulated step or by the real time
 * between two of its readings, whichever is more (the client's, so that a wall clock set back
 * cannot hold it open): where a step takes longer in real time than its length, as in the scaled
 * outage on a busy machine, breakers stay open for less simulated time than configured, so the
 * outage's counts of failed fetches, and how closely the recovery keeps together, depend on the
 * machine.
 *
 * <pre>java -cp benchmarks.jar io.github.poaauth.benchmarks.FleetSimulation [--providers=1000]
 *     [--lifetime-s=60] [--lifetimes=5] [--step-ms=250] [--scenario=start,outage]
 *     [--outage-s=max(120, lifetime)] [--out=DIR]</pre>
 * Prints the tables and writes {@code fleet.md}, {@code fleet.svg} (requests per second over
 * time, one panel per scenario, jitter off and on, the bound) and {@code fleet.csv} (the same
 * counts) to {@code --out}.
 */
public final class FleetSimulation {

  /** What makes every provider fetch at once. */
  enum Scenario {
    START, OUTAGE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A run's settings: POA's defaults scaled to the lifetime. */
  record Setup(int providers, Duration lifetime, int lifetimes, Duration step, Duration outage) {

    static Setup of(int providers, Duration lifetime, int lifetimes, Duration step) {
      Duration twoMinutes = Duration.ofMinutes(2);
      return new Setup(providers, lifetime, lifetimes, step,
          lifetime.compareTo(twoMinutes) > 0 ? lifetime : twoMinutes);
    }

    Duration refreshAhead() {
      return lifetime.dividedBy(6);
    }

    Duration expirySkew() {
      return lifetime.dividedBy(60);
    }

    Duration breakerOpen() {
      return lifetime.dividedBy(60);
    }

    /** The fleet settles for two lifetimes before the outage. */
    Duration settle() {
      return lifetime.multipliedBy(2);
    }

    /** Half the refresh-ahead window W, in seconds: the span a fleet's refreshes spread over. */
    double spreadSeconds() {
      long l = lifetime.toMillis();
      long skew = Math.min(expirySkew().toMillis(), l / 10);
      return Math.max(Math.min(refreshAhead().toMillis(), l / 2), skew) / 2000.0;
    }

    /** The most requests in any one second of a cycle: 1.5 × N / (W/2). */
    double bound() {
      return 1.5 * providers / spreadSeconds();
    }

    /** The Poisson yardstick for the bound: N requests at random over W/2 seconds. */
    int poissonPeak() {
      int bins = (int) Math.round(spreadSeconds());
      return FleetSimulation.poissonPeak((double) providers / bins, bins);
    }
  }

  /** What happened while providers waited for the endpoint to come back. */
  record Outage(int failedFetches, int refusedByBreaker, int failedCalls) {
  }

  /**
   * What one run measured; seconds count from the fleet's start.
   *
   * @param syncSecond the synchronising moment's second (t0)
   * @param syncEnd the second of the last fetch of a provider that had no token at t0
   * @param syncFetches those fetches: N if every provider had to fetch
   * @param earliestRefresh the earliest any background refresh started, in lifetimes after the
   *     request of the token it replaces was sent
   */
  record Result(Scenario scenario, boolean jitter, Setup setup, int[] perSecond, int syncSecond,
      int syncEnd, int syncFetches, int requests, int refreshes, double earliestRefresh,
      int blocking, int failedCalls, int expiredHandedOut, Outage outage) {

    /** The highest requests in one second of each cycle, the synchronising fetch left out. */
    int[] cyclePeaks() {
      int length = (int) setup.lifetime().toSeconds();
      int[] peaks = new int[setup.lifetimes()];
      for (int k = 0; k < peaks.length; k++) {
        int to = Math.min(syncSecond + (k + 1) * length, perSecond.length);
        for (int s = Math.max(syncSecond + k * length, syncEnd + 1); s < to; s++) {
          peaks[k] = Math.max(peaks[k], perSecond[s]);
        }
      }
      return peaks;
    }

    /** The most requests in one second of the synchronising fetch. */
    int syncPeak() {
      return Arrays.stream(perSecond, syncSecond, syncEnd + 1).max().orElse(0);
    }

    int highestCyclePeak() {
      return Arrays.stream(cyclePeaks()).max().orElse(0);
    }

    /** Requests from t0 on, over all cycles, the synchronising fetch included. */
    int requestsOverCycles() {
      int to = Math.min(syncSecond + setup.lifetimes() * (int) setup.lifetime().toSeconds(),
          perSecond.length);
      return Arrays.stream(perSecond, syncSecond, to).sum();
    }

    boolean invariantsHold() {
      return blocking == 0 && failedCalls == 0 && expiredHandedOut == 0 && requests == refreshes;
    }

    String run() {
      return "refreshJitter " + (jitter ? "on" : "off");
    }
  }

  /**
   * The median of the largest of {@code bins} Poisson counts with mean {@code lambda}: the peak
   * one second would show if the requests came from independent services at random.
   */
  static int poissonPeak(double lambda, int bins) {
    double logPmf = -lambda;
    double cdf = Math.exp(logPmf);
    int k = 0;
    while (Math.pow(cdf, bins) < 0.5) {
      k++;
      logPmf += Math.log(lambda / k);
      cdf += Math.exp(logPmf);
    }
    return k;
  }

  /**
   * Counts the providers' events. Every event comes on the harness's thread: refreshes run
   * inline, blocking ones on the caller's thread.
   */
  private static final class Tally {
    final long syncAt;
    /** Per provider: may it wait for a token (none since the start, or since the outage)? */
    final boolean[] mayWait;
    /** Per provider: when the request of its current token was sent. */
    final long[] issuedAt;
    long lastSyncFetch;
    long earliestRefresh = Long.MAX_VALUE;
    int syncFetches;
    int refreshes;
    int blocking;
    int failedFetches;
    int refused;

    Tally(int providers, long syncAt) {
      this.syncAt = syncAt;
      this.lastSyncFetch = syncAt;
      this.mayWait = new boolean[providers];
      this.issuedAt = new long[providers];
      Arrays.fill(mayWait, true);
    }

    void on(int i, PoaTokenEvent event, long now) {
      if (event instanceof PoaTokenEvent.RefreshStarted s) {
        if (s.background()) {
          earliestRefresh = Math.min(earliestRefresh, now - issuedAt[i]);
        } else if (!mayWait[i]) {
          blocking++;
        }
      } else if (event instanceof PoaTokenEvent.RefreshSucceeded s) {
        refreshes++;
        issuedAt[i] = now;
        if (!s.background() && mayWait[i] && now >= syncAt) {
          syncFetches++;
          lastSyncFetch = now;
        }
        mayWait[i] = false;
      } else if (event instanceof PoaTokenEvent.RefreshFailed) {
        failedFetches++;
      } else if (event instanceof PoaTokenEvent.RefreshRefused) {
        refused++;
      }
    }
  }

  private FleetSimulation() {
  }

  static Result run(Scenario scenario, boolean jitter, Setup setup) throws Exception {
    Instant start = Instant.parse("2026-11-29T09:00:00Z");
    long t0 = start.toEpochMilli();
    boolean outage = scenario == Scenario.OUTAGE;
    long outageStart = outage ? t0 + setup.settle().toMillis() : Long.MAX_VALUE;
    long syncAt = outage ? outageStart + setup.outage().toMillis() : t0;
    long end = syncAt + setup.lifetime().multipliedBy(setup.lifetimes()).toMillis();
    TestClock clock = TestClock.at(start); // shared by the sandbox and all providers
    Tally tally = new Tally(setup.providers(), syncAt);
    int expired = 0;
    int failedCalls = 0;
    int outageFailedCalls = 0;
    List<PoaTokenProvider> fleet = new ArrayList<>();
    try (PoaSandbox sandbox = PoaSandbox.builder().tokenLifetime(setup.lifetime()).clock(clock)
        .start()) {
      for (int i = 0; i < setup.providers(); i++) {
        int index = i;
        fleet.add(PoaTokenProvider.builder()
            .name("pod-" + i)
            .baseUrl(sandbox.baseUrl())
            .clientId(PoaSandbox.DEFAULT_CLIENT_ID)
            .clientSecret(PoaSandbox.DEFAULT_CLIENT_SECRET)
            .clock(clock)
            .refreshAhead(setup.refreshAhead())
            .expirySkew(setup.expirySkew())
            .circuitBreaker(50, 10, 3, setup.breakerOpen())
            .retry(1, Duration.ofMillis(200), Duration.ofSeconds(5))
            .refreshJitter(jitter)
            .executor(Runnable::run)
            .listener(event -> tally.on(index, event, clock.millis()))
            .build());
      }
      boolean down = false;
      while (clock.millis() < end) {
        long now = clock.millis();
        if (!down && now >= outageStart && now < syncAt) {
          sandbox.faults().refuseConnections();
          Arrays.fill(tally.mayWait, true);
          down = true;
        } else if (down && now >= syncAt) {
          sandbox.faults().acceptConnections();
          down = false;
        }
        for (int i = 0; i < fleet.size(); i++) {
          try {
            if (!fleet.get(i).token().expiresAt().isAfter(clock.instant())) {
              expired++;
            }
          } catch (PoaAuthException e) {
            if (tally.mayWait[i]) {
              outageFailedCalls++;
            } else {
              failedCalls++;
            }
          }
        }
        clock.advance(setup.step());
      }
      int[] perSecond = new int[(int) ((end - t0 + 999) / 1000)];
      for (RecordedRequest r : sandbox.recordedRequests()) {
        int second = (int) Duration.between(start, r.receivedAt()).toSeconds();
        if (second >= 0 && second < perSecond.length) {
          perSecond[second]++;
        }
      }
      double earliest = tally.earliestRefresh == Long.MAX_VALUE ? Double.NaN
          : (double) tally.earliestRefresh / setup.lifetime().toMillis();
      return new Result(scenario, jitter, setup, perSecond, (int) ((syncAt - t0) / 1000),
          (int) ((tally.lastSyncFetch - t0) / 1000), tally.syncFetches,
          sandbox.tokenRequestCount(), tally.refreshes, earliest, tally.blocking, failedCalls,
          expired, outage ? new Outage(tally.failedFetches, tally.refused, outageFailedCalls)
              : null);
    } finally {
      fleet.forEach(PoaTokenProvider::close);
    }
  }

  /** Requests per second over time: one panel per scenario, jitter off and on, the bound. */
  static String svg(List<Result> results) {
    Map<Scenario, List<Result>> byScenario = results.stream()
        .collect(Collectors.groupingBy(Result::scenario, LinkedHashMap::new, Collectors.toList()));
    int width = 900;
    int panelHeight = 320;
    StringBuilder sb = new StringBuilder();
    sb.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n", width, panelHeight * byScenario.size()));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    int top = 0;
    for (List<Result> panel : byScenario.values()) {
      panel(sb, panel, top, width, panelHeight);
      top += panelHeight;
    }
    return sb.append("</svg>\n").toString();
  }

  private static void panel(StringBuilder sb, List<Result> results, int top, int width,
      int height) {
    Result first = results.get(0);
    Setup setup = first.setup();
    int left = 60;
    int right = width - 40;
    int axisY = top + height - 40;
    int plotTop = top + 70;
    int seconds = first.perSecond().length;
    // Twice the bound: the bound in the middle, a fleet refreshing in one second clipped.
    double max = Math.ceil(2 * setup.bound());
    double xs = (double) (right - left) / seconds;
    double ys = (axisY - plotTop) / max;
    String title = first.scenario() == Scenario.START
        ? format("start: %d services deployed in the same second", setup.providers())
        : format("outage: the same fleet, connections refused for %d s (grey), then all fetch",
            setup.outage().toSeconds());
    sb.append(format("<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s (token requests per "
        + "second, %d s tokens)</text>%n", left, top + 18, title, setup.lifetime().toSeconds()));
    if (first.scenario() == Scenario.OUTAGE) {
      double x = left + setup.settle().toSeconds() * xs;
      sb.append(format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#e5e5e5\"/>%n",
          x, plotTop, setup.outage().toSeconds() * xs, axisY - plotTop));
    }
    sb.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
        left, axisY, right, axisY));
    sb.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
        left, plotTop, left, axisY));
    sb.append(format("<text x=\"5\" y=\"%d\">%.0f/s</text>%n", plotTop + 5, max));
    sb.append(format("<text x=\"5\" y=\"%d\">0</text>%n", axisY));
    for (int t = 0; t <= seconds; t += (int) setup.lifetime().toSeconds()) {
      sb.append(format("<text x=\"%.1f\" y=\"%d\">%d s</text>%n", left + t * xs - 10, axisY + 18,
          t));
    }
    double boundY = axisY - setup.bound() * ys;
    sb.append(format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\" "
        + "stroke-dasharray=\"6,4\"/>%n", left, boundY, right, boundY));
    sb.append(format("<text x=\"%d\" y=\"%.1f\">bound 1.5 × N / (W/2) = %.0f/s</text>%n",
        right - 180, boundY - 4, setup.bound()));
    String[] colours = {"#c0392b", "#2471a3"};
    int i = 0;
    for (Result r : results) {
      String colour = colours[r.jitter() ? 1 : 0];
      StringBuilder points = new StringBuilder();
      for (int s = 0; s < r.perSecond().length; s++) {
        points.append(format("%.1f,%.1f ", left + (s + 0.5) * xs,
            axisY - Math.min(r.perSecond()[s], max) * ys));
      }
      sb.append(format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" "
          + "points=\"%s\"/>%n", colour, points.toString().trim()));
      int peak = r.highestCyclePeak();
      sb.append(format("<text x=\"%d\" y=\"%d\" fill=\"%s\">%s: busiest second of cycles 1 to "
          + "%d: %d/s%s; %d requests in them</text>%n", left, top + 38 + 16 * i, colour, r.run(),
          setup.lifetimes(), peak, peak > max ? " (clipped)" : "", r.requestsOverCycles()));
      i++;
    }
  }

  /** Requests per second, one column per run, for a closer look than the plot's. */
  static String csv(List<Result> results) {
    StringBuilder sb = new StringBuilder("second");
    results.forEach(r -> sb.append(',').append(r.scenario().label()).append(' ').append(r.run()));
    int seconds = results.stream().mapToInt(r -> r.perSecond().length).max().orElse(0);
    for (int s = 0; s < seconds; s++) {
      sb.append('\n').append(s);
      for (Result r : results) {
        sb.append(',').append(s < r.perSecond().length ? Integer.toString(r.perSecond()[s]) : "");
      }
    }
    return sb.append('\n').toString();
  }

  static String tables(List<Result> results) {
    Setup setup = results.get(0).setup();
    StringBuilder sb = new StringBuilder();
    sb.append(format("%d providers, %d s tokens, %d lifetimes from the synchronising moment, step "
        + "%d ms; refresh ahead %s, expiry skew %s, circuit breaker open at most %s; outage: "
        + "connections refused for %d s, from %d s (after %d s of settling).%n%n",
        setup.providers(), setup.lifetime().toSeconds(), setup.lifetimes(),
        setup.step().toMillis(), seconds(setup.refreshAhead()), seconds(setup.expirySkew()),
        seconds(setup.breakerOpen()), setup.outage().toSeconds(), setup.settle().toSeconds(),
        setup.settle().toSeconds()));
    sb.append(format("Half the refresh-ahead window W/2 = %s s; bound 1.5 × %d / %s = **%.1f** "
        + "requests in any second; Poisson yardstick (%d requests at random over %s s): **%d**."
        + "%n%n", number(setup.spreadSeconds()), setup.providers(), number(setup.spreadSeconds()),
        setup.bound(), setup.providers(), number(setup.spreadSeconds()), setup.poissonPeak()));
    sb.append("| scenario | run | synchronising fetch: fetches / seconds from t0 to the last "
        + "/ most in one second "
        + "| peak second per cycle, 1 to " + setup.lifetimes() + " | within the bound "
        + "| requests over " + setup.lifetimes() + " lifetimes | on / off |\n"
        + "|---|---|--:|--:|---|--:|--:|\n");
    for (Result r : results) {
      Result off = results.stream().filter(o -> o.scenario() == r.scenario() && !o.jitter())
          .findFirst().orElse(null);
      sb.append(format("| %s | %s | %d / %d / %d | %s | %s | %d | %s |%n", r.scenario().label(),
          r.run(), r.syncFetches(), r.syncEnd() - r.syncSecond() + 1, r.syncPeak(),
          Arrays.stream(r.cyclePeaks()).mapToObj(Integer::toString)
              .collect(Collectors.joining(" / ")),
          r.highestCyclePeak() <= setup.bound() ? "yes" : "**no**", r.requestsOverCycles(),
          r.jitter() && off != null
              ? format("%.3f", (double) r.requestsOverCycles() / off.requestsOverCycles()) : ""));
    }
    sb.append("\n| scenario | run | earliest refresh (of the lifetime) | blocking calls after "
        + "a token | failed calls outside the outage | expired handed out | requests / refreshes "
        + "| outage: failed fetches / refused by the breaker / failed calls |\n"
        + "|---|---|--:|--:|--:|--:|--:|--:|\n");
    for (Result r : results) {
      Outage o = r.outage();
      sb.append(format("| %s | %s | %.3f | %d | %d | %d | %d / %d | %s |%n", r.scenario().label(),
          r.run(), r.earliestRefresh(), r.blocking(), r.failedCalls(), r.expiredHandedOut(),
          r.requests(), r.refreshes(), o == null ? "" : format("%d / %d / %d", o.failedFetches(),
              o.refusedByBreaker(), o.failedCalls())));
    }
    sb.append("\nCycle k is the k-th lifetime after the synchronising moment (the start; the "
        + "outage's end). Its peak leaves out the synchronising fetch (every provider without a "
        + "token then, N requests by construction, spread only by the circuit breaker's trials: "
        + "the third column). *Earliest refresh*: the earliest a "
        + "background refresh started, after the request of the token it replaces was sent.\n");
    return sb.toString();
  }

  private static String seconds(Duration d) {
    return number(d.toMillis() / 1000.0) + " s";
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : format("%.2f", value);
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>(Map.of("providers", "1000", "lifetime-s", "60",
        "lifetimes", "5", "step-ms", "250", "scenario", "start,outage", "outage-s", "",
        "out", "poa-auth-benchmarks/target/bench-run"));
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2 || !opts.containsKey(kv[0])) {
        System.err.println("unknown option " + arg + "; options: " + opts.keySet());
        System.exit(2);
      }
      opts.put(kv[0], kv[1]);
    }
    // Every provider's first failed refresh in the outage would log a warning.
    System.setProperty("org.slf4j.simpleLogger.log.io.github.poaauth", "error");
    Setup setup = Setup.of(Integer.parseInt(opts.get("providers")),
        Duration.ofSeconds(Long.parseLong(opts.get("lifetime-s"))),
        Integer.parseInt(opts.get("lifetimes")),
        Duration.ofMillis(Long.parseLong(opts.get("step-ms"))));
    if (!opts.get("outage-s").isEmpty()) {
      setup = new Setup(setup.providers(), setup.lifetime(), setup.lifetimes(), setup.step(),
          Duration.ofSeconds(Long.parseLong(opts.get("outage-s"))));
    }
    List<Result> results = new ArrayList<>();
    for (String name : opts.get("scenario").split(",")) {
      Scenario scenario = Scenario.valueOf(name.trim().toUpperCase(Locale.ROOT));
      for (boolean jitter : new boolean[] {false, true}) {
        long started = System.nanoTime();
        results.add(run(scenario, jitter, setup));
        System.err.printf(Locale.ROOT, "%s, refreshJitter %s: %.0f s%n", scenario.label(),
            jitter ? "on" : "off", (System.nanoTime() - started) / 1e9);
      }
    }
    String tables = tables(results);
    System.out.print(tables);
    Path out = Path.of(opts.get("out"));
    Files.createDirectories(out);
    Files.writeString(out.resolve("fleet.md"), tables, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("fleet.svg"), svg(results), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("fleet.csv"), csv(results), StandardCharsets.UTF_8);
    for (Result r : results) {
      if (!r.invariantsHold()) {
        System.err.println("invariant broken: " + r);
        System.exit(1);
      }
    }
  }
}
