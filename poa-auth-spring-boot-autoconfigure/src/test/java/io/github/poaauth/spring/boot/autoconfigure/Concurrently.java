package io.github.poaauth.spring.boot.autoconfigure;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Two calls at once, and a barrier that holds each first 401 until the other has its own. */
final class Concurrently {
  private Concurrently() {
  }

  static void awaitQuietly(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the other request never got its 401", e);
    }
  }

  static List<Integer> twice(Callable<Integer> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> a = pool.submit(call);
      Future<Integer> b = pool.submit(call);
      return List.of(a.get(20, TimeUnit.SECONDS), b.get(20, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }
}
