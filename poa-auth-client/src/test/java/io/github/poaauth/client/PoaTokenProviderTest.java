package io.github.poaauth.client;

import static io.github.poaauth.client.ScriptedTokenServer.delayed;
import static io.github.poaauth.client.ScriptedTokenServer.dropConnection;
import static io.github.poaauth.client.ScriptedTokenServer.heldUntil;
import static io.github.poaauth.client.ScriptedTokenServer.json;
import static io.github.poaauth.client.ScriptedTokenServer.oauthError;
import static io.github.poaauth.client.ScriptedTokenServer.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.RetryConfig;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoaTokenProviderTest {
  static final String CLIENT_ID = "partner-1";
  static final String SECRET = "s3cr3t-Value&with=chars";

  private ScriptedTokenServer server;
  private final MutableClock clock = MutableClock.atFixedStart();
  private final List<PoaTokenProvider> providers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedTokenServer();
  }

  @AfterEach
  void stop() {
    providers.forEach(PoaTokenProvider::close);
    server.close();
  }

  private PoaTokenProvider.Builder builder() {
    return PoaTokenProvider.builder()
        .baseUrl(server.baseUrl())
        .clientId(CLIENT_ID)
        .clientSecret(SECRET)
        .refreshJitter(false) // these tests check exact refresh points
        .clock(clock)
        .connectTimeout(Duration.ofSeconds(1))
        .readTimeout(Duration.ofSeconds(2))
        .callTimeout(Duration.ofSeconds(10))
        .maxAttempts(3)
        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(10));
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

    assertThat(token.value()).isEqualTo("token-1");
    assertThat(token.tokenType()).isEqualTo("Bearer");
    assertThat(token.scope()).contains("partner");
    assertThat(token.issuedAt()).isEqualTo(clock.instant());
    assertThat(token.expiresAt()).isEqualTo(clock.instant().plusSeconds(1800));
    assertThat(token.authorizationHeader()).isEqualTo("Bearer token-1");
    ScriptedTokenServer.Recorded request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo(ScriptedTokenServer.TOKEN_PATH);
    assertThat(request.headers().get("Content-type").get(0)).startsWith("application/x-www-form-urlencoded");
    assertThat(request.headers().get("Accept")).containsExactly("application/json");
    assertThat(request.form()).isEqualTo(Map.of(
        "client_id", CLIENT_ID, "client_secret", SECRET, "grant_type", "client_credentials"));
  }

  @Test
  void token_whenFresh_returnsCachedWithoutRequest() {
    PoaTokenProvider tokens = provider(builder());
    AccessToken first = tokens.token();
    clock.advance(Duration.ofMinutes(20));

    assertThat(tokens.token()).isSameAs(first);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void token_coldStartStormOf64Threads_sendsExactlyOneRequest() throws Exception {
    server.otherwise(delayed(Duration.ofMillis(300), server.token(1800)));
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
      assertThat(values).containsExactly("token-1");
      assertThat(server.requestCount()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void token_inRefreshAheadWindow_returnsCurrentAtOnce_andRefreshesOnceInBackground() throws Exception {
    PoaTokenProvider tokens = provider(builder()
        .refreshAhead(Duration.ofSeconds(30)).expirySkew(Duration.ofSeconds(5)));
    AccessToken first = tokens.token();
    assertThat(server.awaitRequests(1, Duration.ofSeconds(5))).isTrue();
    CountDownLatch release = new CountDownLatch(1);
    server.enqueue(heldUntil(release, server.token(100)));
    // Lifetime 1800 s; refresh-ahead 30 s: the window opens at 1770 s.
    clock.advance(Duration.ofSeconds(1771));

    for (int i = 0; i < 100; i++) {
      assertThat(tokens.token()).isSameAs(first);
    }
    assertThat(server.awaitRequests(1, Duration.ofSeconds(5))).isTrue();
    assertThat(tokens.token()).isSameAs(first);
    release.countDown();

    AccessToken second = awaitTokenOtherThan(tokens, first);
    assertThat(second.value()).isEqualTo("token-2");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void token_whenExpired_blocksForNewToken() {
    PoaTokenProvider tokens = provider(builder().refreshAhead(Duration.ZERO));
    AccessToken first = tokens.token();
    // Handed out until 1800 s minus the 30 s default skew.
    clock.advance(Duration.ofSeconds(1769));
    assertThat(tokens.token()).isSameAs(first);
    assertThat(server.requestCount()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));

    assertThat(tokens.token().value()).isEqualTo("token-2");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void token_shortLivedTokens_scaleWindowsToLifetime() throws Exception {
    server.otherwise(server.token(4));
    PoaTokenProvider tokens = provider(builder());
    AccessToken first = tokens.token();
    // 4 s token: skew at most 0.4 s, refresh-ahead at most 2 s.
    clock.advance(Duration.ofMillis(1999));
    assertThat(tokens.token()).isSameAs(first);
    assertThat(server.requestCount()).isEqualTo(1);
    clock.advance(Duration.ofMillis(2));
    assertThat(tokens.token()).isSameAs(first);
    assertThat(awaitTokenOtherThan(tokens, first).value()).isEqualTo("token-2");
  }

  @Test
  void backgroundRefreshFailure_isInvisible_andCurrentTokenKeepsBeingServed() throws Exception {
    TrackingExecutor refreshes = new TrackingExecutor();
    PoaTokenProvider tokens = provider(builder().executor(refreshes));
    AccessToken first = tokens.token(); // a blocking caller fetches on its own thread
    server.otherwise(json(503, "{}"));
    clock.advance(Duration.ofSeconds(1600));

    assertThat(tokens.token()).isSameAs(first);
    // One background refresh: three attempts (the retry config), then it gives up quietly.
    assertThat(refreshes.awaitFinished(1)).isTrue();
    for (int i = 0; i < 50; i++) {
      assertThat(tokens.token()).isSameAs(first);
    }
    assertThat(server.requestCount()).isEqualTo(4);

    // After the background backoff (1 s after the first failure) it tries again, and recovers.
    server.otherwise(server.token(1800));
    clock.advance(Duration.ofSeconds(2));
    assertThat(tokens.token()).isSameAs(first);
    assertThat(awaitTokenOtherThan(tokens, first).value()).isEqualTo("token-2");
  }

  @Test
  void transient5xx_thenSuccess_isRetried() {
    server.enqueue(json(503, "{}"), raw(502, "text/html", "<html>Bad gateway</html>"));
    PoaTokenProvider tokens = provider(builder());

    assertThat(tokens.token().value()).isEqualTo("token-1");
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void tooManyRequests_honoursRetryAfter() {
    server.enqueue(json(429, "{}", "Retry-After", "1"));
    PoaTokenProvider tokens = provider(builder());

    assertThat(tokens.token().value()).isEqualTo("token-1");

    List<ScriptedTokenServer.Recorded> seen = server.requests();
    assertThat(seen).hasSize(2);
    long gapMillis = TimeUnit.NANOSECONDS.toMillis(seen.get(1).receivedNanos() - seen.get(0).receivedNanos());
    assertThat(gapMillis).isGreaterThanOrEqualTo(950);
  }

  @Test
  void retriesExhausted_raiseUnavailable_withCause() {
    server.otherwise(json(500, "{}"));
    PoaTokenProvider tokens = provider(builder());

    assertThatThrownBy(tokens::token)
        .isInstanceOf(TokenEndpointUnavailableException.class)
        .hasMessageContaining("after 3 attempts")
        .hasMessageContaining("HTTP 500")
        .hasCauseInstanceOf(TokenEndpointUnavailableException.class);
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void droppedConnection_isRetried() {
    server.enqueue(dropConnection());
    PoaTokenProvider tokens = provider(builder());

    assertThat(tokens.token().value()).isEqualTo("token-1");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void slowEndpoint_attemptTimesOut_andIsRetried() {
    server.enqueue(delayed(Duration.ofSeconds(3), server.token(1800)));
    PoaTokenProvider tokens = provider(builder().readTimeout(Duration.ofMillis(300)));

    AccessToken token = tokens.token();

    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(token).isNotNull();
  }

  @Test
  void blockingCall_neverWaitsLongerThanCallTimeout() {
    server.otherwise(delayed(Duration.ofSeconds(5), server.token(1800)));
    PoaTokenProvider tokens = provider(builder().callTimeout(Duration.ofMillis(400)));

    long start = System.nanoTime();
    assertThatThrownBy(tokens::token)
        .isInstanceOf(TokenEndpointUnavailableException.class)
        .hasMessageContaining("call timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void circuitBreaker_opensAfterFailures_failsFast_andRecoversHalfOpen() throws Exception {
    server.otherwise(json(500, "{}"));
    PoaTokenProvider tokens = provider(builder()
        .maxAttempts(1)
        .circuitBreakerWindow(2, 2)
        .circuitBreakerFailureRateThreshold(50)
        .circuitBreakerOpenDuration(Duration.ofMillis(300)));

    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    assertThat(server.requestCount()).isEqualTo(2);

    assertThatThrownBy(tokens::token)
        .isInstanceOf(TokenEndpointUnavailableException.class)
        .hasMessageContaining("circuit breaker is open")
        .hasRootCauseInstanceOf(CallNotPermittedException.class);
    assertThat(server.requestCount()).isEqualTo(2);

    server.otherwise(server.token(1800));
    clock.advance(Duration.ofMillis(400)); // the breaker measures its open state on the provider's clock
    assertThat(tokens.token().value()).isEqualTo("token-1");
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @ParameterizedTest(name = "HTTP {0} {1}")
  @CsvSource({"401, invalid_client", "401, unauthorized_client", "400, unauthorized_client",
      "400, invalid_request"})
  void oauthRejection_isNotRetried_isTyped_andCoolsDown(int status, String code) {
    server.otherwise(oauthError(status, code));
    PoaTokenProvider tokens = provider(builder().rejectionCooldown(Duration.ofSeconds(60)));

    assertThatThrownBy(tokens::token)
        .isInstanceOfSatisfying(CredentialsRejectedException.class, e -> {
          assertThat(e.errorCode()).contains(code);
          assertThat(e.httpStatus()).isEqualTo(status);
          assertThat(e.errorDescription()).contains("Invalid client or Invalid client credentials");
        });
    assertThat(server.requestCount()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(59));
    assertThatThrownBy(tokens::token)
        .isInstanceOfSatisfying(CredentialsRejectedException.class,
            e -> assertThat(e.errorCode()).contains(code))
        .hasCauseInstanceOf(CredentialsRejectedException.class);
    assertThat(server.requestCount()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    assertThatThrownBy(tokens::token).isInstanceOf(CredentialsRejectedException.class);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void rejections_doNotOpenTheCircuitBreaker() {
    server.otherwise(oauthError(401, "invalid_client"));
    PoaTokenProvider tokens = provider(builder()
        .rejectionCooldown(Duration.ZERO)
        .circuitBreakerWindow(2, 2));

    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(tokens::token).isInstanceOf(CredentialsRejectedException.class);
    }
    assertThat(server.requestCount()).isEqualTo(4);
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
    server.otherwise(raw(200, contentType, body == null ? "" : body));
    PoaTokenProvider tokens = provider(builder());

    assertThatThrownBy(tokens::token)
        .isInstanceOf(InvalidTokenResponseException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("abc"));
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void lowerCaseBearer_isAccepted() {
    server.otherwise(json(200, "{\"access_token\":\"abc\",\"expires_in\":60,\"token_type\":\"bearer\"}"));
    PoaTokenProvider tokens = provider(builder());

    AccessToken token = tokens.token();

    assertThat(token.tokenType()).isEqualTo("bearer");
    assertThat(token.scope()).isEmpty();
    assertThat(token.authorizationHeader()).isEqualTo("Bearer abc");
  }

  @Test
  void redirect_isNeverFollowed() {
    server.otherwise(raw(302, null, "", "Location", "https://elsewhere.example/steal"));
    PoaTokenProvider tokens = provider(builder());

    assertThatThrownBy(tokens::token)
        .isInstanceOf(TokenEndpointUnavailableException.class)
        .hasMessageNotContaining("elsewhere.example")
        .hasMessageContaining("never followed");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  /** Regression: Keycloak's JSON 404/405 carry an `error` field and were taken for rejections. */
  @ParameterizedTest
  @CsvSource({"404", "405"})
  void wrongAddressWithOAuthShapedBody_isUnavailable_notRejected(int status) {
    server.otherwise(json(status, "{\"error\":\"Unable to find matching target resource method\"}"));
    PoaTokenProvider tokens = provider(builder());

    assertThatThrownBy(tokens::token)
        .isInstanceOf(TokenEndpointUnavailableException.class)
        .hasMessageContaining("HTTP " + status)
        .hasMessageContaining("check baseUrl");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void invalidate_dropsRejectedToken_butKeepsNewerOne() {
    PoaTokenProvider tokens = provider(builder());
    AccessToken first = tokens.token();

    tokens.invalidate(first);
    AccessToken second = tokens.token();
    tokens.invalidate(first);

    assertThat(second.value()).isEqualTo("token-2");
    assertThat(tokens.token()).isSameAs(second);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void tokenAsync_completesWithToken_andFailsTyped() throws Exception {
    PoaTokenProvider tokens = provider(builder());
    assertThat(tokens.tokenAsync().get(5, TimeUnit.SECONDS).value()).isEqualTo("token-1");

    server.otherwise(oauthError(401, "invalid_client"));
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
    AccessToken second = awaitTokenOtherThan(tokens, first);
    assertThat(second.issuedAt()).isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
  }

  @Test
  void close_rejectsFurtherCalls() throws Exception {
    PoaTokenProvider tokens = builder().build();
    tokens.token();

    tokens.close();

    assertThatThrownBy(tokens::token).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  private static AccessToken awaitTokenOtherThan(PoaTokenProvider tokens, AccessToken old)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      AccessToken t = tokens.token();
      if (!t.equals(old)) {
        return t;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no new token within 10 s");
  }

  /** Runs refresh tasks on its own daemon threads and counts the ones that finished. */
  static final class TrackingExecutor implements java.util.concurrent.Executor {
    private final java.util.concurrent.Semaphore finished = new java.util.concurrent.Semaphore(0);

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

    boolean awaitFinished(int n) throws InterruptedException {
      return finished.tryAcquire(n, 10, TimeUnit.SECONDS);
    }
  }

}
