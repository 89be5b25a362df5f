package io.github.poaauth.contract;

import static io.github.poaauth.contract.PartnerCredentials.CREDENTIAL_PATTERN;
import static io.github.poaauth.contract.PartnerCredentials.EXAMPLE_CLIENT_ID;
import static io.github.poaauth.contract.PartnerCredentials.EXAMPLE_CLIENT_SECRET;
import static io.github.poaauth.contract.PartnerCredentials.EXAMPLE_UNKNOWN_CLIENT_ID;
import static io.github.poaauth.contract.PartnerCredentials.EXAMPLE_WRONG_CLIENT_SECRET;
import static io.github.poaauth.contract.PartnerCredentials.SENT_CLIENT_ID;
import static io.github.poaauth.contract.PartnerCredentials.SENT_CLIENT_SECRET;
import static io.github.poaauth.contract.PartnerCredentials.SENT_UNKNOWN_CLIENT_ID;
import static io.github.poaauth.contract.PartnerCredentials.SENT_WRONG_CLIENT_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.FormPostBuilder;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.ContentType;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import com.fasterxml.jackson.databind.ObjectMapper;
import feign.Feign;
import feign.FeignException;
import feign.form.FormEncoder;
import feign.http2client.Http2Client;
import feign.jackson.JacksonDecoder;
import feign.jackson.JacksonEncoder;
import io.github.poaauth.api.TokenApi;
import io.github.poaauth.api.model.OAuthError;
import io.github.poaauth.api.model.TokenResponse;
import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Consumer contract of poa-auth-client with POA's token endpoint (Pact specification V4).
 *
 * <p>One {@code @Pact} method per interaction; each interaction is exercised by the generated
 * Feign interface (what goes over the wire) and by the real {@code PoaTokenProvider} (what
 * partner code sees). The request side pins what the client sends; the response side pins only
 * the shape the client relies on, with matchers instead of sample values.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = PoaTokenEndpointPactTest.PROVIDER)
class PoaTokenEndpointPactTest {

  static final String CONSUMER = "poa-auth-client";
  static final String PROVIDER = "poa-auth";

  static final String TOKEN_PATH = PoaSandbox.TOKEN_PATH;
  static final String GRANT_TYPE = "client_credentials";
  /**
   * Without a charset on purpose: {@code new FormPostBuilder()} defaults to ISO-8859-1, and the
   * mock server then rejects Feign's UTF-8 body. A pact header without parameters accepts the
   * {@code ; charset=UTF-8} the client adds.
   */
  static final String FORM_URLENCODED = "application/x-www-form-urlencoded";
  static final String JSON = "application/json";

  static final String REGISTERED = "partner client is registered";
  static final String WRONG_SECRET = "partner client secret is wrong";
  static final String UNKNOWN_CLIENT = "partner client is unknown";

  static final String EXAMPLE_ACCESS_TOKEN = "example-access-token-not-a-real-jwt";

  private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

  // ---------------------------------------------------------------- interactions

  @Pact(consumer = CONSUMER, provider = PROVIDER)
  V4Pact registeredPartnerGetsToken(PactDslWithProvider builder) {
    return builder
        .given(REGISTERED)
        .uponReceiving("a client credentials token request from a registered partner")
          .method("POST")
          .path(TOKEN_PATH)
          .headers(requestHeaders())
          .body(credentialsForm(EXAMPLE_CLIENT_ID, EXAMPLE_CLIENT_SECRET))
        .willRespondWith()
          .status(200)
          .headers(Map.of("Content-Type", JSON))
          .body(new PactDslJsonBody()
              .stringType("access_token", EXAMPLE_ACCESS_TOKEN)
              // RFC 6749 section 5.1: the token type is case-insensitive.
              .stringMatcher("token_type", "(?i)bearer", "Bearer")
              // An integer greater than zero: the client counts the expiry from it.
              .integerMatching("expires_in", "[1-9][0-9]*", 1800)
              .integerType("refresh_expires_in", 0)
              .integerType("not-before-policy", 0)
              .stringType("scope", "partner"))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = CONSUMER, provider = PROVIDER)
  V4Pact wrongSecretIsRejected(PactDslWithProvider builder) {
    return builder
        .given(WRONG_SECRET)
        .uponReceiving("a client credentials token request with a wrong client secret")
          .method("POST")
          .path(TOKEN_PATH)
          .headers(requestHeaders())
          .body(credentialsForm(EXAMPLE_CLIENT_ID, EXAMPLE_WRONG_CLIENT_SECRET))
        .willRespondWith()
          .status(401)
          .headers(Map.of("Content-Type", JSON))
          .body(new PactDslJsonBody()
              // Keycloak answers a wrong secret with unauthorized_client, newer versions with
              // invalid_client; the client treats both as rejected credentials.
              .stringMatcher("error", "unauthorized_client|invalid_client", "unauthorized_client")
              .stringType("error_description", "Invalid client or Invalid client credentials"))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = CONSUMER, provider = PROVIDER)
  V4Pact unknownClientIsRejected(PactDslWithProvider builder) {
    return builder
        .given(UNKNOWN_CLIENT)
        .uponReceiving("a client credentials token request from an unknown client")
          .method("POST")
          .path(TOKEN_PATH)
          .headers(requestHeaders())
          .body(credentialsForm(EXAMPLE_UNKNOWN_CLIENT_ID, EXAMPLE_CLIENT_SECRET))
        .willRespondWith()
          .status(401)
          .headers(Map.of("Content-Type", JSON))
          .body(new PactDslJsonBody()
              .stringValue("error", "invalid_client")
              .stringType("error_description", "Invalid client or Invalid client credentials"))
        .toPact(V4Pact.class);
  }

  private static Map<String, String> requestHeaders() {
    return Map.of("Content-Type", FORM_URLENCODED, "Accept", JSON);
  }

  /** The three form parameters: credentials by pattern (only the fake examples are written), grant exact. */
  private static FormPostBuilder credentialsForm(String exampleClientId, String exampleClientSecret) {
    return new FormPostBuilder(new ContentType(FORM_URLENCODED))
        .stringMatcher("client_id", CREDENTIAL_PATTERN, exampleClientId)
        .stringMatcher("client_secret", CREDENTIAL_PATTERN, exampleClientSecret)
        .stringValue("grant_type", GRANT_TYPE);
  }

  // ---------------------------------------------------------------- PoaTokenProvider

  /** The provider reads the clock when it sends the request: expiry is counted from there. */
  private static final Instant SENT_AT = Instant.parse("2026-03-02T09:15:00Z");

  @Test
  @PactTestFor(pactMethod = "registeredPartnerGetsToken")
  void provider_registeredPartner_handsOutTheTokenAndCachesIt(MockServer mockServer) {
    try (PoaTokenProvider tokens = provider(mockServer, SENT_CLIENT_ID, SENT_CLIENT_SECRET)) {
      AccessToken token = tokens.token();

      assertThat(token.value()).isEqualTo(EXAMPLE_ACCESS_TOKEN);
      assertThat(token.tokenType()).isEqualToIgnoringCase("bearer");
      assertThat(token.scope()).contains("partner");
      assertThat(token.expiresAt()).isEqualTo(SENT_AT.plusSeconds(1800));
      assertThat(token.authorizationHeader()).isEqualTo("Bearer " + EXAMPLE_ACCESS_TOKEN);
      assertThat(tokens.token()).as("second call is served from the cache").isSameAs(token);
    }
  }

  @Test
  @PactTestFor(pactMethod = "registeredPartnerGetsToken")
  void provider_registeredPartner_tokenAsyncCompletesWithTheToken(MockServer mockServer) {
    try (PoaTokenProvider tokens = provider(mockServer, SENT_CLIENT_ID, SENT_CLIENT_SECRET)) {
      AccessToken token = tokens.tokenAsync().join();

      assertThat(token.value()).isEqualTo(EXAMPLE_ACCESS_TOKEN);
      assertThat(token.expiresAt()).isEqualTo(SENT_AT.plusSeconds(1800));
    }
  }

  @Test
  @PactTestFor(pactMethod = "wrongSecretIsRejected")
  void provider_wrongSecret_throwsCredentialsRejectedWithTheOAuthCode(MockServer mockServer) {
    try (PoaTokenProvider tokens = provider(mockServer, SENT_CLIENT_ID, SENT_WRONG_CLIENT_SECRET)) {
      CredentialsRejectedException rejected =
          catchThrowableOfType(CredentialsRejectedException.class, tokens::token);

      assertThat(rejected.httpStatus()).isEqualTo(401);
      assertThat(rejected.errorCode()).hasValueSatisfying(
          code -> assertThat(code).isIn("unauthorized_client", "invalid_client"));
      assertThat(rejected).hasMessageNotContaining(SENT_WRONG_CLIENT_SECRET);
    }
  }

  @Test
  @PactTestFor(pactMethod = "unknownClientIsRejected")
  void provider_unknownClient_throwsCredentialsRejectedInvalidClient(MockServer mockServer) {
    try (PoaTokenProvider tokens = provider(mockServer, SENT_UNKNOWN_CLIENT_ID, SENT_CLIENT_SECRET)) {
      CredentialsRejectedException rejected =
          catchThrowableOfType(CredentialsRejectedException.class, tokens::token);

      assertThat(rejected.httpStatus()).isEqualTo(401);
      assertThat(rejected.errorCode()).contains("invalid_client");
      assertThat(rejected).hasMessageNotContaining(SENT_CLIENT_SECRET);
    }
  }

  /** The provider as a partner builds it, defaults and all, with a fixed clock. */
  private static PoaTokenProvider provider(MockServer mockServer, String clientId, String clientSecret) {
    return PoaTokenProvider.builder()
        .baseUrl(mockServer.getUrl())
        .clientId(clientId)
        .clientSecret(clientSecret)
        .clock(Clock.fixed(SENT_AT, ZoneOffset.UTC))
        .build();
  }

  // ---------------------------------------------------------------- generated Feign interface

  @Test
  @PactTestFor(pactMethod = "registeredPartnerGetsToken")
  void generatedApi_registeredPartner_readsTokenObject(MockServer mockServer) {
    TokenResponse token = tokenApi(mockServer)
        .createPartnerToken(SENT_CLIENT_ID, SENT_CLIENT_SECRET, GRANT_TYPE);

    assertThat(token.getAccessToken()).isEqualTo(EXAMPLE_ACCESS_TOKEN);
    assertThat(token.getTokenType()).isEqualToIgnoringCase("bearer");
    assertThat(token.getExpiresIn()).isEqualTo(1800);
    assertThat(token.getRefreshExpiresIn()).isZero();
    assertThat(token.getNotBeforePolicy()).isZero();
    assertThat(token.getScope()).isEqualTo("partner");
  }

  @Test
  @PactTestFor(pactMethod = "wrongSecretIsRejected")
  void generatedApi_wrongSecret_gets401WithOAuthError(MockServer mockServer) throws IOException {
    FeignException rejected = catchThrowableOfType(FeignException.class, () -> tokenApi(mockServer)
        .createPartnerToken(SENT_CLIENT_ID, SENT_WRONG_CLIENT_SECRET, GRANT_TYPE));

    assertThat(rejected.status()).isEqualTo(401);
    assertThat(oauthError(rejected).getError()).isIn("unauthorized_client", "invalid_client");
  }

  @Test
  @PactTestFor(pactMethod = "unknownClientIsRejected")
  void generatedApi_unknownClient_gets401InvalidClient(MockServer mockServer) throws IOException {
    FeignException rejected = catchThrowableOfType(FeignException.class, () -> tokenApi(mockServer)
        .createPartnerToken(SENT_UNKNOWN_CLIENT_ID, SENT_CLIENT_SECRET, GRANT_TYPE));

    assertThat(rejected.status()).isEqualTo(401);
    assertThat(oauthError(rejected).getError()).isEqualTo("invalid_client");
  }

  /** Built as poa-auth-api's wire test builds it, on the java.net.http client. */
  private static TokenApi tokenApi(MockServer mockServer) {
    return Feign.builder()
        .client(new Http2Client())
        .encoder(new FormEncoder(new JacksonEncoder()))
        .decoder(new JacksonDecoder())
        .target(TokenApi.class, mockServer.getUrl());
  }

  private static OAuthError oauthError(FeignException e) throws IOException {
    return JSON_MAPPER.readValue(e.contentUTF8(), OAuthError.class);
  }
}
