package io.github.poaauth.client;

import io.github.poaauth.sandbox.TestClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.RecordedRequest;
import io.github.poaauth.sandbox.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The provider against the sandbox (a real loopback endpoint whose answers each test scripts),
 * on an injected clock. Refresh tasks run on a {@link TrackingExecutor}, so a test waits for a
 * background refresh with a semaphore, never by polling.
 */
class PoaTokenProviderTest {
  static final String CLIENT_ID = "partner-1";
  static final String SECRET = "s3cr3t-Value&with=chars";

  /**
   * One per test, as a fresh port: a retry a closed provider still had in flight cannot reach
   * the next test's sandbox.
   */
  private PoaSandbox server;
  private final TestClock clock = TestClock.at(java.time.Instant.parse("2026-11-27T10:00:00Z"));
  private final TrackingExecutor refreshes = new TrackingExecutor();
  private final List<PoaTokenProvider> providers = new ArrayList<>();

  @BeforeEach
  void start() {
    server = PoaSandbox.builder().client(CLIENT_ID, SECRET).start();
  }

  @AfterEach
  void stop() {
    providers.forEach(PoaTokenProvider::close);
    server.close();
  }

  private PoaTokenProvider.Builder builder() {
    return builder(server);
  }

  private PoaTokenProvider.Builder builder(PoaSandbox sandbox) {
    return PoaTokenProvider.builder()
        .baseUrl(sandbox.baseUrl())
        .clientId(CLIENT_ID)
        .clientSecret(SECRET)
        .refreshJitter(false) // these tests check exact refresh points
        .clock(clock)
        .connectTimeout(Duration.ofSeconds(1))
        .readTimeout(Duration.ofSeconds(2))
        .callTimeout(Duration.ofSeconds(10))
        .executor(refreshes)
        .retry(3, Duration.ofMillis(10), Duration.ofMillis(10));
  }

  private static Reply oauthError(int status, String error) {
    return Reply.json(status, "{\"error\":\"" + error
        + "\",\"error_description\":\"Invalid client or Invalid client credentials\"}");
  }

  private PoaTokenProvider provider(PoaTokenProvider.Builder builder) {
    PoaTokenProvider p = builder.build();
    providers.add(p);
    return p;
  }

  @Test
  void token_sendsDocumentedRequest_andReturnsToken() {
    PoaTokenProvider tokens = provider(builder());

    AccessToken token = tokens.token();

    assertThat(server.isValidToken(token.value())).isTrue();
    assertThat(token.tokenType()).isEqualTo("Bearer");
    assertThat(token.scope()).contains("partner");
    assertThat(token.issuedAt()).isEqualTo(clock.instant());
    assertThat(token.expiresAt()).isEqualTo(clock.instant().plusSeconds(1800));
    assertThat(token.authorizationHeader()).isEqualTo("Bearer " + token.value());
    RecordedRequest request = server.recordedRequests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo(PoaSandbox.TOKEN_PATH);
    assertThat(request.header("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/x-www-form-urlencoded"));
    assertThat(request.headers().get("Accept")).containsExactly("application/json");
    // The recording masks the secret; the 200 says the sandbox found it right.
    assertThat(request.formFields()).isEqualTo(Map.of("client_id", List.of(CLIENT_ID),
        "client_secret", List.of(RecordedRequest.MASK), "grant_type", List.of("client_credentials")));
    assertThat(request.responseStatus()).hasValue(200);
  }

  @Test
  void token_whenFresh_returnsCachedWithoutRequest() {
    PoaTokenProvider tokens = provider(builder());
    AccessToken first = tokens.token();
    clock.advance(Duration.ofMinutes(20));

    assertThat(tokens.token()).isSameAs(first);
    assertThat(server.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void token_coldStartStormOf64Threads_sendsExactlyOneRequest() throws Exception {
    // A slow answer keeps the one request in flight while the storm arrives.
    server.faults().otherwise(Reply.token().delayed(Duration.ofMillis(300)));
    PoaTokenProvider tokens = provider(builder());
    int threads = 64;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<AccessToken>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return tokens.token();
        }));
      }
      Set<String> values = ConcurrentHashMap.newKeySet();
      for (Future<AccessToken> f : results) {
        values.add(f.get(20, TimeUnit.SECONDS).value());
      }
      assertThat(values).hasSize(1);
      assertThat(server.tokenRequestCount()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void token_inRefreshAheadWindow_returnsCurrentAtOnce_andRefreshesOnceInBackground() throws Exception {
    PoaTokenProvider tokens = provider(builder()
        .refreshAhead(Duration.ofSeconds(30)).expirySkew(Duration.ofSeconds(5)));
    AccessToken first = tokens.token();
    CountDownLatch release = new CountDownLatch(1);
    server.faults().enqueue(Reply.token().heldUntil(release));
    // Lifetime 1800 s; refresh-ahead 30 s: the window opens at 1770 s.
    clock.advance(Duration.ofSeconds(1771));

    for (int i = 0; i < 100; i++) {
      assertThat(tokens.token()).isSameAs(first);
    }
    assertThat(server.awaitTokenRequests(2, Duration.ofSeconds(10))).isTrue();
    assertThat(tokens.token()).isSameAs(first);
    release.countDown();

    assertThat(refreshes.awaitFinished(1)).isTrue();
    AccessToken second = tokens.token();
    assertThat(second.value()).isNotEqualTo(first.value());
    assertThat(server.isValidToken(second.value())).isTrue();
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  @Test
  void token_whenExpired_blocksForNewToken() {
    PoaTokenProvider tokens = provider(builder().refreshAhead(Duration.ZERO));
    AccessToken first = tokens.token();
    // Handed out until 1800 s minus the 30 s default skew.
    clock.advance(Duration.ofSeconds(1769));
    assertThat(tokens.token()).isSameAs(first);
    assertThat(server.tokenRequestCount()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));

    assertThat(tokens.token().value()).isNotEqualTo(first.value());
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  /**
   * An exchange that outlasts the token's usable life (1800 s less the 30 s skew, on the
   * provider's clock) brings a token nobody may be handed: every waiter, blocking or async,
   * fails with a retryable TIMEOUT, and the next call fetches a fresh token.
   */
  @Test
  void tokenThatArrivesPastItsUsableLife_isNeverHandedOut() throws Exception {
    PoaTokenProvider tokens = provider(builder());
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch asyncRelease = new CountDownLatch(1);
      server.faults().enqueue(Reply.token().heldUntil(asyncRelease));
      java.util.concurrent.CompletableFuture<AccessToken> async = tokens.tokenAsync();
      assertThat(server.awaitTokenRequests(1, Duration.ofSeconds(10))).isTrue();
      clock.advance(Duration.ofSeconds(1770));
      asyncRelease.countDown();
      assertThat(async).failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause().isInstanceOfSatisfying(TokenEndpointUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(TokenEndpointUnavailableException.Reason.TIMEOUT));

      CountDownLatch blockingRelease = new CountDownLatch(1);
      server.faults().enqueue(Reply.token().heldUntil(blockingRelease));
      Future<AccessToken> blocking = caller.submit(tokens::token);
      assertThat(server.awaitTokenRequests(2, Duration.ofSeconds(10))).isTrue();
      clock.advance(Duration.ofSeconds(1770));
      blockingRelease.countDown();
      assertThat(catchThrowable(() -> blocking.get(10, TimeUnit.SECONDS)))
          .cause().isInstanceOfSatisfying(TokenEndpointUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(TokenEndpointUnavailableException.Reason.TIMEOUT);
            assertThat(e.isRetryable()).isTrue();
          });

      AccessToken next = tokens.token();
      assertThat(next.expiresAt()).isAfter(clock.instant());
      assertThat(server.tokenRequestCount()).isEqualTo(3);
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void token_shortLivedTokens_scaleWindowsToLifetime() throws Exception {
    try (PoaSandbox shortLived = PoaSandbox.builder().client(CLIENT_ID, SECRET)
        .tokenLifetime(Duration.ofSeconds(4)).start()) {
      PoaTokenProvider tokens = provider(builder(shortLived));
      AccessToken first = tokens.token();
      // 4 s token: skew at most 0.4 s, refresh-ahead at most 2 s.
      clock.advance(Duration.ofMillis(1999));
      assertThat(tokens.token()).isSameAs(first);
      assertThat(shortLived.tokenRequestCount()).isEqualTo(1);
      clock.advance(Duration.ofMillis(2));
      assertThat(tokens.token()).isSameAs(first);
      assertThat(refreshes.awaitFinished(1)).isTrue();
      assertThat(tokens.token().value()).isNotEqualTo(first.value());
      assertThat(shortLived.tokenRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void backgroundRefreshFailure_isInvisible_andCurrentTokenKeepsBeingServed() throws Exception {
    PoaTokenProvider tokens = provider(builder());
    AccessToken first = tokens.token(); // a blocking caller fetches on its own thread
    server.faults().otherwise(Reply.json(503, "{}"));
    clock.advance(Duration.ofSeconds(1600));

    assertThat(tokens.token()).isSameAs(first);
    // One background refresh: three attempts (the retry config), then it gives up quietly.
    assertThat(refreshes.awaitFinished(1)).isTrue();
    for (int i = 0; i < 50; i++) {
      assertThat(tokens.token()).isSameAs(first);
    }
    assertThat(server.tokenRequestCount()).isEqualTo(4);

    // After the background backoff (1 s after the first failure) it tries again, and recovers.
    server.faults().otherwise(Reply.token());
    clock.advance(Duration.ofSeconds(2));
    assertThat(tokens.token()).isSameAs(first);
    assertThat(refreshes.awaitFinished(1)).isTrue();
    assertThat(tokens.token().value()).isNotEqualTo(first.value());
  }

  @Test
  void transient5xx_thenSuccess_isRetried() {
    server.faults().enqueue(Reply.json(503, "{}"))
        .enqueue(Reply.of(502, "text/html", "<html>Bad gateway</html>"));
    PoaTokenProvider tokens = provider(builder());

    assertThat(server.isValidToken(tokens.token().value())).isTrue();
    assertThat(server.tokenRequestCount()).isEqualTo(3);
  }

  @Test
  void tooManyRequests_honoursRetryAfter() {
    server.faults().enqueue(Reply.json(429, "{}").withHeader("Retry-After", "1"));
    PoaTokenProvider tokens = provider(builder());

    assertThat(server.isValidToken(tokens.token().value())).isTrue();

    List<RecordedRequest> seen = server.recordedRequests();
    assertThat(seen).hasSize(2);
    // A lower bound (the sandbox's clock reads milliseconds): load only makes the gap longer.
    assertThat(Duration.between(seen.get(0).receivedAt(), seen.get(1).receivedAt()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
  }

  @Test
  void retriesExhausted_raiseUnavailable_withCause() {
    server.faults().otherwise(Reply.json(500, "{}"));
    PoaTokenProvider tokens = provider(builder());

    assertThatThrownBy(tokens::token)
        .isInstanceOf(TokenEndpointUnavailableException.class)
        .hasMessageContaining("after 3 attempts")
        .hasMessageContaining("HTTP 500")
        .hasCauseInstanceOf(TokenEndpointUnavailableException.class);
    assertThat(server.tokenRequestCount()).isEqualTo(3);
  }

  @Test
  void droppedConnection_isRetried() {
    server.faults().dropNextConnection();
    PoaTokenProvider tokens = provider(builder());

    assertThat(server.isValidToken(tokens.token().value())).isTrue();
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  @Test
  void slowEndpoint_attemptTimesOut_andIsRetried() {
    server.faults().enqueue(Reply.token().delayed(Duration.ofSeconds(3)));
    PoaTokenProvider tokens = provider(builder().readTimeout(Duration.ofMillis(300)));

    AccessToken token = tokens.token();

    assertThat(server.tokenRequestCount()).isEqualTo(2);
    assertThat(token).isNotNull();
  }

  @Test
  void blockingCall_endsAtTheCallTimeout_notAtTheReadTimeout() {
    server.faults().otherwise(Reply.token().delayed(Duration.ofSeconds(60)));
    PoaTokenProvider tokens = provider(builder().readTimeout(Duration.ofSeconds(30))
        .callTimeout(Duration.ofMillis(400)));

    // The reason tells which timer ended the call: the call timeout, not an attempt's read timeout.
    assertThatThrownBy(tokens::token)
        .isInstanceOfSatisfying(TokenEndpointUnavailableException.class, e -> assertThat(e.reason())
            .isEqualTo(TokenEndpointUnavailableException.Reason.CALL_TIMEOUT))
        .hasMessageContaining("call timeout");
  }

  /** Every supported Resilience4j: the breaker opens, and status() says so, without a request. */
  @Test
  void circuitBreaker_opensAfterFailures() {
    server.faults().otherwise(Reply.json(500, "{}"));
    PoaTokenProvider tokens = provider(builder()
        .retry(1, Duration.ofMillis(10), Duration.ofMillis(10))
        .circuitBreaker(50, 2, 2, Duration.ofSeconds(30)));

    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);

    assertThat(tokens.status().state()).isEqualTo(PoaTokenStatus.State.UNAVAILABLE);
    assertThat(tokens.status().circuitBreakerState()).isEqualTo("OPEN");
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  /** Resilience4j 2.3+ (the breaker reads the provider's clock): fail fast, then a trial. */
  @Test
  @EnabledIf("io.github.poaauth.client.LibraryVersionsTest#breakerTakesClock")
  void circuitBreaker_failsFastWhileOpen_andRecoversHalfOpen_onTheInjectedClock() {
    server.faults().otherwise(Reply.json(500, "{}"));
    PoaTokenProvider tokens = provider(builder()
        .retry(1, Duration.ofMillis(10), Duration.ofMillis(10))
        .circuitBreaker(50, 2, 2, Duration.ofSeconds(30)));
    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);

    assertThatThrownBy(tokens::token)
        .isInstanceOfSatisfying(TokenEndpointUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(TokenEndpointUnavailableException.Reason.CIRCUIT_OPEN))
        .hasMessageContaining("circuit breaker is open");
    assertThat(server.tokenRequestCount()).isEqualTo(2);

    server.faults().otherwise(Reply.token());
    clock.advance(Duration.ofMillis(1001)); // the first open period is 1 s
    assertThat(server.isValidToken(tokens.token().value())).isTrue(); // the half-open trial
    assertThat(server.tokenRequestCount()).isEqualTo(3);
  }

  /**
   * The open state starts at 1 s and doubles after each failed trial, up to the configured
   * duration (5 s here): 1, 2, 4, 5, 5 s, all on the injected clock. Once the endpoint is back,
   * the next trial closes the breaker.
   */
  @Test
  @EnabledIf("io.github.poaauth.client.LibraryVersionsTest#breakerTakesClock")
  void circuitBreaker_openStateDoublesAfterFailedTrials_upToTheOpenDuration_onTheInjectedClock() {
    server.faults().otherwise(Reply.json(500, "{}"));
    PoaTokenProvider tokens = provider(builder()
        .retry(1, Duration.ofMillis(200), Duration.ofSeconds(5))
        .circuitBreaker(50, 2, 2, Duration.ofSeconds(5)));
    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    int requests = 2;

    for (long openMillis : new long[] {1000, 2000, 4000, 5000, 5000}) {
      clock.advance(Duration.ofMillis(openMillis - 100));
      assertThatThrownBy(tokens::token).as("open for %d ms", openMillis)
          .hasMessageContaining("circuit breaker is open");
      assertThat(server.tokenRequestCount()).isEqualTo(requests);
      clock.advance(Duration.ofMillis(200));
      assertThatThrownBy(tokens::token).as("the trial after %d ms", openMillis)
          .hasMessageContaining("HTTP 500");
      assertThat(server.tokenRequestCount()).isEqualTo(++requests);
    }

    server.faults().otherwise(Reply.token());
    clock.advance(Duration.ofMillis(5100));
    assertThat(server.isValidToken(tokens.token().value())).isTrue();
    assertThat(tokens.status().circuitBreakerState()).isEqualTo("CLOSED");
    assertThat(server.tokenRequestCount()).isEqualTo(requests + 1);
  }

  @ParameterizedTest(name = "HTTP {0} {1}")
  @CsvSource({"401, invalid_client", "401, unauthorized_client", "400, unauthorized_client",
      "400, invalid_request"})
  void oauthRejection_isNotRetried_isTyped_andCoolsDown(int status, String code) {
    server.faults().otherwise(oauthError(status, code));
    PoaTokenProvider tokens = provider(builder().rejectionCooldown(Duration.ofSeconds(60)));

    assertThatThrownBy(tokens::token)
        .isInstanceOfSatisfying(CredentialsRejectedException.class, e -> {
          assertThat(e.errorCode()).contains(code);
          assertThat(e.httpStatus()).isEqualTo(status);
          assertThat(e.errorDescription()).contains("Invalid client or Invalid client credentials");
        });
    assertThat(server.tokenRequestCount()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(59));
    assertThatThrownBy(tokens::token)
        .isInstanceOfSatisfying(CredentialsRejectedException.class,
            e -> assertThat(e.errorCode()).contains(code))
        .hasCauseInstanceOf(CredentialsRejectedException.class);
    assertThat(server.tokenRequestCount()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    assertThatThrownBy(tokens::token).isInstanceOf(CredentialsRejectedException.class);
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  @Test
  void rejections_doNotOpenTheCircuitBreaker() {
    server.faults().otherwise(oauthError(401, "invalid_client"));
    PoaTokenProvider tokens = provider(builder()
        .rejectionCooldown(Duration.ZERO)
        .circuitBreaker(50, 2, 2, Duration.ofSeconds(30)));

    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(tokens::token).isInstanceOf(CredentialsRejectedException.class);
    }
    assertThat(server.tokenRequestCount()).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not JSON|application/json|<html>oops</html>|not valid JSON",
      "truncated JSON|application/json|{\"access_token\":\"abc\",\"expires_in\":18|not valid JSON",
      "JSON array|application/json|[1,2]|not a JSON object",
      "empty body|application/json||body is empty",
      "missing access_token|application/json|{\"expires_in\":1800,\"token_type\":\"Bearer\"}|no access_token",
      "blank access_token|application/json|{\"access_token\":\" \",\"expires_in\":1800,\"token_type\":\"Bearer\"}|no access_token",
      "null access_token|application/json|{\"access_token\":null,\"expires_in\":1800,\"token_type\":\"Bearer\"}|no access_token",
      "token_type mac|application/json|{\"access_token\":\"abc\",\"expires_in\":1800,\"token_type\":\"mac\"}|token_type other than Bearer",
      "missing token_type|application/json|{\"access_token\":\"abc\",\"expires_in\":1800}|no token_type",
      "missing expires_in|application/json|{\"access_token\":\"abc\",\"token_type\":\"Bearer\"}|no expires_in",
      "zero expires_in|application/json|{\"access_token\":\"abc\",\"expires_in\":0,\"token_type\":\"Bearer\"}|expires_in 0",
      "negative expires_in|application/json|{\"access_token\":\"abc\",\"expires_in\":-5,\"token_type\":\"Bearer\"}|expires_in -5",
      "string expires_in|application/json|{\"access_token\":\"abc\",\"expires_in\":\"1800\",\"token_type\":\"Bearer\"}|'expires_in' has the wrong type",
      "huge expires_in|application/json|{\"access_token\":\"abc\",\"expires_in\":99999999999,\"token_type\":\"Bearer\"}|'expires_in' has the wrong type",
      "absurd expires_in|application/json|{\"access_token\":\"abc\",\"expires_in\":2000000000,\"token_type\":\"Bearer\"}|expires_in 2000000000",
      "OAuth error in a 200|application/json|{\"error\":\"invalid_client\"}|no access_token",
      "HTML content type|text/html|{\"access_token\":\"abc\",\"expires_in\":1800,\"token_type\":\"Bearer\"}|Content-Type other than application/json",
  })
  void invalidTokenResponse_isTyped_namesTheField_andIsNotRetried(String name, String contentType,
      String body, String message) {
    server.faults().otherwise(Reply.of(200, contentType, body == null ? "" : body));
    PoaTokenProvider tokens = provider(builder());

    assertThatThrownBy(tokens::token)
        .isInstanceOf(InvalidTokenResponseException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("abc"));
    assertThat(server.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void lowerCaseBearer_isAccepted() {
    server.faults().otherwise(Reply.json(200, "{\"access_token\":\"abc\",\"expires_in\":60,\"token_type\":\"bearer\"}"));
    PoaTokenProvider tokens = provider(builder());

    AccessToken token = tokens.token();

    assertThat(token.tokenType()).isEqualTo("bearer");
    assertThat(token.scope()).isEmpty();
    assertThat(token.authorizationHeader()).isEqualTo("Bearer abc");
  }

  @Test
  void redirect_isNeverFollowed() {
    server.faults().otherwise(Reply.status(302).withHeader("Location", "https://elsewhere.example/steal"));
    PoaTokenProvider tokens = provider(builder());

    assertThatThrownBy(tokens::token)
        .isInstanceOf(TokenEndpointUnavailableException.class)
        .hasMessageNotContaining("elsewhere.example")
        .hasMessageContaining("never followed");
    assertThat(server.tokenRequestCount()).isEqualTo(1);
  }

  /** Regression: Keycloak's JSON 404/405 carry an `error` field and were taken for rejections. */
  @ParameterizedTest
  @CsvSource({"404", "405"})
  void wrongAddressWithOAuthShapedBody_isUnavailable_notRejected(int status) {
    server.faults().otherwise(Reply.json(status, "{\"error\":\"Unable to find matching target resource method\"}"));
    PoaTokenProvider tokens = provider(builder());

    assertThatThrownBy(tokens::token)
        .isInstanceOf(TokenEndpointUnavailableException.class)
        .hasMessageContaining("HTTP " + status)
        .hasMessageContaining("check baseUrl");
    assertThat(server.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void invalidate_dropsRejectedToken_butKeepsNewerOne() {
    PoaTokenProvider tokens = provider(builder());
    AccessToken first = tokens.token();

    tokens.invalidate(first);
    AccessToken second = tokens.token();
    tokens.invalidate(first);

    assertThat(second.value()).isNotEqualTo(first.value());
    assertThat(tokens.token()).isSameAs(second);
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  @Test
  void tokenAsync_completesWithToken_andFailsTyped() throws Exception {
    PoaTokenProvider tokens = provider(builder());
    assertThat(server.isValidToken(tokens.tokenAsync().get(5, TimeUnit.SECONDS).value())).isTrue();

    // The sandbox itself answers 401 invalid_client to a client it does not know.
    PoaTokenProvider rejected = provider(builder().clientId("unknown"));
    assertThat(rejected.tokenAsync())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(CredentialsRejectedException.class);
  }

  @Test
  void clockSetBackwards_treatsTokenAsDue_andRefreshesInBackground() throws Exception {
    PoaTokenProvider tokens = provider(builder());
    AccessToken first = tokens.token();
    clock.set(Instant.parse("2026-11-27T09:00:00Z"));

    assertThat(tokens.token()).isSameAs(first);
    assertThat(refreshes.awaitFinished(1)).isTrue();
    AccessToken second = tokens.token();
    assertThat(second).isNotEqualTo(first);
    assertThat(second.issuedAt()).isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
  }

  /**
   * A provider without an executor owns its threads. They are told apart from every other
   * thread of the JVM (other tests' providers included) as the ones that did not exist before
   * this provider was built.
   */
  @Test
  void close_rejectsFurtherCalls() throws Exception {
    PoaTokenProvider tokens = builder().build();
    tokens.token();

    tokens.close();

    for (Throwable failure : List.of(catchThrowable(tokens::token),
        catchThrowable(() -> tokens.tokenAsync().join()).getCause())) {
      assertThat(failure).isInstanceOfSatisfying(TokenEndpointUnavailableException.class, e -> {
        assertThat(e.reason()).isEqualTo(TokenEndpointUnavailableException.Reason.CLOSED);
        assertThat(e.isRetryable()).isFalse();
      }).hasMessageContaining("closed");
    }
    assertThat(tokens.status().state()).isEqualTo(PoaTokenStatus.State.CLOSED);
  }


  /** Runs refresh tasks on its own daemon threads and counts the ones that finished. */
  static final class TrackingExecutor implements java.util.concurrent.Executor {
    private final Semaphore finished = new Semaphore(0);

    @Override
    public void execute(Runnable task) {
      Thread t = new Thread(() -> {
        try {
          task.run();
        } finally {
          finished.release();
        }
      }, "test-refresh");
      t.setDaemon(true);
      t.start();
    }

    /** Waits for {@code n} more refresh tasks to finish (each counts once). */
    boolean awaitFinished(int n) throws InterruptedException {
      return finished.tryAcquire(n, 10, TimeUnit.SECONDS);
    }
  }

}
