package io.github.poaauth.client;

import io.github.poaauth.sandbox.TestClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression tests for defects found by holding the provider against its peers' test suites
 * and against hostile endpoints, executors and clocks; each test names the defect it guards.
 */
class ProviderRegressionTest {
  private static final String SECRET = "regression-secret";

  private PoaSandbox server;
  private final TestClock clock = TestClock.at(java.time.Instant.parse("2026-11-27T10:00:00Z"));
  private final List<PoaTokenProvider> providers = new ArrayList<>();

  @BeforeEach
  void start() {
    server = PoaSandbox.builder().client("partner-1", SECRET).start();
  }

  @AfterEach
  void stop() {
    providers.forEach(PoaTokenProvider::close);
    server.close();
  }

  private PoaTokenProvider.Builder builder() {
    return PoaTokenProvider.builder()
        .baseUrl(server.baseUrl())
        .clientId("partner-1")
        .clientSecret(SECRET)
        .refreshJitter(false) // these tests check exact refresh points
        .clock(clock)
        .connectTimeout(Duration.ofSeconds(1))
        .readTimeout(Duration.ofSeconds(2))
        .callTimeout(Duration.ofSeconds(10))
        .retry(1, Duration.ofMillis(200), Duration.ofSeconds(5));
  }

  private PoaTokenProvider provider(PoaTokenProvider.Builder builder) {
    PoaTokenProvider p = builder.build();
    providers.add(p);
    return p;
  }

  // ---- issue 11, defect 1: exceptions carry the caller's frames ---------------------------

  @Test
  void sharedFailure_eachWaitingCallerGetsItsOwnException_withItsOwnFrames() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.faults().otherwise(Reply.json(503, "{}").heldUntil(release));
    // The provider reads its state, then the clock, to decide (token()) and again to join the
    // flight: the second clock reading on caller two's thread comes after it read a state whose
    // flight is held by the endpoint, so caller two has joined that flight, whatever happens next.
    CountDownLatch twoJoined = new CountDownLatch(2);
    Clock observed = new Clock() {
      @Override
      public long millis() {
        if (Thread.currentThread().getName().equals("caller-two")) {
          twoJoined.countDown();
        }
        return clock.millis();
      }

      @Override
      public java.time.Instant instant() {
        return Instant.ofEpochMilli(millis());
      }

      @Override
      public java.time.ZoneId getZone() {
        return clock.getZone();
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        throw new UnsupportedOperationException();
      }
    };
    PoaTokenProvider tokens = provider(builder().clock(observed));
    ExecutorService callers = Executors.newFixedThreadPool(2, r -> new Thread(r, "caller-one"));
    ExecutorService two = Executors.newSingleThreadExecutor(r -> new Thread(r, "caller-two"));
    try {
      Future<Throwable> first = callers.submit(() -> callerOne(tokens));
      assertThat(server.awaitTokenRequests(1, Duration.ofSeconds(5))).isTrue();
      Future<Throwable> second = two.submit(() -> callerTwo(tokens));
      assertThat(twoJoined.await(10, TimeUnit.SECONDS)).as("caller two asked").isTrue();
      release.countDown();

      Throwable one = first.get(10, TimeUnit.SECONDS);
      Throwable other = second.get(10, TimeUnit.SECONDS);
      assertThat(one).isInstanceOf(TokenEndpointUnavailableException.class).isNotSameAs(other);
      assertThat(other).isInstanceOf(TokenEndpointUnavailableException.class);
      assertThat(frames(one)).contains("callerOne").doesNotContain("callerTwo");
      assertThat(frames(other)).contains("callerTwo").doesNotContain("callerOne");
      assertThat(one.getCause()).isSameAs(other.getCause()).isNotNull();
      assertThat(server.tokenRequestCount()).isEqualTo(1);
    } finally {
      callers.shutdownNow();
      two.shutdownNow();
    }
  }

  private static Throwable callerOne(PoaTokenProvider tokens) {
    return catchThrowable(tokens::token);
  }

  private static Throwable callerTwo(PoaTokenProvider tokens) {
    return catchThrowable(tokens::token);
  }

  @Test
  void tokenAsyncFailure_showsWhereTheCallerAsked() throws Exception {
    server.faults().otherwise(Reply.json(503, "{}"));
    PoaTokenProvider tokens = provider(builder());

    CompletableFuture<AccessToken> future = askAsynchronously(tokens);

    Throwable failure = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
    assertThat(failure).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TokenEndpointUnavailableException.class);
    assertThat(frames(failure.getCause())).contains("askAsynchronously");
  }

  private static CompletableFuture<AccessToken> askAsynchronously(PoaTokenProvider tokens) {
    return tokens.tokenAsync();
  }

  // ---- issue 11, defects 2 and 3: waits hold their bounds when the clock is set back ------

  @Test
  void backgroundBackoff_clockSetBackOneHour_nextRefreshIsTriedAtOnce() throws Exception {
    server.faults().otherwise(Reply.token());
    PoaTokenProvider tokens = provider(builder().executor(Runnable::run));
    AccessToken first = tokens.token();
    server.faults().otherwise(Reply.json(503, "{}"));
    clock.advance(Duration.ofSeconds(1600)); // inside the refresh-ahead window
    assertThat(tokens.token()).isSameAs(first); // background refresh fails: backoff of 1 s
    assertThat(server.tokenRequestCount()).isEqualTo(2);

    server.faults().otherwise(Reply.token());
    clock.advance(Duration.ofHours(-1));

    tokens.token(); // the token is due for refresh (clock before its issue time)
    assertThat(server.tokenRequestCount()).isEqualTo(3);
    assertThat(tokens.token()).isNotEqualTo(first);
  }

  @Test
  void rejectionCooldown_clockSetBackOneHour_credentialsAreAskedAgain() {
    server.faults().otherwise(Reply.json(401, "{\"error\":\"unauthorized_client\"}"));
    PoaTokenProvider tokens = provider(builder().rejectionCooldown(Duration.ofSeconds(30)));
    assertThatThrownBy(tokens::token).isInstanceOf(CredentialsRejectedException.class);
    assertThatThrownBy(tokens::token).isInstanceOf(CredentialsRejectedException.class);
    assertThat(server.tokenRequestCount()).isEqualTo(1); // the second was the cool-down's repeat

    server.faults().otherwise(Reply.token());
    clock.advance(Duration.ofHours(-1));

    assertThat(server.isValidToken(tokens.token().value())).isTrue();
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  @Test
  @EnabledIf("io.github.poaauth.client.LibraryVersionsTest#breakerTakesClock")
  void circuitBreakerOpenState_clockSetBack_doesNotStretchIt() {
    server.faults().otherwise(Reply.json(500, "{}"));
    PoaTokenProvider tokens = provider(builder().circuitBreaker(50, 2, 2, Duration.ofSeconds(30)));
    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    assertThat(tokens.status().state()).isEqualTo(PoaTokenStatus.State.UNAVAILABLE);

    server.faults().otherwise(Reply.token());
    clock.advance(Duration.ofHours(-1));
    assertThatThrownBy(tokens::token).hasMessageContaining("circuit breaker is open");
    clock.advance(Duration.ofSeconds(31)); // 31 s pass after the jump: any open state is over

    assertThat(server.isValidToken(tokens.token().value())).isTrue();
    assertThat(server.tokenRequestCount()).isEqualTo(3);
  }

  @Test
  void rejectedSecret_rotatedAtTheSource_isAskedAtOnce_withoutWaitingOutTheCooldown() {
    String[] secret = {"old-secret"}; // the sandbox knows partner-1 with SECRET only
    PoaTokenProvider tokens = provider(builder().clientSecretSource(() -> secret[0])
        .rejectionCooldown(Duration.ofMinutes(5)));
    assertThatThrownBy(tokens::token).isInstanceOf(CredentialsRejectedException.class);
    assertThatThrownBy(tokens::token).isInstanceOf(CredentialsRejectedException.class);
    assertThat(server.tokenRequestCount()).isEqualTo(1); // same secret: the cool-down repeats

    secret[0] = SECRET; // rotated in the vault

    assertThat(server.isValidToken(tokens.token().value())).isTrue();
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  @Test
  void backgroundRefreshRejected_secretRotatedAtTheSource_refreshesAtOnce_notAtExpiry()
      throws InterruptedException {
    // Issue 17 (chaos run against Keycloak): the refresh-ahead path ignored a changed secret
    // during the cool-down, so the new secret was first used when the cached token expired.
    String[] secret = {SECRET};
    CountDownLatch rejected = new CountDownLatch(1);
    CountDownLatch refreshed = new CountDownLatch(1);
    PoaTokenProvider tokens = provider(builder().clientSecretSource(() -> secret[0])
        .rejectionCooldown(Duration.ofMinutes(5))
        .listener(event -> {
          if (event instanceof PoaTokenEvent.RejectionCooldownStarted) {
            rejected.countDown();
          } else if (event instanceof PoaTokenEvent.RefreshSucceeded succeeded
              && succeeded.background()) {
            refreshed.countDown();
          }
        }));
    AccessToken first = tokens.token();
    secret[0] = "revoked-secret"; // the sandbox answers it 401 unauthorized_client
    clock.advance(Duration.ofSeconds(1800 - 300 + 1)); // inside the refresh-ahead window

    assertThat(tokens.token()).isSameAs(first);
    assertThat(rejected.await(10, TimeUnit.SECONDS)).as("background refresh rejected").isTrue();
    secret[0] = SECRET; // rotated at the source to the secret the sandbox knows
    clock.advance(Duration.ofSeconds(2)); // past the 1 s background backoff, far from expiry

    // Callers keep calling, as a service does; the rejected flight may still be finishing
    // (events come before its slot is freed), so one call alone could find it running.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    do {
      assertThat(tokens.token()).isSameAs(first);
    } while (!refreshed.await(20, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline);
    assertThat(refreshed.getCount()).as("background refresh with the new secret").isZero();
    assertThat(server.tokenRequestCount()).isEqualTo(3);
    AccessToken second = tokens.token();
    assertThat(second).isNotSameAs(first);
    assertThat(server.isValidToken(second.value())).isTrue();
  }

  /** Issue 17: a secret rotated in the identity provider and then at the source, no restart. */
  @Test
  void secretRotatedInTheSandboxAndAtTheSource_needsNoRestart() {
    String[] source = {SECRET};
    PoaTokenProvider tokens = provider(builder().clientSecretSource(() -> source[0])
        .rejectionCooldown(Duration.ofMinutes(5)));
    AccessToken first = tokens.token();

    server.rotateSecret("partner-1", "rotated-secret");
    tokens.invalidate(first); // e.g. a POA API answered 401
    assertThatThrownBy(tokens::token).isInstanceOfSatisfying(CredentialsRejectedException.class,
        e -> assertThat(e.errorCode()).contains("unauthorized_client"));

    source[0] = "rotated-secret";

    assertThat(server.isValidToken(tokens.token().value())).isTrue(); // at once: no cool-down wait
    assertThat(server.tokenRequestCount("partner-1")).isEqualTo(3);
  }

  // ---- a partner-supplied executor cannot wedge the provider (issue 11; issue 15 A, K) ----

  @Test
  void token_calledFromInsideAOneThreadExecutor_returnsAToken() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    try {
      server.faults().otherwise(Reply.token());
      PoaTokenProvider tokens = provider(builder().executor(single));
      Future<AccessToken> inside = single.submit(tokens::token);
      AccessToken first = inside.get(10, TimeUnit.SECONDS);
      assertThat(server.isValidToken(first.value())).isTrue();
      // and again when the refresh is due, from inside the executor: no deadlock either
      clock.advance(Duration.ofSeconds(1799));
      AccessToken second = single.submit(tokens::token).get(10, TimeUnit.SECONDS);
      assertThat(second.value()).isNotEqualTo(first.value());
      assertThat(server.tokenRequestCount()).isEqualTo(2);
    } finally {
      single.shutdownNow();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"IllegalStateException", "OutOfMemoryError", "RejectedExecutionException"})
  void executorThatThrows_doesNotWedgeTheProvider(String thrown) {
    Executor broken = task -> {
      switch (thrown) {
        case "IllegalStateException" -> throw new IllegalStateException("executor is shutting down");
        case "OutOfMemoryError" -> throw new OutOfMemoryError("unable to create native thread");
        default -> throw new java.util.concurrent.RejectedExecutionException("full");
      }
    };
    server.faults().otherwise(Reply.token());
    PoaTokenProvider tokens = provider(builder().executor(broken));
    AccessToken first = tokens.token(); // blocking callers never need the executor
    clock.advance(Duration.ofSeconds(1600));
    assertThat(tokens.token()).isSameAs(first); // the background refresh cannot start: no harm

    clock.advance(Duration.ofSeconds(200)); // expired: a blocking caller fetches itself
    assertThat(tokens.token()).isNotEqualTo(first);
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  @Test
  void executorThatDropsTasks_asyncCallerGetsATypedFailure_thenATokenOnceThreadsAreBack()
      throws Exception {
    AtomicBoolean starved = new AtomicBoolean(true);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>());
    Executor dropping = task -> {
      if (!starved.get()) {
        pool.execute(task);
      } // else: dropped silently, like DiscardOldestPolicy under load
    };
    try {
      server.faults().otherwise(Reply.token());
      Duration callTimeout = Duration.ofMillis(500);
      PoaTokenProvider tokens = provider(builder().executor(dropping).callTimeout(callTimeout));

      Throwable failure = catchThrowable(() -> tokens.tokenAsync().get(10, TimeUnit.SECONDS));
      assertThat(failure).hasCauseInstanceOf(TokenEndpointUnavailableException.class);
      assertThat(server.tokenRequestCount()).isZero();

      starved.set(false);
      // The dropped refresh is older than the call timeout: the next caller starts a new one.
      assertThat(server.isValidToken(tokens.tokenAsync().get(10, TimeUnit.SECONDS).value())).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void blockingCallerWhileTheExecutorDroppedTheBackgroundRefresh_takesItOver() {
    server.faults().otherwise(Reply.token());
    List<Runnable> dropped = new CopyOnWriteArrayList<>();
    PoaTokenProvider tokens = provider(builder().executor(dropped::add));
    AccessToken first = tokens.token();
    clock.advance(Duration.ofSeconds(1600));
    assertThat(tokens.token()).isSameAs(first);
    assertThat(dropped).hasSize(1); // queued, never run

    clock.advance(Duration.ofSeconds(200)); // expired
    assertThat(tokens.token()).isNotEqualTo(first);
    dropped.get(0).run(); // the stale task runs late: it finds the flight taken and does nothing
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  @Test
  void callTimeout_holds_evenWhenTheRefreshRunsOnTheCallersThread() throws IOException {
    try (ServerSocket silent = new ServerSocket()) {
      silent.bind(new InetSocketAddress("127.0.0.1", 0));
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(silent.accept()); // accept and never answer
          }
        } catch (IOException closed) {
          // test over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Duration callTimeout = Duration.ofSeconds(2);
      PoaTokenProvider tokens = provider(PoaTokenProvider.builder()
          .baseUrl("http://127.0.0.1:" + silent.getLocalPort()).clientId("p").clientSecret(SECRET)
          .readTimeout(Duration.ofSeconds(30)).callTimeout(callTimeout).retry(3, Duration.ofMillis(200), Duration.ofSeconds(5))
          .executor(Runnable::run));

      long start = System.nanoTime();
      // The call timeout ends it, not a read timeout (30 s): the reason names the timer.
      assertThatThrownBy(tokens::token).isInstanceOfSatisfying(
          TokenEndpointUnavailableException.class, e -> assertThat(e.reason())
              .isEqualTo(TokenEndpointUnavailableException.Reason.CALL_TIMEOUT));
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(callTimeout.minusMillis(50));
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  // ---- issue 15: what is not transient is not retried; bad ports fail build() -----------

  @Test
  void oversizedBody_isInvalid_andNotRetried() {
    server.faults().otherwise(Reply.json(200, "{\"access_token\":\"" + "a".repeat(100_000) + "\"}"));
    PoaTokenProvider tokens = provider(builder().retry(4, Duration.ofMillis(200), Duration.ofSeconds(5)));

    assertThatThrownBy(tokens::token).isInstanceOf(InvalidTokenResponseException.class)
        .hasMessageContaining("larger than");
    assertThat(server.tokenRequestCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:0", "http://127.0.0.1:99999", "https://poa.example.com:70000"})
  void portOutsideTheValidRange_failsBuild(String url) {
    assertThatThrownBy(() -> builder().baseUrl(url).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
  }

  // ---- issue 15 H: unusable tokens are refused; JSON is strict -----------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"CR LF", "NUL", "ESC", "non-ASCII", "space", "duplicate key", "trailing data"})
  void unusableTokenOrSloppyJson_isInvalid(String variant) {
    String body = switch (variant) {
      case "CR LF" -> "{\"access_token\":\"abc\\r\\nX-Evil: 1\",\"token_type\":\"Bearer\",\"expires_in\":60}";
      case "NUL" -> "{\"access_token\":\"abc\\u0000\",\"token_type\":\"Bearer\",\"expires_in\":60}";
      case "ESC" -> "{\"access_token\":\"abc\\u001b[2J\",\"token_type\":\"Bearer\",\"expires_in\":60}";
      case "non-ASCII" -> "{\"access_token\":\"abc\u00e9\",\"token_type\":\"Bearer\",\"expires_in\":60}";
      case "space" -> "{\"access_token\":\"abc def\",\"token_type\":\"Bearer\",\"expires_in\":60}";
      case "duplicate key" -> "{\"access_token\":\"abc\",\"access_token\":\"def\",\"token_type\":\"Bearer\",\"expires_in\":60}";
      default -> "{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":60} {\"more\":1}";
    };
    server.faults().otherwise(Reply.json(200, body));
    PoaTokenProvider tokens = provider(builder());

    assertThatThrownBy(tokens::token).isInstanceOf(InvalidTokenResponseException.class)
        .hasMessageNotContaining("abc");
  }

  @Test
  void statusOutsideHttpRange_isNotRetried() throws Exception {
    // The sandbox refuses to script a status outside 100..599: a raw socket answers instead.
    try (ServerSocket odd = new ServerSocket()) {
      odd.bind(new InetSocketAddress("127.0.0.1", 0));
      List<Integer> answered = new CopyOnWriteArrayList<>();
      Thread answering = new Thread(() -> {
        try {
          while (true) {
            try (Socket s = odd.accept()) {
              s.getInputStream().read(new byte[4096]);
              OutputStream out = s.getOutputStream();
              out.write("HTTP/1.1 999 Odd\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                  .getBytes(StandardCharsets.US_ASCII));
              out.flush();
              answered.add(999);
            }
          }
        } catch (IOException closed) {
          // test over
        }
      });
      answering.setDaemon(true);
      answering.start();
      PoaTokenProvider tokens = provider(builder().retry(4, Duration.ofMillis(200), Duration.ofSeconds(5))
          .baseUrl("http://127.0.0.1:" + odd.getLocalPort()));

      assertThatThrownBy(tokens::token).isInstanceOf(PoaAuthException.class);
      assertThat(answered).hasSizeLessThanOrEqualTo(1);
    }
  }

  // ---- issue 15: partners' networks --------------------------------------------------------

  @Test
  void tokenPath_canBeOverridden_forEnvironmentsThatServeItElsewhere() {
    try (PoaSandbox samplePath = PoaSandbox.builder().client("partner-1", SECRET)
        .acceptSamplePath().start()) {
      PoaTokenProvider tokens = provider(builder().baseUrl(samplePath.baseUrl())
          .tokenPath(PoaSandbox.SAMPLE_PATH));

      assertThat(samplePath.isValidToken(tokens.token().value())).isTrue();
      assertThat(samplePath.recordedRequests()).singleElement()
          .satisfies(r -> assertThat(r.path()).isEqualTo(PoaSandbox.SAMPLE_PATH));
    }
  }

  @Test
  void tokenPath_mustBeAnAbsolutePath() {
    assertThatThrownBy(() -> builder().tokenPath("poa/auth/token?x=1").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenPath");
  }

  // ---- the listener seam -------------------------------------------------------------------

  @Test
  @EnabledIf("io.github.poaauth.client.LibraryVersionsTest#breakerTakesClock")
  void listener_seesRefreshesFailuresInvalidationsRejectionsAndBreakerChanges() {
    List<PoaTokenEvent> events = new CopyOnWriteArrayList<>();
    server.faults().enqueue(Reply.token()).enqueue(Reply.json(503, "{}"))
        .enqueue(Reply.json(401, "{\"error\":\"invalid_client\"}"));
    PoaTokenProvider tokens = provider(builder().listener(events::add)
        .circuitBreaker(50, 2, 2, Duration.ofSeconds(30))
        .rejectionCooldown(Duration.ofSeconds(30)));

    AccessToken first = tokens.token();
    tokens.invalidate(first);
    catchThrowable(tokens::token); // 503: 1 of 2 failed, the breaker opens
    catchThrowable(tokens::token); // refused: no request
    clock.advance(Duration.ofMillis(1001)); // the first open period is 1 s
    catchThrowable(tokens::token); // half-open trial: 401, a rejection

    assertThat(events).map(e -> e.getClass().getSimpleName()).containsExactly(
        "RefreshStarted", "RefreshSucceeded", "TokenInvalidated",
        "RefreshStarted", "CircuitBreakerStateChanged", "RefreshFailed",
        "RefreshRefused",
        "CircuitBreakerStateChanged", "RefreshStarted", "RejectionCooldownStarted", "RefreshFailed");
    assertThat(events).filteredOn(PoaTokenEvent.RefreshFailed.class::isInstance)
        .map(e -> (PoaTokenEvent.RefreshFailed) e)
        .extracting(e -> e.errorType().getSimpleName(), PoaTokenEvent.RefreshFailed::attempts)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("TokenEndpointUnavailableException", 1),
            org.assertj.core.groups.Tuple.tuple("CredentialsRejectedException", 1));
    assertThat(events).filteredOn(PoaTokenEvent.CircuitBreakerStateChanged.class::isInstance)
        .map(e -> ((PoaTokenEvent.CircuitBreakerStateChanged) e).to())
        .containsExactly("OPEN", "HALF_OPEN");
    assertThat(server.tokenRequestCount()).isEqualTo(3);
    assertThat(tokens.status().state()).isEqualTo(PoaTokenStatus.State.REJECTED);
    assertThat(tokens.status().rejectionErrorCode()).contains("invalid_client");
  }

  @Test
  void throwingListener_changesNothing() {
    server.faults().otherwise(Reply.token());
    PoaTokenProvider tokens = provider(builder().listener(e -> {
      throw new IllegalStateException("listener bug");
    }));

    assertThat(server.isValidToken(tokens.token().value())).isTrue();
  }

  @Test
  void status_beforeTheFirstToken_isNoToken_thenValid_thenClosed() {
    server.faults().otherwise(Reply.token());
    PoaTokenProvider tokens = provider(builder());
    assertThat(tokens.status().state()).isEqualTo(PoaTokenStatus.State.NO_TOKEN);

    AccessToken token = tokens.token();

    assertThat(tokens.status().state()).isEqualTo(PoaTokenStatus.State.VALID);
    assertThat(tokens.status().tokenExpiresAt()).contains(token.expiresAt());
    tokens.close();
    assertThat(tokens.status().state()).isEqualTo(PoaTokenStatus.State.CLOSED);
  }

  private static String frames(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (StackTraceElement e : t.getStackTrace()) {
      sb.append(e.getMethodName()).append('\n');
    }
    return sb.toString();
  }
}
