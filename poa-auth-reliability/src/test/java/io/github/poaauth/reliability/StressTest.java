package io.github.poaauth.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaAuthException;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 64 threads call token() a fixed number of times while the sandbox cycles through healthy,
 * slow, failing and down phases with 2-second tokens; bounded in count, loopback only.
 *
 * <p>Two providers share the load, one client id each, so the sandbox counts their requests
 * apart: the <em>counted</em> one runs its background refreshes on an executor of the test's
 * and counts every refresh where it starts (its listener: blocking callers fetch on their own
 * thread), for the bound "requests &le; refresh runs &times; attempts"; the <em>owning</em> one
 * uses the defaults (the refresh pool and HTTP client shared by every provider in the JVM).
 * After close(), no thread may still run provider code: not its own, not a shared pool's
 * worker (idle shared workers, parked in their pool, are not running it).
 */
@Tag("reliability")
@ExtendWith(ReliabilityReport.class)
class StressTest {
  static final String SECTION = "3 Stress run";
  static final int THREADS = 64;
  static final int CALLS_PER_THREAD = 1200;
  static final Duration PHASE = Duration.ofMillis(1000);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
  /** A caller may wait the call timeout; twice that is beyond any scheduling delay of a loaded machine. */
  static final Duration DEADLINE = CALL_TIMEOUT.multipliedBy(2);
  static final Duration OPEN_STATE = Duration.ofMillis(500);
  static final int ATTEMPTS = 3;
  static final String COUNTED = "stress-counted";
  static final String OWNING = "stress-owning";

  /** Counts the refresh tasks the provider starts. */
  static final class CountingExecutor implements java.util.concurrent.Executor {
    final AtomicInteger runs = new AtomicInteger();
    final ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "stress-refresh");
      t.setDaemon(true);
      return t;
    });

    @Override
    public void execute(Runnable task) {
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
    Set<String> untypedTypes = ConcurrentHashMap.newKeySet();
    AtomicInteger overCallTimeout = new AtomicInteger();
    AtomicInteger overDeadline = new AtomicInteger();
    java.util.concurrent.Semaphore progress = new java.util.concurrent.Semaphore(0);
    List<String> phaseLog = new ArrayList<>();
    // The breakers' open state runs on this clock: recovery jumps it instead of sleeping.
    AdjustableClock breakerClock = new AdjustableClock();

    try (PoaSandbox server = PoaSandbox.builder().client(COUNTED, SecurityTest.SECRET)
        .client(OWNING, SecurityTest.SECRET).tokenLifetime(Duration.ofSeconds(2)).start()) {
      PoaTokenProvider counted = builder(server, COUNTED, breakerClock).executor(refreshes)
          .listener(event -> {
            if (event instanceof io.github.poaauth.client.PoaTokenEvent.RefreshStarted) {
              refreshes.runs.incrementAndGet();
            }
          })
          .build();
      PoaTokenProvider owning = builder(server, OWNING, breakerClock).build();
      List<PoaTokenProvider> providers = List.of(counted, owning);
      ExecutorService callers = Executors.newFixedThreadPool(THREADS);
      CyclicBarrier start = new CyclicBarrier(THREADS + 1);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        PoaTokenProvider tokens = providers.get(i % 2);
        done.add(callers.submit(() -> {
          start.await();
          for (int c = 0; c < CALLS_PER_THREAD; c++) {
            long t0 = System.nanoTime();
            // The phase driver moves the clock concurrently: a token must be valid at the moment
            // the call began (the provider hands one out for at least its expiry skew).
            Instant asked = breakerClock.instant();
            try {
              AccessToken token = tokens.token();
              if (!asked.isBefore(token.expiresAt())) {
                expiredHandedOut.incrementAndGet();
              }
              tokensReturned.incrementAndGet();
            } catch (PoaAuthException e) {
              failuresByType.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
            } catch (RuntimeException e) {
              untypedFailures.incrementAndGet();
              untypedTypes.add(e.toString());
            }
            long waited = System.nanoTime() - t0;
            if (waited > CALL_TIMEOUT.toNanos()) {
              overCallTimeout.incrementAndGet();
            }
            if (waited > DEADLINE.toNanos()) {
              overDeadline.incrementAndGet();
            }
            progress.release();
          }
          return null;
        }));
      }
      start.await();
      // The phases follow the callers' progress, not the wall clock: each phase lasts an eighth
      // of all calls, then the provider's clock moves on by one phase, so that tokens of 2 s
      // age and expire however fast or slow this machine is.
      String[] phases = {"healthy", "slow", "failing", "down"};
      int calls = THREADS * CALLS_PER_THREAD;
      int callsPerPhase = calls / 8;
      for (int made = 0, p = 0; made < calls; made += callsPerPhase, p++) {
        String phase = phases[p % phases.length];
        phaseLog.add(phase);
        switch (phase) {
          case "healthy" -> server.faults().acceptConnections().otherwise(Reply.token());
          case "slow" -> server.faults().otherwise(Reply.token().delayed(Duration.ofMillis(400)));
          case "failing" -> server.faults().otherwise(Reply.json(503, "{}"));
          default -> server.faults().refuseConnections();
        }
        progress.acquire(Math.min(callsPerPhase, calls - made));
        breakerClock.jump(PHASE);
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }

      // Recovery: the endpoint is healthy again, and an open breaker's wait is over (its clock
      // jumps past it); every caller gets a valid token.
      server.faults().acceptConnections().otherwise(Reply.token());
      breakerClock.jump(OPEN_STATE.plusMillis(1));
      List<Future<AccessToken>> recovered = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        recovered.add(callers.submit(providers.get(i % 2)::token));
      }
      int recoveredCount = 0;
      for (Future<AccessToken> f : recovered) {
        AccessToken t = f.get(1, TimeUnit.MINUTES);
        if (breakerClock.instant().isBefore(t.expiresAt())) {
          recoveredCount++;
        }
      }
      callers.shutdownNow();

      counted.close();
      owning.close();
      refreshes.pool.shutdownNow();
      // A refresh the close() interrupted ends within the call timeout: the counted provider's
      // own pool then has no thread left.
      boolean poolEnded = refreshes.pool.awaitTermination(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      int countedRequests = server.tokenRequestCount(COUNTED);
      int requests = server.tokenRequestCount();
      long countedTokens = server.recordedRequests().stream()
          .filter(r -> r.isTokenRequest() && r.clientId().filter(COUNTED::equals).isPresent())
          .filter(r -> r.responseStatus().orElse(0) == 200)
          .count();
      int runs = refreshes.runs.get();
      ReliabilityReport.note(SECTION, String.format(
          "%d threads × %d calls (%d calls, no pause) on two providers, tokens of "
              + "2 s, phases of an eighth of the calls each cycling healthy → slow → failing → down, "
              + "the provider's clock moved %d ms after each (%d phases this run).%n%n"
              + "| figure | value |%n|---|---|%n"
              + "| calls that returned a token | %d |%n| calls that failed, by type | %s |%n"
              + "| untyped failures | %d |%n| tokens handed out past expiry | %d |%n"
              + "| calls that waited longer than the call timeout (%d ms) | %d |%n"
              + "| calls that waited longer than twice the call timeout | %d |%n"
              + "| counted provider: refresh runs / requests / tokens issued | %d / %d / %d (bound: requests ≤ runs × %d) |%n"
              + "| callers with a valid token after recovery | %d of %d |%n"
              + "| threads still running provider code after close() | %d |",
          THREADS, CALLS_PER_THREAD, calls, PHASE.toMillis(), phaseLog.size(),
          tokensReturned.get(), new java.util.TreeMap<>(failuresByType), untypedFailures.get(),
          expiredHandedOut.get(), CALL_TIMEOUT.toMillis(), overCallTimeout.get(), overDeadline.get(),
          runs, countedRequests, countedTokens, ATTEMPTS, recoveredCount, THREADS, poolEnded ? 0 : 1));
      boolean held = untypedFailures.get() == 0 && expiredHandedOut.get() == 0
          && countedRequests <= runs * ATTEMPTS && recoveredCount == THREADS && poolEnded;
      ReliabilityReport.record(new ReliabilityReport.Row(SECTION, "64 threads across all phases",
          "tokens valid when returned, or typed errors within twice the call timeout; no thread left",
          held ? "held" : "VIOLATED", requests, "≤ 2 × call timeout per call", held ? "within" : "—"));

      assertThat(untypedFailures).as("untyped failures: %s", untypedTypes).hasValue(0);
      assertThat(expiredHandedOut).hasValue(0);
      assertThat(tokensReturned.get() + failuresByType.values().stream().mapToInt(AtomicInteger::get).sum())
          .isEqualTo(calls);
      assertThat(phaseLog).contains("healthy", "slow", "failing", "down");
      assertThat(countedRequests).isLessThanOrEqualTo(runs * ATTEMPTS);
      assertThat(countedTokens).isLessThanOrEqualTo(runs);
      assertThat(recoveredCount).isEqualTo(THREADS);
      assertThat(poolEnded).as("the counted provider's refresh pool ended after close()").isTrue();
    }
  }

  private static PoaTokenProvider.Builder builder(PoaSandbox server, String clientId, AdjustableClock breakerClock) {
    return FaultOutcomesTest.provider(server.baseUrl())
        .clientId(clientId)
        .connectTimeout(Duration.ofMillis(300))
        .readTimeout(Duration.ofSeconds(1))
        .callTimeout(CALL_TIMEOUT)
        .retry(ATTEMPTS, Duration.ofMillis(50), Duration.ofMillis(50))
        // The breaker's open state runs on the provider's clock: recovery jumps it.
        .clock(breakerClock)
        .circuitBreaker(50, 4, 2, OPEN_STATE);
  }

}
