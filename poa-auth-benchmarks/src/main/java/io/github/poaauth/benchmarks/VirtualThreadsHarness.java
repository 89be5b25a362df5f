package io.github.poaauth.benchmarks;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * 10,000 callers asking one provider for a token at once, on virtual threads and, for
 * comparison, on as many platform threads; prints one table row per scenario and thread kind.
 * Needs Java 21 or later for the virtual threads (this module is built for release 17, so they
 * are reached reflectively: {@code Thread.ofVirtual()}, {@code newVirtualThreadPerTaskExecutor}).
 *
 * <pre>
 * $JAVA_HOME/bin/java -cp poa-auth-benchmarks/target/benchmarks.jar \
 *     io.github.poaauth.benchmarks.VirtualThreadsHarness --callers=10000 --latency-ms=200 \
 *     --rounds=5 --markdown=out.md
 * </pre>
 *
 * <h2>Scenarios</h2>
 * Against {@code poa-auth-sandbox} on loopback with its latency fault ({@code --latency-ms}), all
 * callers started first and released together by a latch:
 * <ul>
 *   <li>cold: a new provider, nothing cached: every caller waits for the one token request;</li>
 *   <li>expired: a provider whose token has expired on its (injected) clock, refresh-ahead off:
 *       every caller waits for the one refresh;</li>
 *   <li>async: a new provider whose executor, and the callers' composition
 *       ({@code tokenAsync().thenApplyAsync(..., executor)}), are of the same thread kind: a
 *       virtual thread per task, or a cached pool of platform threads.</li>
 * </ul>
 * <em>All calls</em> is the time from releasing the callers to the last one's return (median of
 * the rounds, after one untimed round); <em>start</em> is the time to start the callers and have
 * them all waiting. <em>Requests</em> counts the sandbox's token requests in each round (one is
 * single flight). <em>Pinned</em> counts JFR {@code jdk.VirtualThreadPinned} events of any
 * duration in the timed rounds, and in brackets those of the untimed first round (a carrier is
 * pinned while a virtual thread loads or initializes a class: once per class per JVM). After the
 * last provider is closed, the harness waits for the poa-auth threads to end (the shared pools'
 * keep-alive) and prints how many are left.
 */
public final class VirtualThreadsHarness {

  private static final String PINNED = "jdk.VirtualThreadPinned";

  /** The thread kinds compared. */
  enum Kind {
    VIRTUAL, PLATFORM;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The scenarios. */
  enum Scenario {
    COLD, EXPIRED, ASYNC;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  record Config(int callers, Duration latency, int rounds, Duration callTimeout, Path markdown) {
  }

  record Row(Scenario scenario, Kind kind, long medianMillis, long minMillis, long maxMillis,
      long startMillis, long slowestCallMillis, Set<Integer> requests, int failures, int pinned,
      int firstRoundPinned) {
  }

  private VirtualThreadsHarness() {
  }

  public static void main(String[] args) throws Exception {
    int callers = 10_000;
    Duration latency = Duration.ofMillis(200);
    int rounds = 5;
    Path markdown = null;
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--callers=")) {
        callers = Integer.parseInt(value);
      } else if (arg.startsWith("--latency-ms=")) {
        latency = Duration.ofMillis(Long.parseLong(value));
      } else if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(value);
      } else if (arg.startsWith("--markdown=")) {
        markdown = Path.of(value);
      } else {
        System.err.println("unknown argument " + arg
            + " (--callers=N --latency-ms=N --rounds=N --markdown=FILE)");
        System.exit(2);
      }
    }
    if (Runtime.version().feature() < 21) {
      System.err.println("VirtualThreadsHarness needs Java 21 or later; this is "
          + Runtime.version());
      System.exit(2);
    }
    Config config = new Config(callers, latency, rounds, Duration.ofSeconds(30), markdown);
    List<Row> rows = new ArrayList<>();
    try (PoaSandbox sandbox = PoaSandbox.builder().start()) {
      sandbox.faults().latency(latency);
      for (Scenario scenario : Scenario.values()) {
        for (Kind kind : Kind.values()) {
          Row row = run(config, sandbox, scenario, kind);
          rows.add(row);
          System.err.println(line(row));
        }
      }
    }
    List<String> left = awaitPoaAuthThreadsEnd(Duration.ofSeconds(45));
    String table = table(config, rows, left);
    System.out.println(table);
    if (markdown != null) {
      Files.writeString(markdown, table, StandardCharsets.UTF_8);
    }
  }

  private static Row run(Config config, PoaSandbox sandbox, Scenario scenario, Kind kind)
      throws Exception {
    long[] millis = new long[config.rounds()];
    long start = 0;
    long slowest = 0;
    Set<Integer> requests = new HashSet<>();
    int failures = 0;
    int pinned = 0;
    int firstRoundPinned = 0;
    for (int round = -1; round < config.rounds(); round++) {
      Path file = Files.createTempFile("poa-auth-vt", ".jfr");
      try (Recording recording = new Recording()) {
        recording.enable(PINNED).withThreshold(Duration.ZERO);
        recording.start();
        Measured m = once(config, sandbox, scenario, kind);
        recording.stop();
        recording.dump(file);
        int events = (int) RecordingFile.readAllEvents(file).stream()
            .map(RecordedEvent::getEventType).filter(type -> type.getName().equals(PINNED))
            .count();
        if (round < 0) {
          firstRoundPinned = events;
          continue;
        }
        pinned += events;
        millis[round] = m.allMillis();
        start = Math.max(start, m.startMillis());
        slowest = Math.max(slowest, m.slowestCallMillis());
        requests.add(m.requests());
        failures += m.failures();
      } finally {
        Files.deleteIfExists(file);
      }
    }
    long[] sorted = millis.clone();
    Arrays.sort(sorted);
    return new Row(scenario, kind, sorted[sorted.length / 2], sorted[0],
        sorted[sorted.length - 1], start, slowest, requests, failures, pinned, firstRoundPinned);
  }

  record Measured(long allMillis, long startMillis, long slowestCallMillis, int requests,
      int failures) {
  }

  private static Measured once(Config config, PoaSandbox sandbox, Scenario scenario, Kind kind)
      throws Exception {
    ExecutorService executor = kind == Kind.VIRTUAL ? virtualThreadPerTaskExecutor()
        : Executors.newCachedThreadPool();
    TestClock clock = TestClock.at(Instant.parse("2026-12-01T10:00:00Z"));
    PoaTokenProvider.Builder builder = PoaTokenProvider.builder().baseUrl(sandbox.baseUrl())
        .clientId(sandbox.defaultClientId()).clientSecret(sandbox.defaultClientSecret())
        .callTimeout(config.callTimeout()).refreshJitter(false).clock(clock);
    if (scenario == Scenario.ASYNC) {
      builder.executor(executor);
    }
    if (scenario == Scenario.EXPIRED) {
      builder.refreshAhead(Duration.ZERO);
    }
    try (PoaTokenProvider tokens = builder.build()) {
      if (scenario == Scenario.EXPIRED) {
        AccessToken first = tokens.token();
        clock.advance(first.lifetime().plusSeconds(1));
      }
      int before = sandbox.tokenRequestCount();
      Callable<AccessToken> call = scenario == Scenario.ASYNC
          ? () -> tokens.tokenAsync().thenApplyAsync(token -> token, executor)
              .get(config.callTimeout().toNanos(), TimeUnit.NANOSECONDS)
          : tokens::token;
      Measured m = callTogether(config, kind, call);
      return new Measured(m.allMillis(), m.startMillis(), m.slowestCallMillis(),
          sandbox.tokenRequestCount() - before, m.failures());
    } finally {
      executor.shutdown();
      executor.awaitTermination(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static Measured callTogether(Config config, Kind kind, Callable<AccessToken> call)
      throws InterruptedException {
    int n = config.callers();
    ThreadFactory threads = kind == Kind.VIRTUAL ? virtualThreadFactory() : Thread::new;
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    long[] nanos = new long[n];
    AtomicInteger failures = new AtomicInteger();
    List<Thread> started = new ArrayList<>(n);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      int caller = i;
      Thread thread = threads.newThread(() -> {
        ready.countDown();
        try {
          go.await();
          long s = System.nanoTime();
          call.call();
          nanos[caller] = System.nanoTime() - s;
        } catch (Exception e) {
          failures.incrementAndGet();
        }
      });
      thread.start();
      started.add(thread);
    }
    ready.await();
    long t1 = System.nanoTime();
    go.countDown();
    for (Thread thread : started) {
      thread.join();
    }
    long t2 = System.nanoTime();
    long slowest = Arrays.stream(nanos).max().orElse(0);
    return new Measured(TimeUnit.NANOSECONDS.toMillis(t2 - t1),
        TimeUnit.NANOSECONDS.toMillis(t1 - t0), TimeUnit.NANOSECONDS.toMillis(slowest), 0,
        failures.get());
  }

  /** Waits up to {@code limit} for every poa-auth thread to end; returns those still alive. */
  private static List<String> awaitPoaAuthThreadsEnd(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("poa-auth")) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    }
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(name -> name.startsWith("poa-auth")).sorted().toList();
  }

  private static String line(Row row) {
    return String.format(Locale.ROOT, "%-8s %-8s all calls %6d ms (min %d, max %d), start %d ms,"
            + " slowest call %d ms, requests/round %s, failures %d, pinned %d (first round %d)",
        row.scenario().label(), row.kind().label(), row.medianMillis(), row.minMillis(),
        row.maxMillis(), row.startMillis(), row.slowestCallMillis(), row.requests(),
        row.failures(), row.pinned(), row.firstRoundPinned());
  }

  private static String table(Config config, List<Row> rows, List<String> left) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%d callers, token endpoint latency %d ms, %d timed "
            + "rounds after one untimed, call timeout %d s; %s %s%n%n", config.callers(),
        config.latency().toMillis(), config.rounds(), config.callTimeout().toSeconds(),
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version")));
    out.append("| scenario | threads | all calls, median (min-max) | start | slowest call "
        + "| requests per round | failed calls | pinned (first round) |\n");
    out.append("|---|---|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      out.append(String.format(Locale.ROOT, "| %s | %s | %d ms (%d-%d) | %d ms | %d ms | %s "
              + "| %d | %s |%n", row.scenario().label(), row.kind().label(), row.medianMillis(),
          row.minMillis(), row.maxMillis(), row.startMillis(), row.slowestCallMillis(),
          row.requests().size() == 1 ? row.requests().iterator().next() : row.requests(),
          row.failures(), row.kind() == Kind.VIRTUAL
              ? row.pinned() + " (" + row.firstRoundPinned() + ")" : "-"));
    }
    out.append(String.format(Locale.ROOT, "%npoa-auth threads alive after the last close() and "
        + "the shared pools' keep-alive: %d%s%n", left.size(), left.isEmpty() ? "" : " " + left));
    return out.toString();
  }

  private static ThreadFactory virtualThreadFactory() {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory")
          .invoke(builder);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need Java 21 or later", e);
    }
  }

  private static ExecutorService virtualThreadPerTaskExecutor() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
          .invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need Java 21 or later", e);
    }
  }
}
