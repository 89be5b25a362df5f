package io.github.poaauth.sample;

import static io.github.poaauth.keycloak.support.JwksProtectedApi.Verdict.ACCEPTED;
import static io.github.poaauth.keycloak.support.JwksProtectedApi.Verdict.REVOKED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import feign.FeignException;
import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import io.github.poaauth.keycloak.support.JwksProtectedApi;
import io.github.poaauth.keycloak.support.Jwt;
import io.github.poaauth.keycloak.support.KeycloakExtension;
import io.github.poaauth.keycloak.support.PoaKeycloak;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.HttpClientErrorException;

/**
 * The sample service, unchanged, against a real Keycloak configured like POA's (profile
 * {@code keycloak}; poa-auth-keycloak-support): its three {@code poa.auth.*} properties point at
 * POA's token path on the gateway in front of Keycloak's realm {@code cybrillarta}, and its POA
 * API is {@link JwksProtectedApi}, which accepts a bearer token only if its RS256 signature
 * verifies against the keys Keycloak publishes (JWKS) and it has not expired. So an accepted call
 * proves the token came from Keycloak, through the starter, on both the Feign client and the
 * {@code RestClient}.
 *
 * <p>Nothing here waits on time: every call is synchronous, bounded by the provider's configured
 * timeouts, and Keycloak's start by {@code poa.keycloak.start-timeout-seconds}.
 */
@SpringBootTest
@ExtendWith({KeycloakExtension.class, OutputCaptureExtension.class})
// The application (its token provider) closes after this class, while Keycloak still runs;
// Keycloak stops at the end of the test run (KeycloakExtension).
@DirtiesContext
class PartnerServiceAgainstKeycloakIT {

  /** Longer than this class runs: the API fetches Keycloak's keys once, when it starts. */
  private static final Duration JWKS_MAX_AGE = Duration.ofMinutes(10);

  private static PoaKeycloak keycloak;
  private static JwksProtectedApi poaApi;

  @Autowired PoaOrdersClient feign;
  @Autowired PoaOrdersRestClient rest;
  @Autowired PoaTokenProvider tokens;
  @Autowired HealthEndpoint health;

  /** The sample's two clients of the POA API. */
  enum Client { FEIGN, REST_CLIENT }

  @BeforeAll
  static void startPoaApi(PoaKeycloak running) throws IOException {
    keycloak = running;
    poaApi = JwksProtectedApi.start(running.server().baseUri(), JWKS_MAX_AGE);
  }

  @AfterAll
  static void stopPoaApi() {
    if (poaApi != null) {
      poaApi.close();
    }
  }

  /** Read when the application context starts, after {@link #startPoaApi}. */
  @DynamicPropertySource
  static void poaIsKeycloak(DynamicPropertyRegistry registry) {
    registry.add("poa.auth.base-url", () -> keycloak.baseUrl());
    registry.add("poa.auth.client-id", () -> CybrillartaRealm.PARTNER_CLIENT_ID);
    registry.add("poa.auth.client-secret", () -> CybrillartaRealm.PARTNER_CLIENT_SECRET);
    // The API's host and port only: no other loopback port (the gateway's) receives the token.
    registry.add("poa.auth.api-hosts", () -> poaApi.hostAndPort());
    registry.add("partner.poa-api-url", () -> poaApi.baseUrl() + JwksProtectedApi.BASE_PATH);
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void call_getsATokenFromKeycloakThroughPoasTokenPath_whichThePoaApiVerifiesAgainstKeycloaksKeys(
      Client client) {
    // The call itself has to get a token.
    tokens.invalidate(tokens.token());
    int tokenRequests = keycloak.gateway().tokenRequests();
    long accepted = poaApi.verdicts(ACCEPTED);

    assertThat(order(client, "42")).isEqualTo(JwksProtectedApi.ACCEPTED_BODY);

    assertThat(keycloak.gateway().tokenRequests())
        .as("token requests on POA's path, forwarded to Keycloak").isEqualTo(tokenRequests + 1);
    assertThat(poaApi.verdicts(ACCEPTED))
        .as("requests whose token's signature verified against Keycloak's JWKS")
        .isEqualTo(accepted + 1);
    Jwt jwt = Jwt.decode(tokens.token().value());
    assertThat(jwt.claims.path("iss").asText())
        .isEqualTo(keycloak.server().baseUri() + "/realms/" + CybrillartaRealm.NAME);
    assertThat(jwt.claims.path("azp").asText()).isEqualTo(CybrillartaRealm.PARTNER_CLIENT_ID);
    assertThat(jwt.claims.path("scope").asText()).isEqualTo(CybrillartaRealm.PARTNER_SCOPE);
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void aTokenThePoaApiRevokes_isReplacedByOneNewKeycloakToken_andTheCallSucceeds(Client client) {
    String revokedJti = jti(tokens.token());
    int tokenRequests = keycloak.gateway().tokenRequests();
    long accepted = poaApi.verdicts(ACCEPTED);
    long revoked = poaApi.verdicts(REVOKED);
    poaApi.rejectTokens(1);

    assertThat(order(client, "7")).isEqualTo(JwksProtectedApi.ACCEPTED_BODY);

    assertThat(poaApi.verdicts(REVOKED)).as("401s the API answered").isEqualTo(revoked + 1);
    assertThat(keycloak.gateway().tokenRequests()).as("new tokens asked for")
        .isEqualTo(tokenRequests + 1);
    assertThat(poaApi.verdicts(ACCEPTED)).as("the retry, accepted").isEqualTo(accepted + 1);
    assertThat(jti(tokens.token())).as("the cached token's id").isNotEqualTo(revokedJti);
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void aSecond401_reachesTheCaller_afterOneNewToken(Client client) {
    tokens.token();
    int tokenRequests = keycloak.gateway().tokenRequests();
    long revoked = poaApi.verdicts(REVOKED);
    poaApi.rejectTokens(2);

    Throwable failure = catchThrowable(() -> order(client, "8"));

    assertThat(status(failure)).as("status of what the caller got").isEqualTo(401);
    assertThat(poaApi.verdicts(REVOKED)).as("401s the API answered").isEqualTo(revoked + 2);
    assertThat(keycloak.gateway().tokenRequests()).as("new tokens asked for")
        .isEqualTo(tokenRequests + 1);
  }

  @Test
  void afterACall_poaAuthHealthIsUp_withTheKeycloakTokensLifetime() {
    feign.order("1");

    IndicatedHealthDescriptor poaAuth = (IndicatedHealthDescriptor) health.healthForPath("poaAuth");
    assertThat(poaAuth.getStatus()).isEqualTo(Status.UP);
    assertThat(Duration.parse((String) poaAuth.getDetails().get("tokenExpiresIn")))
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofSeconds(CybrillartaRealm.ACCESS_TOKEN_LIFESPAN_SECONDS));
  }

  /**
   * Whatever a test did, the output (the application's log, Keycloak's start) holds neither the
   * client secret nor a token: every token of the realm starts with the same encoded JWT header.
   * Checked with booleans, so that a failure does not print them either.
   */
  @AfterEach
  void noSecretOrTokenInTheOutput(CapturedOutput output) {
    String value = tokens.token().value();
    String tokenHeader = value.substring(0, value.indexOf('.') + 1);
    String all = output.getAll();
    assertThat(all.contains(CybrillartaRealm.PARTNER_CLIENT_SECRET)).as("client secret in the output")
        .isFalse();
    assertThat(all.contains(tokenHeader)).as("a token in the output").isFalse();
  }

  private String order(Client client, String id) {
    return client == Client.FEIGN ? feign.order(id) : rest.order(id);
  }

  private static String jti(AccessToken token) {
    return Jwt.decode(token.value()).claims.path("jti").asText();
  }

  private static int status(Throwable failure) {
    if (failure instanceof FeignException feignFailure) {
      return feignFailure.status();
    }
    if (failure instanceof HttpClientErrorException restFailure) {
      return restFailure.getStatusCode().value();
    }
    throw new AssertionError("not an HTTP error of either client: " + failure);
  }
}
