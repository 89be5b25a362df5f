package io.github.poaauth.benchmarks;

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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fleet of N services deployed in the same second, each with its own provider, against one
 * sandbox, over several token lifetimes: how many token requests per second the endpoint sees,
 * with and without refresh jitter. Time is simulated (one clock shared by the sandbox and every
 * provider, stepped by the harness), so three 5-minute lifetimes take seconds; the HTTP requests
 * are real, on loopback.
 *
 * <p>Each step, every service calls {@code token()} once, as a service that serves traffic
 * does; refreshes run inline ({@code executor(Runnable::run)}) so they land in the step that
 * started them. Checked invariants, per run: no caller blocks after its first token (no
 * non-background refresh after the start), every provider refreshes before its token is due
 * (no token handed out past its expiry), requests at the endpoint equal refreshes.
 *
 * <pre>java -cp benchmarks.jar io.github.poaauth.benchmarks.FleetSimulation
 *     [--providers=1000] [--lifetime-s=60] [--lifetimes=3] [--step-ms=250] [--out=DIR]</pre>
 * Prints a table and writes {@code fleet.svg} (requests per second over time, both runs) and
 * {@code fleet.md} to {@code --out}.
 */
public final class FleetSimulation {

  /** What one run measured. */
  record Result(boolean jitter, int providers, int[] perSecond, int requests, int refreshes,
      int blockingAfterStart, int expiredHandedOut, int initialSecondRequests) {

    /** Peak requests in one second, after the first second (the initial fetch). */
    int peak() {
      return Arrays.stream(perSecond, 1, perSecond.length).max().orElse(0);
    }

    /** Mean requests per second after the first second. */
    double mean() {
      return Arrays.stream(perSecond, 1, perSecond.length).average().orElse(0);
    }

    double peakToMean() {
      return mean() == 0 ? 0 : peak() / mean();
    }

    /** Peak over mean of requests per 10 s, after the first second. */
    double peakToMean10s() {
      int bins = (perSecond.length - 1) / 10;
      int[] sums = new int[bins];
      for (int b = 0; b < bins; b++) {
        sums[b] = Arrays.stream(perSecond, 1 + 10 * b, 11 + 10 * b).sum();
      }
      double mean = Arrays.stream(sums).average().orElse(0);
      return mean == 0 ? 0 : Arrays.stream(sums).max().orElse(0) / mean;
    }

    /**
     * The peak one second would show if the same requests came from independent services at a
     * perfectly even rate: the median of the largest of {@code n} Poisson counts with this mean.
     * Randomly spread services cannot do better than this; it is the yardstick for the peak.
     */
    int evenRandomPeak() {
      double lambda = mean();
      int n = perSecond.length - 1;
      double pmf = Math.exp(-lambda);
      double cdf = pmf;
      int k = 0;
      while (Math.pow(cdf, n) < 0.5) {
        k++;
        pmf *= lambda / k;
        cdf += pmf;
      }
      return k;
    }
  }

  private FleetSimulation() {
  }

  static Result run(boolean jitter, int providers, Duration lifetime, int lifetimes, Duration step)
      throws Exception {
    Instant start = Instant.parse("2026-11-29T09:00:00Z");
    TestClock clock = TestClock.at(start); // shared by the sandbox and all providers
    AtomicInteger refreshes = new AtomicInteger();
    AtomicInteger blocking = new AtomicInteger();
    AtomicInteger expired = new AtomicInteger();
    List<PoaTokenProvider> fleet = new ArrayList<>();
    try (PoaSandbox sandbox = PoaSandbox.builder().tokenLifetime(lifetime).clock(clock).start()) {
      for (int i = 0; i < providers; i++) {
        fleet.add(PoaTokenProvider.builder()
            .name("pod-" + i)
            .baseUrl(sandbox.baseUrl())
            .clientId(PoaSandbox.DEFAULT_CLIENT_ID)
            .clientSecret(PoaSandbox.DEFAULT_CLIENT_SECRET)
            .clock(clock)
            .refreshAhead(lifetime.dividedBy(6))
            .refreshJitter(jitter)
            .executor(Runnable::run)
            .listener(event -> {
              if (event instanceof PoaTokenEvent.RefreshSucceeded) {
                refreshes.incrementAndGet();
              } else if (event instanceof PoaTokenEvent.RefreshStarted s && !s.background()
                  && clock.millis() > start.toEpochMilli()) {
                blocking.incrementAndGet();
              }
            })
            .build());
      }
      long end = start.plus(lifetime.multipliedBy(lifetimes)).toEpochMilli();
      while (clock.millis() < end) {
        for (PoaTokenProvider p : fleet) {
          if (!p.token().expiresAt().isAfter(clock.instant())) {
            expired.incrementAndGet();
          }
        }
        clock.advance(step);
      }
      int seconds = (int) Duration.ofMillis(end - start.toEpochMilli()).toSeconds() + 1;
      int[] perSecond = new int[seconds];
      for (RecordedRequest r : sandbox.recordedRequests()) {
        int second = (int) Duration.between(start, r.receivedAt()).toSeconds();
        if (second >= 0 && second < seconds) {
          perSecond[second]++;
        }
      }
      return new Result(jitter, providers, perSecond, sandbox.tokenRequestCount(),
          refreshes.get(), blocking.get(), expired.get(), perSecond[0]);
    } finally {
      fleet.forEach(PoaTokenProvider::close);
    }
  }

  /** Requests per second over time, one polyline per run. */
  static String svg(List<Result> results, Duration lifetime) {
    int width = 900;
    int height = 360;
    int left = 60;
    int bottom = 40;
    int seconds = results.get(0).perSecond().length;
    // Scaled to three times the lowest peak, so a spread-out run stays readable next to one whose
    // whole fleet refreshes in one second; higher values are drawn clipped at the top and named.
    int max = Math.max(1, 3 * results.stream().mapToInt(Result::peak).min().orElse(1));
    double xs = (double) (width - left - 20) / seconds;
    double ys = (double) (height - bottom - 30) / max;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        + "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\">Token requests per second at the "
        + "endpoint, %d services deployed in the same second, %d s tokens (first second, the "
        + "initial fetch, cut off)</text>%n", left, results.get(0).providers(), lifetime.toSeconds()));
    int axisY = height - bottom;
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
        left, axisY, width - 20, axisY));
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
        left, left, axisY));
    sb.append(String.format(Locale.ROOT, "<text x=\"5\" y=\"35\">%d/s</text>%n", max));
    sb.append(String.format(Locale.ROOT, "<text x=\"5\" y=\"%d\">0</text>%n", axisY));
    for (int t = 0; t <= seconds; t += (int) lifetime.toSeconds()) {
      double x = left + t * xs;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%d s</text>%n", x - 10, axisY + 18, t));
    }
    String[] colours = {"#c0392b", "#2471a3"};
    int i = 0;
    for (Result r : results) {
      StringBuilder points = new StringBuilder();
      for (int s = 1; s < r.perSecond().length; s++) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + s * xs,
            axisY - Math.min(r.perSecond()[s], max) * ys));
      }
      sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
          + "points=\"%s\"/>%n", colours[i], points.toString().trim()));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s: peak %d/s%s, mean "
          + "%.1f/s, peak/mean %.2f</text>%n", width - 540, 40 + 16 * i, colours[i],
          r.jitter() ? "refreshJitter on (after)" : "refreshJitter off (before)", r.peak(),
          r.peak() > max ? " (clipped)" : "", r.mean(), r.peakToMean()));
      i++;
    }
    return sb.append("</svg>\n").toString();
  }

  static String table(List<Result> results, Duration lifetime, int lifetimes, Duration step) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%d providers, %d s tokens, %d lifetimes, step %d ms%n%n",
        results.get(0).providers(), lifetime.toSeconds(), lifetimes, step.toMillis()));
    sb.append("| run | peak req/s | mean req/s | peak/mean | even random fleet's peak (Poisson) "
        + "| peak/mean per 10 s | requests | refreshes | blocking after start | expired handed out "
        + "|\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Result r : results) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %d | %.2f | %d | %d | %d | %d |%n",
          r.jitter() ? "refreshJitter on (after)" : "refreshJitter off (before)", r.peak(),
          r.mean(), r.peakToMean(), r.evenRandomPeak(), r.peakToMean10s(), r.requests(),
          r.refreshes(), r.blockingAfterStart(), r.expiredHandedOut()));
    }
    sb.append("\nPeak and mean count the seconds after the first (the first second is the fleet's "
        + "initial fetch, one request per service whatever the settings). The Poisson column is "
        + "the peak second to expect if the same number of requests came from independent "
        + "services at a perfectly even rate (median of the largest of that many Poisson "
        + "counts): random spreading cannot beat it.\n");
    return sb.toString();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>(Map.of("providers", "1000", "lifetime-s", "60",
        "lifetimes", "3", "step-ms", "250", "out", "poa-auth-benchmarks/target/bench-run"));
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2 || !opts.containsKey(kv[0])) {
        System.err.println("unknown option " + arg + "; options: " + opts.keySet());
        System.exit(2);
      }
      opts.put(kv[0], kv[1]);
    }
    int providers = Integer.parseInt(opts.get("providers"));
    Duration lifetime = Duration.ofSeconds(Long.parseLong(opts.get("lifetime-s")));
    int lifetimes = Integer.parseInt(opts.get("lifetimes"));
    Duration step = Duration.ofMillis(Long.parseLong(opts.get("step-ms")));
    List<Result> results = List.of(run(false, providers, lifetime, lifetimes, step),
        run(true, providers, lifetime, lifetimes, step));
    String table = table(results, lifetime, lifetimes, step);
    System.out.print(table);
    Path out = Path.of(opts.get("out"));
    Files.createDirectories(out);
    Files.writeString(out.resolve("fleet.md"), table, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("fleet.svg"), svg(results, lifetime), StandardCharsets.UTF_8);
    for (Result r : results) {
      if (r.blockingAfterStart() != 0 || r.expiredHandedOut() != 0 || r.requests() != r.refreshes()) {
        System.err.println("invariant broken: " + r);
        System.exit(1);
      }
    }
  }
}
