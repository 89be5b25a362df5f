package io.github.poaauth.keycloak;

import io.github.poaauth.client.PoaTokenEvent;
import io.github.poaauth.client.PoaTokenListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the chaos run counts, per phase: every API call the load threads make, every request the
 * Feign client sends, every event of the provider. A call or event belongs to the phase current
 * when it started. Times are wall-clock milliseconds ({@code exp} is wall clock too).
 *
 * <p>Thread-safe: counters are adders, lists are copy-on-write (events are few), the current
 * phase is one volatile reference.
 */
final class ChaosLedger implements PoaTokenListener {

  /** One phase: its fault, its counters and the moments that bound its no-token window. */
  static final class Phase {
    final String name;
    final String fault;
    final long startedAt = System.currentTimeMillis();
    volatile long endedAt;
    /** When the fault hit Keycloak; 0 for none. */
    volatile long faultAt;
    /** When Keycloak could issue tokens again (resumed, ready, or the secret source updated). */
    volatile long returnedAt;
    /** Until when the token cached when the fault hit was handed out (expiry minus skew). */
    volatile long cachedUsableUntil;
    /** Whether a token the client would hand out was cached at {@link #returnedAt}. */
    volatile boolean tokenCachedAtReturn;
    final LongAdder calls = new LongAdder();
    final LongAdder failed = new LongAdder();
    final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    /** Start times of failed calls. */
    final List<Long> failedCallStarts = new CopyOnWriteArrayList<>();
    final LongAccumulator maxCallMillis = new LongAccumulator(Math::max, 0);
    final LongAdder sends = new LongAdder();
    final LongAdder pastExp = new LongAdder();
    final LongAdder unauthorizedSeen = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder unauthorizedToCaller = new LongAdder();
    final TokenIds tokens = new TokenIds();
    final LongAdder refreshStarted = new LongAdder();
    final LongAdder backgroundStarted = new LongAdder();
    final LongAdder refreshSucceeded = new LongAdder();
    final LongAdder refreshFailed = new LongAdder();
    final LongAdder invalidated = new LongAdder();
    final LongAdder rejections = new LongAdder();
    final List<String> breaker = new CopyOnWriteArrayList<>();
    final List<Long> tokenArrivals = new CopyOnWriteArrayList<>();
    /** Token requests the gateway saw and the API's verdicts, filled in when the phase ends. */
    int gatewayMark;
    int gatewayRequests;
    final Map<String, Long> verdictMarks = new ConcurrentHashMap<>();
    final Map<String, Long> apiVerdicts = new TreeMap<>();
    long keyFetches;

    Phase(String name, String fault) {
      this.name = name;
      this.fault = fault;
    }

    void failure(String reason, long callStartedAt) {
      failed.increment();
      failedCallStarts.add(callStartedAt);
      failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** @return ms from {@link #returnedAt} to the first token after it, or -1 */
    long returnToFirstTokenMillis() {
      long first = firstTokenAfter(returnedAt);
      return returnedAt == 0 || first < 0 ? -1 : first - returnedAt;
    }

    long firstTokenAfter(long at) {
      return tokenArrivals.stream().filter(t -> t >= at).mapToLong(Long::longValue).min()
          .orElse(-1);
    }

    double seconds() {
      return (endedAt - startedAt) / 1000.0;
    }
  }

  /** Distinct token values seen on the wire, by their {@code jti}. */
  static final class TokenIds {
    private final java.util.Set<String> ids = ConcurrentHashMap.newKeySet();

    void add(String id) {
      ids.add(id);
    }

    int size() {
      return ids.size();
    }
  }

  private final List<Phase> phases = new CopyOnWriteArrayList<>();
  private final AtomicReference<Phase> current = new AtomicReference<>();
  /** Expiry of the newest token the provider fetched, from its events. */
  final AtomicLong lastExpiresAt = new AtomicLong();
  /** Run once, on the refresh thread, at the next background {@link PoaTokenEvent.RefreshStarted}. */
  final AtomicReference<Runnable> atNextBackgroundRefresh = new AtomicReference<>();
  /** Run once, at the next {@link PoaTokenEvent.RefreshSucceeded}. */
  final AtomicReference<Runnable> atNextToken = new AtomicReference<>();
  /** Run once, at the next {@link PoaTokenEvent.RejectionCooldownStarted}. */
  final AtomicReference<Runnable> atNextRejection = new AtomicReference<>();
  /** Run once, at the next {@link PoaTokenEvent.TokenInvalidated}. */
  final AtomicReference<Runnable> atNextInvalidation = new AtomicReference<>();

  Phase begin(String name, String fault) {
    Phase phase = new Phase(name, fault);
    Phase previous = current.getAndSet(phase);
    if (previous != null) {
      previous.endedAt = phase.startedAt;
    }
    phases.add(phase);
    return phase;
  }

  void end() {
    Phase last = current.get();
    if (last != null && last.endedAt == 0) {
      last.endedAt = System.currentTimeMillis();
    }
  }

  Phase current() {
    return current.get();
  }

  List<Phase> phases() {
    return new ArrayList<>(phases);
  }

  @Override
  public void onEvent(PoaTokenEvent event) {
    Phase phase = current.get();
    if (phase == null) {
      return;
    }
    if (event instanceof PoaTokenEvent.RefreshStarted started) {
      phase.refreshStarted.increment();
      if (started.background()) {
        phase.backgroundStarted.increment();
        runOnce(atNextBackgroundRefresh);
      }
    } else if (event instanceof PoaTokenEvent.RefreshSucceeded succeeded) {
      phase.refreshSucceeded.increment();
      lastExpiresAt.set(succeeded.expiresAt().toEpochMilli());
      phase.tokenArrivals.add(System.currentTimeMillis());
      runOnce(atNextToken);
    } else if (event instanceof PoaTokenEvent.RefreshFailed) {
      phase.refreshFailed.increment();
    } else if (event instanceof PoaTokenEvent.TokenInvalidated) {
      phase.invalidated.increment();
      runOnce(atNextInvalidation);
    } else if (event instanceof PoaTokenEvent.RejectionCooldownStarted) {
      phase.rejections.increment();
      runOnce(atNextRejection);
    } else if (event instanceof PoaTokenEvent.CircuitBreakerStateChanged changed) {
      phase.breaker.add(changed.to());
    }
  }

  private static void runOnce(AtomicReference<Runnable> armed) {
    Runnable action = armed.getAndSet(null);
    if (action != null) {
      action.run();
    }
  }

  /** The phase table, as Markdown. */
  String table() {
    StringBuilder out = new StringBuilder();
    out.append("| phase | fault | s | calls | failed | past exp | token requests | refreshes"
        + " (bg) ok/failed | tokens used | invalidated | 401 seen | retried | 401 to caller"
        + " | return → first token ms | max call ms |\n");
    out.append("|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Phase p : phases) {
      long back = p.returnToFirstTokenMillis();
      out.append(String.format(Locale.ROOT,
          "| %s | %s | %.1f | %d | %d | %d | %d | %d (%d) %d/%d | %d | %d | %d | %d | %d | %s | %d |%n",
          p.name, p.fault, p.seconds(), p.calls.sum(), p.failed.sum(), p.pastExp.sum(),
          p.gatewayRequests, p.refreshStarted.sum(), p.backgroundStarted.sum(),
          p.refreshSucceeded.sum(), p.refreshFailed.sum(), p.tokens.size(), p.invalidated.sum(),
          p.unauthorizedSeen.sum(), p.retried.sum(), p.unauthorizedToCaller.sum(),
          p.returnedAt == 0 ? "–" : back < 0 ? "none" : back
              + (p.tokenCachedAtReturn ? " (token still valid)" : ""),
          p.maxCallMillis.get()));
    }
    return out.toString();
  }

  /** Per phase: why calls failed, breaker changes, the API's verdicts. */
  String details() {
    StringBuilder out = new StringBuilder();
    for (Phase p : phases) {
      Map<String, Long> failures = new TreeMap<>();
      p.failures.forEach((reason, n) -> failures.put(reason, n.sum()));
      out.append("- **").append(p.name).append("**: failures ").append(failures)
          .append("; circuit breaker ").append(p.breaker.isEmpty() ? "unchanged" : p.breaker)
          .append("; rejections ").append(p.rejections.sum())
          .append("; API verdicts ").append(p.apiVerdicts)
          .append("; JWKS fetches ").append(p.keyFetches);
      if (p.faultAt != 0 && p.returnedAt != 0) {
        out.append(String.format(Locale.ROOT, "; fault to return %.1f s", (p.returnedAt - p.faultAt)
            / 1000.0));
      }
      if (p.cachedUsableUntil != 0 && p.faultAt != 0) {
        out.append(String.format(Locale.ROOT, "; cached token usable %.1f s after the fault",
            (p.cachedUsableUntil - p.faultAt) / 1000.0));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
