package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real {@link PoaTokenProvider} against the sandbox: every rejection and fault mode, as a
 * partner's resilience test would drive it. (Here rather than in poa-auth-sandbox: the sandbox
 * must not depend on the client, not even for its tests.)
 */
class ProviderAgainstSandboxTest {

  private static final String ID = "partner-1";
  private static final String SECRET = "Sandbox-Secret-Value&x=1";
  private static final int ATTEMPTS = 3;

  @RegisterExtension
  static final PoaSandboxExtension POA =
      new PoaSandboxExtension(PoaSandbox.builder().client(ID, SECRET));

  private final List<PoaTokenProvider> providers = new ArrayList<>();

  @AfterEach
  void closeProviders() {
    providers.forEach(PoaTokenProvider::close);
  }

  @Test
  void registeredClient_getsTheSandboxesToken_withThePagesLifetimeTypeAndScope() {
    PoaTokenProvider tokens = provider(builder());

    AccessToken token = tokens.token();

    assertThat(POA.sandbox().isValidToken(token.value())).isTrue();
    assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(1800));
    assertThat(token.tokenType()).isEqualTo("Bearer");
    assertThat(token.scope()).hasValue("partner");
    assertThat(POA.sandbox().lastTokenRequest(ID).orElseThrow().formFields())
        .containsOnlyKeys("client_id", "client_secret", "grant_type");
  }

  @Test
  void secondToken_comesFromTheCache_withoutASecondRequest() {
    PoaTokenProvider tokens = provider(builder());

    AccessToken first = tokens.token();
    AccessToken second = tokens.token();

    assertThat(second).isEqualTo(first);
    assertThat(POA.sandbox().tokenRequestCount(ID)).isEqualTo(1);
  }

  @Test
  void wrongSecret_isRejectedAsUnauthorizedClient_withoutRetry() {
    PoaTokenProvider tokens = provider(builder().clientSecret("wrong-secret"));

    CredentialsRejectedException rejected =
        catchThrowableOfType(CredentialsRejectedException.class, tokens::token);

    assertThat(rejected.httpStatus()).isEqualTo(401);
    assertThat(rejected.errorCode()).hasValue("unauthorized_client");
    assertThat(rejected.errorDescription()).hasValue("Invalid client or Invalid client credentials");
    assertThat(rejected).hasMessageNotContaining("wrong-secret");
    assertThat(POA.sandbox().tokenRequestCount(ID)).isEqualTo(1);
  }

  @Test
  void unknownClient_isRejectedAsInvalidClient_withoutRetry() {
    PoaTokenProvider tokens = provider(builder().clientId("stranger"));

    CredentialsRejectedException rejected =
        catchThrowableOfType(CredentialsRejectedException.class, tokens::token);

    assertThat(rejected.httpStatus()).isEqualTo(401);
    assertThat(rejected.errorCode()).hasValue("invalid_client");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void rejection_isRepeatedDuringTheCooldown_withoutAskingTheSandboxAgain() {
    PoaTokenProvider tokens = provider(builder().clientSecret("wrong-secret"));
    catchThrowableOfType(CredentialsRejectedException.class, tokens::token);

    CredentialsRejectedException repeated =
        catchThrowableOfType(CredentialsRejectedException.class, tokens::token);

    assertThat(repeated.errorCode()).hasValue("unauthorized_client");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void serverErrors_areRetried_thenTheTokenArrives() {
    POA.sandbox().faults().failNext(ATTEMPTS - 1, 503);
    PoaTokenProvider tokens = provider(builder());

    AccessToken token = tokens.token();

    assertThat(POA.sandbox().isValidToken(token.value())).isTrue();
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(ATTEMPTS);
  }

  @Test
  void serverErrorsOnEveryAttempt_makeTheEndpointUnavailable() {
    POA.sandbox().faults().failNext(ATTEMPTS, 500);
    PoaTokenProvider tokens = provider(builder());

    TokenEndpointUnavailableException unavailable =
        catchThrowableOfType(TokenEndpointUnavailableException.class, tokens::token);

    assertThat(unavailable).hasMessageContaining("HTTP 500");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(ATTEMPTS);
    assertThat(POA.sandbox().faults().pending()).isZero();
  }

  @Test
  void tooManyRequests_isRetriedNoSoonerThanRetryAfter() {
    POA.sandbox().faults().tooManyRequests(1, 1);
    PoaTokenProvider tokens = provider(builder());

    long started = System.nanoTime();
    AccessToken token = tokens.token();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(POA.sandbox().isValidToken(token.value())).isTrue();
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(2);
    // The retry waits 10 ms by configuration; only Retry-After explains a second.
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void droppedConnection_isRetried_thenTheTokenArrives() {
    POA.sandbox().faults().dropNextConnection();
    PoaTokenProvider tokens = provider(builder());

    AccessToken token = tokens.token();

    assertThat(POA.sandbox().isValidToken(token.value())).isTrue();
    assertThat(POA.sandbox().recordedRequests()).extracting(r -> r.responseStatus().orElse(0))
        .containsExactly(0, 200);
  }

  @Test
  void droppedConnectionOnEveryAttempt_makesTheEndpointUnavailable() {
    POA.sandbox().faults().dropNextConnections(ATTEMPTS);
    PoaTokenProvider tokens = provider(builder());

    TokenEndpointUnavailableException unavailable =
        catchThrowableOfType(TokenEndpointUnavailableException.class, tokens::token);

    assertThat(unavailable).hasMessageContaining("I/O error");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(ATTEMPTS);
  }

  @Test
  void malformedBody_isAnInvalidTokenResponse_notRetried() {
    POA.sandbox().faults().malformedNextBody();
    PoaTokenProvider tokens = provider(builder());

    InvalidTokenResponseException invalid =
        catchThrowableOfType(InvalidTokenResponseException.class, tokens::token);

    assertThat(invalid).hasMessageContaining("not valid JSON");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void latencyBeyondTheReadTimeout_makesTheEndpointUnavailable_afterEveryAttempt() {
    POA.sandbox().faults().latency(Duration.ofSeconds(30));
    PoaTokenProvider tokens = provider(builder().readTimeout(Duration.ofMillis(200)));

    TokenEndpointUnavailableException unavailable =
        catchThrowableOfType(TokenEndpointUnavailableException.class, tokens::token);

    assertThat(unavailable).isNotNull();
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(ATTEMPTS);
  }

  @Test
  void latencyWithinTheReadTimeout_stillGivesTheToken() {
    POA.sandbox().faults().latency(Duration.ofMillis(100));
    PoaTokenProvider tokens = provider(builder());

    AccessToken token = tokens.token();

    assertThat(POA.sandbox().isValidToken(token.value())).isTrue();
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void mixedOutage_503Then429ThenDrop_isRiddenOut() {
    POA.sandbox().faults().failNext(1, 503).tooManyRequests(1, 0).dropNextConnection();
    PoaTokenProvider tokens = provider(fastRetries(builder(), 4));

    AccessToken token = tokens.token();

    assertThat(POA.sandbox().isValidToken(token.value())).isTrue();
    assertThat(POA.sandbox().recordedRequests()).extracting(r -> r.responseStatus().orElse(0))
        .containsExactly(503, 429, 0, 200);
  }

  @Test
  void wrongBaseUrl_404_makesTheEndpointUnavailable_asTheReadmeSays() {
    PoaTokenProvider tokens = provider(builder().baseUrl(POA.sandbox().baseUrl() + "/wrong"));

    TokenEndpointUnavailableException unavailable =
        catchThrowableOfType(TokenEndpointUnavailableException.class, tokens::token);

    assertThat(unavailable).hasMessageContaining("404");
  }

  @Test
  void fullHttpLog_neverContainsTheSecretOrTheToken() throws Exception {
    PoaTokenProvider tokens = provider(builder());

    AccessToken token = tokens.token();

    String log = Files.readString(Path.of("target/poa-auth-client-test.log"),
        StandardCharsets.UTF_8);
    assertThat(log).contains(PoaSandbox.TOKEN_PATH)
        .doesNotContain(SECRET, token.value());
  }

  private PoaTokenProvider.Builder builder() {
    return fastRetries(PoaTokenProvider.builder()
        .baseUrl(POA.sandbox().baseUrl())
        .clientId(ID)
        .clientSecret(SECRET)
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5))
        .callTimeout(Duration.ofSeconds(20)), ATTEMPTS);
  }

  private static PoaTokenProvider.Builder fastRetries(PoaTokenProvider.Builder b, int attempts) {
    return b.retry(attempts, Duration.ofMillis(10), Duration.ofMillis(10));
  }

  private PoaTokenProvider provider(PoaTokenProvider.Builder builder) {
    PoaTokenProvider provider = builder.build();
    providers.add(provider);
    return provider;
  }
}
