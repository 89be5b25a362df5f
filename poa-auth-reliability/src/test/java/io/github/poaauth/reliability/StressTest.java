package io.github.poaauth.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaAuthException;
import io.github.poaauth.client.PoaTokenProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 64 threads call token() a fixed number of times while the endpoint cycles through healthy,
 * slow, failing and down phases with 2-second tokens; bounded in time and count, loopback only.
 */
@Tag("reliability")
@ExtendWith(ReliabilityReport.class)
class StressTest {
  static final String SECTION = "3 Stress run";
  static final int THREADS = 64;
  static final int CALLS_PER_THREAD = 1200;
  static final Duration PAUSE = Duration.ofMillis(5);
  static final Duration PHASE = Duration.ofMillis(1000);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
  static final int ATTEMPTS = 3;

  /** Counts the refresh tasks the provider starts. */
  static final class CountingExecutor implements java.util.concurrent.Executor {
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();
    final ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "stress-refresh");
      t.setDaemon(true);
      return t;
    });

    @Override
    public void execute(Runnable task) {
      runs.incrementAndGet();
      pool.execute(task);
    }
  }

  @Test
  void phasesOfHealthSlownessFailureAndOutage_invariantsHold() throws Exception {
    CountingExecutor refreshes = new CountingExecutor();
    Map<String, AtomicInteger> failuresByType = new ConcurrentHashMap<>();
    AtomicInteger tokensReturned = new AtomicInteger();
    AtomicInteger expiredHandedOut = new AtomicInteger();
    AtomicInteger untypedFailures = new AtomicInteger();
    AtomicInteger overDeadline = new AtomicInteger();
    AtomicLong maxWaitNanos = new AtomicLong();
    List<String> phaseLog = new ArrayList<>();

    try (FaultServer server = new FaultServer()) {
      server.tokenLifetime(2);
      PoaTokenProvider tokens = FaultInjectionTest.provider(server.baseUrl())
          .connectTimeout(Duration.ofMillis(300))
          .readTimeout(Duration.ofSeconds(1))
          .callTimeout(CALL_TIMEOUT)
          .maxAttempts(ATTEMPTS).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(50))
          .circuitBreakerWindow(4, 2).circuitBreakerOpenDuration(Duration.ofMillis(500))
          .executor(refreshes)
          // A blocking caller sends its request on its own thread: count refreshes where they
          // start, whichever thread runs them.
          .listener(event -> {
            if (event instanceof io.github.poaauth.client.PoaTokenEvent.RefreshStarted) {
              refreshes.started.incrementAndGet();
            }
          })
          .build();
      ExecutorService callers = Executors.newFixedThreadPool(THREADS);
      CyclicBarrier start = new CyclicBarrier(THREADS + 1);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        done.add(callers.submit(() -> {
          start.await();
          for (int c = 0; c < CALLS_PER_THREAD; c++) {
            long t0 = System.nanoTime();
            try {
              AccessToken token = tokens.token();
              if (!Instant.now().isBefore(token.expiresAt())) {
                expiredHandedOut.incrementAndGet();
              }
              tokensReturned.incrementAndGet();
            } catch (PoaAuthException e) {
              failuresByType.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
            } catch (RuntimeException e) {
              untypedFailures.incrementAndGet();
            }
            long waited = System.nanoTime() - t0;
            maxWaitNanos.accumulateAndGet(waited, Math::max);
            if (waited > CALL_TIMEOUT.plusMillis(500).toNanos()) {
              overDeadline.incrementAndGet();
            }
            LockSupport.parkNanos(PAUSE.toNanos());
          }
          return null;
        }));
      }
      long runStart = System.nanoTime();
      start.await();
      // The phases cycle until every caller has made its calls (bounded by the count).
      String[] phases = {"healthy", "slow", "failing", "down"};
      int p = 0;
      while (!done.stream().allMatch(Future::isDone) && System.nanoTime() - runStart < TimeUnit.SECONDS.toNanos(60)) {
        String phase = phases[p++ % phases.length];
        phaseLog.add(phase);
        switch (phase) {
          case "healthy" -> {
            server.up();
            server.otherwise(server.token());
          }
          case "slow" -> server.otherwise(FaultServer.delayed(Duration.ofMillis(400), server.token()));
          case "failing" -> server.otherwise(FaultServer.json(503, "{}"));
          default -> server.down();
        }
        Thread.sleep(PHASE.toMillis());
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.SECONDS);
      }
      long runMillis = Duration.ofNanos(System.nanoTime() - runStart).toMillis();

      // Recovery: the endpoint is healthy again; every caller gets a token.
      server.up();
      server.otherwise(server.token());
      Thread.sleep(600); // let an open breaker reach its trial call
      List<Future<AccessToken>> recovered = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        recovered.add(callers.submit(tokens::token));
      }
      int recoveredCount = 0;
      for (Future<AccessToken> f : recovered) {
        AccessToken t = f.get(10, TimeUnit.SECONDS);
        if (Instant.now().isBefore(t.expiresAt())) {
          recoveredCount++;
        }
      }
      callers.shutdownNow();

      tokens.close();
      refreshes.pool.shutdownNow();
      refreshes.pool.awaitTermination(5, TimeUnit.SECONDS);
      // Threads still running provider code after close(): the provider's own, or a shared pool's
      // worker busy for it (idle shared workers, parked in their pool, are not). An interrupted
      // refresh needs a moment to unwind: wait at most the call timeout for them to go.
      List<String> providerThreads = busyInProvider();
      long waitUntil = System.nanoTime() + CALL_TIMEOUT.toNanos();
      while (!providerThreads.isEmpty() && System.nanoTime() < waitUntil) {
        Thread.yield();
        providerThreads = busyInProvider();
      }

      int calls = THREADS * CALLS_PER_THREAD;
      int requests = server.requests();
      int runs = refreshes.started.get();
      ReliabilityReport.note(SECTION, String.format(
          "%d threads × %d calls (%d calls, %d ms pause between calls), tokens of 2 s, phases of %d ms "
              + "cycling %s; run took %d ms.%n%n"
              + "| figure | value |%n|---|---|%n"
              + "| calls that returned a token | %d |%n| calls that failed, by type | %s |%n"
              + "| untyped failures | %d |%n| tokens handed out past expiry | %d |%n"
              + "| longest wait of a call | %d ms (deadline: call timeout %d ms) |%n"
              + "| calls over the deadline + 500 ms | %d |%n"
              + "| refresh runs / server requests / tokens issued | %d / %d / %d (bound: requests ≤ runs × %d) |%n"
              + "| callers with a valid token after recovery | %d of %d |%n"
              + "| provider threads alive after close() | %d |",
          THREADS, CALLS_PER_THREAD, calls, PAUSE.toMillis(), PHASE.toMillis(), String.join(" → ", phaseLog),
          runMillis, tokensReturned.get(), failuresByType, untypedFailures.get(), expiredHandedOut.get(),
          TimeUnit.NANOSECONDS.toMillis(maxWaitNanos.get()), CALL_TIMEOUT.toMillis(), overDeadline.get(),
          runs, requests, server.tokensIssued(), ATTEMPTS, recoveredCount, THREADS, providerThreads.size()));
      ReliabilityReport.record(new ReliabilityReport.Row(SECTION, "64 threads across all phases",
          "tokens valid when returned or typed errors within the deadline", untypedFailures.get() == 0
              && expiredHandedOut.get() == 0 && overDeadline.get() == 0 ? "held" : "VIOLATED",
          requests, runMillis, "≤ 60 s"));

      assertThat(untypedFailures).hasValue(0);
      assertThat(expiredHandedOut).hasValue(0);
      assertThat(overDeadline).hasValue(0);
      assertThat(tokensReturned.get() + failuresByType.values().stream().mapToInt(AtomicInteger::get).sum())
          .isEqualTo(calls);
      assertThat(phaseLog).contains("healthy", "slow", "failing", "down");
      assertThat(requests).isLessThanOrEqualTo(runs * ATTEMPTS);
      assertThat(server.tokensIssued()).isLessThanOrEqualTo(runs);
      assertThat(recoveredCount).isEqualTo(THREADS);
      assertThat(providerThreads).isEmpty();
    }
  }

  private static List<String> busyInProvider() {
    Thread self = Thread.currentThread();
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey() != self && e.getKey().isAlive())
        .filter(e -> java.util.Arrays.stream(e.getValue())
            .anyMatch(f -> f.getClassName().startsWith("io.github.poaauth.client.")))
        .map(e -> e.getKey().getName()).toList();
  }
}
