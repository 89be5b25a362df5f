package io.github.poaauth.client.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread pools a provider owns: daemon threads (never keep a JVM alive), named for thread
 * dumps, and ending when idle so an unused provider holds no thread.
 *
 * <p>Unsupported API: this package may change without notice.
 */
public final class DaemonThreads {
  private DaemonThreads() {
  }

  /** A pool that grows on demand and lets threads end after 30 s idle. */
  public static ExecutorService cachedPool(String name) {
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), factory(name));
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
