package io.github.poaauth.client;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every provider in a JVM shares, so that N providers cost O(1) threads: daemon
 * threads (never keep a JVM alive), named for thread dumps, ending after 30 s idle so that an
 * idle JVM holds none.
 *
 * <p>Two pools, never one: a refresh thread blocks while it waits for the HTTP exchange, which
 * needs a thread of the HTTP client's pool to complete; sharing them could starve both.
 *
 */
final class SharedThreads {
  /** Background refreshes of all providers at most run this many at a time; more wait in line. */
  static final int REFRESH_THREADS = 4;

  /**
   * The shared HTTP clients' asynchronous work (completing exchanges; their I/O runs on each
   * client's one selector thread) at most runs on this many threads, whatever the number of
   * providers and callers. Its tasks never wait for a refresh, so a bound cannot deadlock.
   */
  static final int HTTP_THREADS = 4;

  private static final ExecutorService REFRESH = bounded("poa-auth-refresh", REFRESH_THREADS);
  private static final ExecutorService HTTP = bounded("poa-auth-http", HTTP_THREADS);

  private SharedThreads() {
  }

  /** @return the pool that runs background refreshes when the partner gives no executor */
  static ExecutorService refresh() {
    return REFRESH;
  }

  /** @return the pool of the HTTP clients' asynchronous work */
  static ExecutorService http() {
    return HTTP;
  }

  private static ExecutorService bounded(String name, int threads) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), factory(name));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static ThreadFactory factory(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
