package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.TestClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 virtual threads asking one provider for a token at once, on Java 21+ (the JDK 25 line
 * of .ci/matrix; compiled for release 21 in profile jdk-25 only): on a cold cache, across a
 * refresh boundary with a slow endpoint, and through {@code tokenAsync()} composed on a
 * virtual-thread executor. Each time: one token request, every call done within the call
 * timeout, no carrier thread pinned (JFR {@code jdk.VirtualThreadPinned}, any duration, read back
 * from a recording of the scenario), and after {@code close()} no poa-auth thread at work (the
 * shared pools' idle threads end after their keep-alive; VirtualThreadsHarness waits for that).
 *
 * <p>Time: the refresh boundary is crossed on an injected clock; callers start together on a
 * latch; the only real-time bound is the configured call timeout. Figures (time for the 10,000
 * calls, against platform threads) come from poa-auth-benchmarks' VirtualThreadsHarness, not
 * from here.
 */
class VirtualThreadsTest {

  private static final int CALLERS = 10_000;
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
  /** The sandbox's latency fault: callers wait on the one request while it is in flight. */
  private static final Duration SLOW = Duration.ofMillis(500);
  private static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);
  private static final String PINNED = "jdk.VirtualThreadPinned";
  /** The shared pools' threads (internal.SharedThreads): the only poa-auth threads allowed. */
  private static final Pattern SHARED_THREAD = Pattern.compile("poa-auth-(refresh|http)-\\d+");
  /** Their most: 4 refresh threads and 4 HTTP threads, whatever the number of providers. */
  private static final int SHARED_THREADS_AT_MOST = 8;

  @TempDir
  Path dir;

  private PoaSandbox sandbox;
  private Recording recording;

  /**
   * Runs each path of the scenarios once on this (platform) thread first, so that the client's
   * classes are loaded and initialized before anything is recorded. The first thread to load or
   * initialize a class holds a class-loading lock or waits for another thread's initializer,
   * and a virtual thread doing that still pins its carrier on JDK 25 (JEP 491 unpinned
   * {@code synchronized}, not class loading): sub-millisecond and once per class per JVM, not a
   * caller waiting for a token. VirtualThreadsHarness reports those first-use pins on a cold JVM.
   */
  @BeforeAll
  static void loadTheClientsClasses() throws Exception {
    TestClock clock = TestClock.at(Instant.parse("2026-12-01T09:00:00Z"));
    CountDownLatch refreshed = new CountDownLatch(2);
    try (PoaSandbox warm = PoaSandbox.builder().start();
        ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
        PoaTokenProvider tokens = PoaTokenProvider.builder().baseUrl(warm.baseUrl())
            .clientId(warm.defaultClientId()).clientSecret(warm.defaultClientSecret())
            .callTimeout(CALL_TIMEOUT).clock(clock).refreshAhead(REFRESH_AHEAD)
            .refreshJitter(false).listener(event -> {
              if (event instanceof PoaTokenEvent.RefreshSucceeded) {
                refreshed.countDown();
              }
            }).build();
        PoaTokenProvider async = PoaTokenProvider.builder().baseUrl(warm.baseUrl())
            .clientId(warm.defaultClientId()).clientSecret(warm.defaultClientSecret())
            .callTimeout(CALL_TIMEOUT).executor(virtualThreads).build()) {
      AccessToken first = tokens.token();
      tokens.token();
      clock.advance(first.lifetime().minus(REFRESH_AHEAD).plusSeconds(1));
      tokens.token();
      assertThat(refreshed.await(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      clock.advance(first.lifetime().plusSeconds(1));
      tokens.token();
      async.tokenAsync().thenApplyAsync(token -> token, virtualThreads)
          .get(CALL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      async.tokenAsync().get(CALL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  @BeforeEach
  void startSandboxAndRecording() {
    sandbox = PoaSandbox.builder().start();
    recording = new Recording();
    // Every pinned park, however short (the event's default threshold is 20 ms).
    recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
    recording.start();
  }

  @AfterEach
  void stop() {
    recording.close();
    sandbox.close();
  }

  @Test
  void coldCache_tenThousandVirtualThreads_oneRequest() throws Exception {
    sandbox.faults().latency(SLOW);
    Calls calls;
    try (PoaTokenProvider tokens = builder().build()) {
      calls = onVirtualThreads(tokens::token);
    }

    calls.assertAllSucceededWithin(CALL_TIMEOUT);
    assertThat(calls.distinctValues()).hasSize(1);
    assertThat(sandbox.tokenRequestCount()).isEqualTo(1);
    assertNoCarrierPinned();
    assertOnlySharedPoaAuthThreads();
  }

  @Test
  void acrossTheRefreshBoundary_slowEndpoint_oneRequestEachTime() throws Exception {
    TestClock clock = TestClock.at(Instant.parse("2026-12-01T10:00:00Z"));
    CountDownLatch refreshed = new CountDownLatch(2); // the first token, then the refresh
    Calls ahead;
    Calls expired;
    AccessToken first;
    try (PoaTokenProvider tokens = builder().clock(clock).refreshAhead(REFRESH_AHEAD)
        .refreshJitter(false).listener(event -> {
          if (event instanceof PoaTokenEvent.RefreshSucceeded) {
            refreshed.countDown();
          }
        }).build()) {
      first = tokens.token();
      sandbox.faults().latency(SLOW);

      // Into the refresh-ahead window: every caller gets the cached token without waiting; one
      // background request fetches the next.
      clock.advance(first.lifetime().minus(REFRESH_AHEAD).plusSeconds(1));
      ahead = onVirtualThreads(tokens::token);
      assertThat(refreshed.await(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      assertThat(sandbox.tokenRequestCount()).isEqualTo(2);

      // Past the expiry of the refreshed token: all 10,000 wait for one slow request.
      clock.advance(first.lifetime().plusSeconds(1));
      expired = onVirtualThreads(tokens::token);
    }

    ahead.assertAllSucceededWithin(CALL_TIMEOUT);
    assertThat(ahead.distinctValues()).containsExactly(first.value());
    expired.assertAllSucceededWithin(CALL_TIMEOUT);
    assertThat(expired.distinctValues()).hasSize(1).doesNotContain(first.value());
    assertThat(sandbox.tokenRequestCount()).isEqualTo(3);
    assertNoCarrierPinned();
    assertOnlySharedPoaAuthThreads();
  }

  @Test
  void tokenAsync_composedOnAVirtualThreadExecutor_oneRequest() throws Exception {
    sandbox.faults().latency(SLOW);
    Calls calls;
    try (ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor()) {
      // The provider's own requests run on virtual threads too.
      try (PoaTokenProvider tokens = builder().executor(virtualThreads).build()) {
        calls = onVirtualThreads(() -> tokens.tokenAsync()
            .thenApplyAsync(token -> {
              assertThat(Thread.currentThread().isVirtual()).isTrue();
              return token;
            }, virtualThreads)
            .get(CALL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS));
      }
    }

    calls.assertAllSucceededWithin(CALL_TIMEOUT);
    assertThat(calls.distinctValues()).hasSize(1);
    assertThat(sandbox.tokenRequestCount()).isEqualTo(1);
    assertNoCarrierPinned();
    assertOnlySharedPoaAuthThreads();
  }

  /** The recording is not blind: a virtual thread parked in a class initializer pins. */
  @Test
  void theRecording_seesACarrierPinnedByAClassInitializer() throws Exception {
    Thread.ofVirtual().start(ParksWhileInitializing::touch).join();

    assertThat(pinnedEvents()).isNotEmpty();
  }

  private PoaTokenProvider.Builder builder() {
    return PoaTokenProvider.builder()
        .baseUrl(sandbox.baseUrl())
        .clientId(sandbox.defaultClientId())
        .clientSecret(sandbox.defaultClientSecret())
        .callTimeout(CALL_TIMEOUT);
  }

  /**
   * Runs {@code call} on {@link #CALLERS} virtual threads that start it together, and waits for
   * them all (at most twice the call timeout: each call has one).
   */
  private static Calls onVirtualThreads(Callable<AccessToken> call) throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(CALLERS);
    CountDownLatch go = new CountDownLatch(1);
    AccessToken[] tokens = new AccessToken[CALLERS];
    long[] nanos = new long[CALLERS];
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>(CALLERS);
    for (int i = 0; i < CALLERS; i++) {
      int caller = i;
      threads.add(Thread.ofVirtual().name("caller-" + i).start(() -> {
        ready.countDown();
        try {
          go.await();
          long start = System.nanoTime();
          tokens[caller] = call.call();
          nanos[caller] = System.nanoTime() - start;
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    ready.await();
    go.countDown();
    long deadline = System.nanoTime() + CALL_TIMEOUT.multipliedBy(2).toNanos();
    for (Thread thread : threads) {
      thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
    long running = threads.stream().filter(Thread::isAlive).count();
    assertThat(running).as("callers still running after twice the call timeout").isZero();
    return new Calls(tokens, nanos, List.copyOf(failures));
  }

  private record Calls(AccessToken[] tokens, long[] nanos, List<Throwable> failures) {
    void assertAllSucceededWithin(Duration callTimeout) {
      assertThat(failures).as("failed calls").isEmpty();
      assertThat(tokens).doesNotContainNull().hasSize(CALLERS);
      long slowest = Arrays.stream(nanos).max().orElseThrow();
      assertThat(Duration.ofNanos(slowest)).as("the slowest of %d calls", CALLERS)
          .isLessThan(callTimeout);
    }

    List<String> distinctValues() {
      return Arrays.stream(tokens).map(AccessToken::value).distinct().toList();
    }
  }

  private void assertNoCarrierPinned() throws IOException {
    List<RecordedEvent> pinned = pinnedEvents();
    assertThat(pinned).as("%s events:%n%s", PINNED, pinned).isEmpty();
  }

  private List<RecordedEvent> pinnedEvents() throws IOException {
    recording.stop();
    Path file = dir.resolve("pinned.jfr");
    recording.dump(file);
    return RecordingFile.readAllEvents(file).stream()
        .filter(event -> event.getEventType().getName().equals(PINNED))
        .toList();
  }

  /**
   * After {@code close()}: no thread of this provider's own and none per caller is left, and no
   * poa-auth thread runs any poa-auth code. What may remain are the threads of the pools every
   * provider in the JVM shares (internal.SharedThreads: at most 4 + 4, daemon), idle in their
   * pool's queue, which end after 30 s idle. A pool thread may still be returning from its last
   * task when {@code close()} returns: it has until the call timeout to be idle.
   */
  private static void assertOnlySharedPoaAuthThreads() {
    long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
    List<String> atWork = poaAuthThreadsAtWork();
    while (!atWork.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      atWork = poaAuthThreadsAtWork();
    }
    assertThat(atWork).as("poa-auth threads at work after close()").isEmpty();
    assertThat(poaAuthThreads()).extracting(Thread::getName)
        .allMatch(name -> SHARED_THREAD.matcher(name).matches(), "a shared pool's thread")
        .hasSizeLessThanOrEqualTo(SHARED_THREADS_AT_MOST);
  }

  /** poa-auth threads that are not a shared pool's, or that have poa-auth code on their stack. */
  private static List<String> poaAuthThreadsAtWork() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(thread -> thread.getKey().getName().startsWith("poa-auth"))
        .filter(thread -> !SHARED_THREAD.matcher(thread.getKey().getName()).matches()
            || Arrays.stream(thread.getValue())
                .anyMatch(frame -> frame.getClassName().startsWith("io.github.poaauth.")))
        .map(thread -> thread.getKey().getName() + " " + Arrays.toString(thread.getValue()))
        .toList();
  }

  private static List<Thread> poaAuthThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("poa-auth"))
        .collect(Collectors.toList());
  }

  private static final class ParksWhileInitializing {
    static {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }

    static void touch() {
    }
  }
}
