package io.github.poaauth.client;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.poaauth.client.internal.GuardedTokenFetch;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The circuit breaker's open state in tests, on every Resilience4j the build supports.
 *
 * <p>From Resilience4j 2.3 the breaker reads the provider's clock ({@code ForwardOnlyClock}: the
 * injected clock's steps, or monotonic time, whichever is larger); on 2.2 (Spring Boot 3.5's) it
 * reads the system clock. So a test whose subject is the injected-clock open state skips itself
 * on 2.2 ({@link #assumeBreakerTakesClock()}), and a test that only needs the breaker to open and
 * let a trial call through uses a short open duration and waits it out in real time, which both
 * kinds of breaker honour ({@link #waitOut}).
 *
 * <p>Real time makes one thing uncertain on a loaded machine: that a call made right after the
 * breaker opened still found it open. {@link #assumeStillOpen} tells from {@link System#nanoTime()}
 * readings taken around the calls; when it cannot, the test is skipped with the reason, never
 * failed. The waits have no upper bound to miss: they end when enough time has passed.
 */
final class BreakerOpenState {
  /**
   * The open duration of tests that wait it out: long enough that the fail-fast call made just
   * after opening finds the breaker open even on a busy machine, short enough to wait.
   */
  static final Duration REAL_TIME = Duration.ofSeconds(1);
  /** For the breaker's wall-clock reading (Resilience4j 2.2) against System.nanoTime(). */
  private static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private BreakerOpenState() {
  }

  /** Skips the calling test unless the running Resilience4j measures the open state on the provider's clock. */
  static void assumeBreakerTakesClock() {
    assumeTrue(GuardedTokenFetch.breakerTakesClock(), () -> "Resilience4j "
        + CircuitBreaker.class.getPackage().getImplementationVersion() + " has no "
        + "CircuitBreakerConfig clock: the breaker's open state runs on the system clock, not "
        + "on the provider's injected clock, so this test's subject does not exist here");
  }

  /**
   * Skips the calling test when a call that ended now may have found the breaker's open state
   * already over: the breaker opened no earlier than {@code openedNotBefore}, so its open state
   * lasted at least until {@code openedNotBefore + open}.
   *
   * @param openedNotBefore System.nanoTime() taken before the call that opened the breaker
   */
  static void assumeStillOpen(long openedNotBefore, Duration open) {
    long elapsed = System.nanoTime() - openedNotBefore;
    assumeTrue(elapsed < open.toNanos(), () -> "the machine was too slow to test fail-fast: "
        + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms passed between the breaker opening and "
        + "the next call's answer, more than the " + open.toMillis() + " ms open state");
  }

  /**
   * Returns once the breaker's open state is over in real time: it opened no later than
   * {@code openedNotAfter} and lasts {@code open}. This waits for time itself to pass (the
   * breaker lets the next call through then; nothing signals it), so it sleeps to a deadline.
   *
   * @param openedNotAfter System.nanoTime() taken after the call that opened the breaker
   */
  static void waitOut(long openedNotAfter, Duration open) throws InterruptedException {
    long until = openedNotAfter + open.toNanos() + MARGIN_NANOS;
    for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }
}
