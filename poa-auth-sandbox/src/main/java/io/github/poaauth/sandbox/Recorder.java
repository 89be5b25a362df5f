package io.github.poaauth.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the sandbox saw: every request (the most recent {@value #MAX_KEPT}), and counts and last
 * requests of token requests, overall and per client id.
 *
 * <p>Thread-safe: one lock guards all fields, so a reader never sees a count that disagrees with
 * the last request. The lock is held only for map and deque updates.
 */
final class Recorder {

  /** Bound on kept requests, so a long-running sandbox (the CLI, a load test) cannot fill the heap. */
  static final int MAX_KEPT = 10_000;

  private final Object lock = new Object();
  private final ArrayDeque<RecordedRequest> kept = new ArrayDeque<>();
  private final Map<String, Integer> tokenRequestsByClient = new HashMap<>();
  private final Map<String, RecordedRequest> lastTokenRequestByClient = new HashMap<>();
  private int tokenRequests;
  private RecordedRequest lastTokenRequest;

  void record(RecordedRequest request) {
    synchronized (lock) {
      if (kept.size() == MAX_KEPT) {
        kept.removeFirst();
      }
      kept.addLast(request);
      if (request.isTokenRequest()) {
        tokenRequests++;
        lastTokenRequest = request;
        request.clientId().ifPresent(id -> {
          tokenRequestsByClient.merge(id, 1, Integer::sum);
          lastTokenRequestByClient.put(id, request);
        });
        lock.notifyAll();
      }
    }
  }

  List<RecordedRequest> requests() {
    synchronized (lock) {
      return List.copyOf(kept);
    }
  }

  int tokenRequestCount() {
    synchronized (lock) {
      return tokenRequests;
    }
  }

  /** Waits until at least {@code count} token requests were recorded, at most {@code timeout}. */
  boolean awaitTokenRequests(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (tokenRequests < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  int tokenRequestCount(String clientId) {
    synchronized (lock) {
      return tokenRequestsByClient.getOrDefault(clientId, 0);
    }
  }

  Optional<RecordedRequest> lastTokenRequest() {
    synchronized (lock) {
      return Optional.ofNullable(lastTokenRequest);
    }
  }

  Optional<RecordedRequest> lastTokenRequest(String clientId) {
    synchronized (lock) {
      return Optional.ofNullable(lastTokenRequestByClient.get(clientId));
    }
  }

  void clear() {
    synchronized (lock) {
      kept.clear();
      tokenRequestsByClient.clear();
      lastTokenRequestByClient.clear();
      tokenRequests = 0;
      lastTokenRequest = null;
    }
  }
}
