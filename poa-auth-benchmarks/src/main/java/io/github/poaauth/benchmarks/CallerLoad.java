package io.github.poaauth.benchmarks;

import io.github.poaauth.client.AccessToken;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * N threads calling a token source as request threads would, each recording the latency of
 * every call, until told to stop or until they have seen a given number of new tokens.
 *
 * <p>A caller's loop allocates nothing of its own (its histogram is sized up front), so what it
 * measures is the source and the machine. Only when a thread sees a token object it did not see
 * on its previous call does it touch shared state, to count distinct tokens.
 */
final class CallerLoad {
  /** Latencies above this are recorded as this; a call that long is a failed run anyway. */
  static final long MAX_RECORDED_NANOS = TimeUnit.MINUTES.toNanos(2);
  private static final long MS = 1_000_000L;

  private final Supplier<AccessToken> source;
  private final long pauseNanos;
  private final long skewNanos;
  private final List<Caller> callers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch start = new CountDownLatch(1);
  /** Tokens seen by any caller, by value; the ones known before the run are put in first. */
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger newTokens = new AtomicInteger();
  private final CountDownLatch enoughNewTokens;
  /** Read by every caller on every loop; written once, by {@link #stop()}. */
  private volatile boolean stopped;
  private long startedNanos;
  private long elapsedNanos;
  private long gcCountBefore;
  private long gcMillisBefore;
  private long gcCount;
  private long gcMillis;

  /**
   * @param pauseNanos parked between calls by each thread; 0 for back-to-back calls
   * @param skew the source's expiry skew: it hands a token out only while it has at least this
   *     long to live, so a call that returns a token already past expiry yet took less than
   *     this cannot be explained by the caller having been descheduled
   * @param known tokens issued before the run, not counted as new
   * @param newTokensWanted {@link #awaitNewTokens} returns once callers have seen this many
   *     tokens not in {@code known}
   */
  CallerLoad(Supplier<AccessToken> source, int threads, long pauseNanos, Duration skew,
      Set<String> known, int newTokensWanted) {
    this.source = source;
    this.pauseNanos = pauseNanos;
    this.skewNanos = skew.toNanos();
    this.seen.addAll(known);
    this.enoughNewTokens = new CountDownLatch(Math.max(newTokensWanted, 0));
    for (int i = 0; i < threads; i++) {
      Caller caller = new Caller();
      Thread thread = new Thread(caller, "caller-" + i);
      thread.setDaemon(true);
      callers.add(caller);
      this.threads.add(thread);
    }
  }

  /**
   * Starts the callers on a freshly collected heap, so that no collection during the run is
   * owed to garbage from before it (the previous run's histograms, say); collections that still
   * happen are counted.
   */
  void start() {
    threads.forEach(Thread::start);
    System.gc();
    gcCountBefore = gcCount();
    gcMillisBefore = gcMillis();
    startedNanos = System.nanoTime();
    start.countDown();
  }

  /** @return whether enough new tokens were seen before the timeout */
  boolean awaitNewTokens(long timeoutMillis) throws InterruptedException {
    return enoughNewTokens.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Stops every caller and waits for them; the results are complete afterwards. */
  void stop() throws InterruptedException {
    stopped = true;
    elapsedNanos = System.nanoTime() - startedNanos;
    for (Thread thread : threads) {
      thread.join();
    }
    gcCount = gcCount() - gcCountBefore;
    gcMillis = gcMillis() - gcMillisBefore;
  }

  private static long gcCount() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(c -> c > 0).sum();
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
  }

  int newTokensSeen() {
    return newTokens.get();
  }

  long elapsedMillis() {
    return elapsedNanos / MS;
  }

  /** The callers' results merged; call after {@link #stop()}. */
  Totals totals() {
    Histogram all = new Histogram(MAX_RECORDED_NANOS, 3);
    Totals t = new Totals();
    for (Caller c : callers) {
      all.add(c.histogram);
      t.add(c);
    }
    t.histogram = all;
    t.gcCount = gcCount;
    t.gcMillis = gcMillis;
    return t;
  }

  /** What a caller counts; merged over all callers by {@link #add(Counts)}. */
  static class Counts {
    long calls;
    long over1ms;
    long over10ms;
    long over100ms;
    long pastExpiry;
    /** Of {@link #pastExpiry}, the calls that took less than the skew: the source's fault. */
    long pastExpiryInShortCalls;
    long errors;
    long maxNanos;

    void add(Counts other) {
      calls += other.calls;
      over1ms += other.over1ms;
      over10ms += other.over10ms;
      over100ms += other.over100ms;
      pastExpiry += other.pastExpiry;
      pastExpiryInShortCalls += other.pastExpiryInShortCalls;
      errors += other.errors;
      maxNanos = Math.max(maxNanos, other.maxNanos);
    }
  }

  /** Merged results of all callers. */
  static final class Totals extends Counts {
    Histogram histogram;
    /** Garbage collections during the run, and their accumulated time. */
    long gcCount;
    long gcMillis;
  }

  private void onTokenChanged(AccessToken token) {
    if (seen.add(token.value())) {
      newTokens.incrementAndGet();
      enoughNewTokens.countDown();
    }
  }

  /** One request thread. Its fields are read by the harness only after the thread has ended. */
  private final class Caller extends Counts implements Runnable {
    final Histogram histogram = new Histogram(MAX_RECORDED_NANOS, 3);

    @Override
    public void run() {
      try {
        start.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      AccessToken previous = null;
      while (!stopped) {
        long t0 = System.nanoTime();
        AccessToken token;
        try {
          token = source.get();
        } catch (RuntimeException e) {
          errors++;
          pause();
          continue;
        }
        // The same clock the provider decides expiry by, read once the call has returned and
        // before the call's end time: a caller descheduled in between shows as a long call.
        long returnedAtMillis = System.currentTimeMillis();
        long latency = System.nanoTime() - t0;
        calls++;
        histogram.recordValue(Math.min(latency, MAX_RECORDED_NANOS));
        if (latency > maxNanos) {
          maxNanos = latency;
        }
        if (latency > MS) {
          over1ms++;
          if (latency > 10 * MS) {
            over10ms++;
            if (latency > 100 * MS) {
              over100ms++;
            }
          }
        }
        if (returnedAtMillis >= token.expiresAt().toEpochMilli()) {
          pastExpiry++;
          if (latency < skewNanos) {
            pastExpiryInShortCalls++;
          }
        }
        if (token != previous) {
          previous = token;
          onTokenChanged(token);
        }
        pause();
      }
    }

    private void pause() {
      if (pauseNanos > 0) {
        LockSupport.parkNanos(pauseNanos);
      }
    }
  }
}
