package io.github.poaauth.benchmarks;

import io.github.poaauth.client.PoaTokenEvent;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.TestClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * N providers in one JVM (a partner with many client registrations, a multi-tenant gateway):
 * threads, heap per provider, and the latency of their background refreshes when all fall due
 * at once, for N = 1, 10, 100, 1000 by default. Every provider uses the defaults (the shared
 * refresh pool, the shared HTTP client) against one sandbox; a stepped clock moves all of them
 * into their refresh-ahead window together, the worst case for a shared pool.
 *
 * <pre>java -cp benchmarks.jar io.github.poaauth.benchmarks.ManyProviders [--counts=1,10,100,1000]</pre>
 */
public final class ManyProviders {

  /** One row. */
  record Row(int providers, int threads, long heapPerProviderBytes, long refreshP50Micros,
      long refreshMaxMicros, long allRefreshedMillis) {
  }

  private ManyProviders() {
  }

  static Row measure(int n) throws Exception {
    TestClock clock = TestClock.at(Instant.parse("2026-11-29T09:00:00Z"));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    ConcurrentLinkedQueue<Duration> durations = new ConcurrentLinkedQueue<>();
    CountDownLatch refreshed = new CountDownLatch(n);
    List<PoaTokenProvider> providers = new ArrayList<>();
    try (PoaSandbox sandbox = PoaSandbox.builder().clock(clock).start()) {
      System.gc();
      long heapBefore = memory.getHeapMemoryUsage().getUsed();
      for (int i = 0; i < n; i++) {
        providers.add(PoaTokenProvider.builder()
            .name("tenant-" + i)
            .baseUrl(sandbox.baseUrl())
            .clientId(PoaSandbox.DEFAULT_CLIENT_ID)
            .clientSecret(PoaSandbox.DEFAULT_CLIENT_SECRET)
            .clock(clock)
            .refreshJitter(false)
            .listener(event -> {
              if (event instanceof PoaTokenEvent.RefreshSucceeded s && s.background()) {
                durations.add(s.duration());
                refreshed.countDown();
              }
            })
            .build());
      }
      for (PoaTokenProvider p : providers) {
        p.token();
      }
      System.gc();
      long heapPerProvider = (memory.getHeapMemoryUsage().getUsed() - heapBefore) / n;
      clock.advance(Duration.ofMinutes(26)); // every token in its refresh-ahead window
      long start = System.nanoTime();
      for (PoaTokenProvider p : providers) {
        p.token(); // returns the cached token, starts the background refresh
      }
      int threads = maxThreadsUntil(refreshed, Duration.ofSeconds(120));
      long allRefreshed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (refreshed.getCount() != 0) {
        throw new IllegalStateException(refreshed.getCount() + " of " + n + " not refreshed");
      }
      long[] micros = durations.stream().mapToLong(d -> d.toNanos() / 1000).sorted().toArray();
      return new Row(n, threads, heapPerProvider, micros[micros.length / 2],
          micros[micros.length - 1], allRefreshed);
    } finally {
      providers.forEach(PoaTokenProvider::close);
    }
  }

  /** The most provider threads (the shared refresh and HTTP pools) alive while the refreshes run. */
  private static int maxThreadsUntil(CountDownLatch done, Duration limit) throws InterruptedException {
    int max = 0;
    long deadline = System.nanoTime() + limit.toNanos();
    do {
      int now = (int) Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.isAlive() && (t.getName().startsWith("poa-auth-refresh-")
              || t.getName().startsWith("poa-auth-http-"))).count();
      max = Math.max(max, now);
    } while (!done.await(5, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline);
    return max;
  }

  static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder("| providers | poa-auth threads (max while all refresh) | heap "
        + "per provider | background refresh p50 / max | all refreshed after |\n|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %d | %d | %.1f KiB | %.1f ms / %.1f ms | %d ms |%n",
          r.providers(), r.threads(), r.heapPerProviderBytes() / 1024.0,
          r.refreshP50Micros() / 1000.0, r.refreshMaxMicros() / 1000.0, r.allRefreshedMillis()));
    }
    return sb.toString();
  }

  public static void main(String[] args) throws Exception {
    int[] counts = {1, 10, 100, 1000};
    for (String arg : args) {
      if (arg.startsWith("--counts=")) {
        counts = Arrays.stream(arg.substring("--counts=".length()).split(","))
            .mapToInt(Integer::parseInt).toArray();
      } else {
        System.err.println("unknown option " + arg + "; use --counts=1,10,100,1000");
        System.exit(2);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int n : counts) {
      rows.add(measure(n));
    }
    System.out.print(table(rows));
  }
}
