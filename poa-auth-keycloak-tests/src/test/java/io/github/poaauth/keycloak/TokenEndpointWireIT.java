package io.github.poaauth.keycloak;

import static io.github.poaauth.keycloak.RawTokenClient.REGISTERED;
import static io.github.poaauth.keycloak.RawTokenClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import io.github.poaauth.keycloak.support.KeycloakExtension;
import io.github.poaauth.keycloak.support.PoaKeycloak;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Keycloak answers on POA's path, byte for byte where the page, the spec or the contract
 * promise something: the page's sample shape, the OAuth errors, the caching headers.
 */
@ExtendWith(KeycloakExtension.class)
class TokenEndpointWireIT {

  /** The page's sample response, field by field, in its order. */
  private static final List<String> PAGE_SAMPLE_FIELDS = List.of("access_token", "expires_in",
      "refresh_expires_in", "token_type", "not-before-policy", "scope");

  private final RawTokenClient endpoint;

  TokenEndpointWireIT(PoaKeycloak keycloak) {
    this.endpoint = new RawTokenClient(keycloak.tokenEndpoint());
  }

  @Test
  void token_hasExactlyThePageSampleShape() {
    HttpResponse<String> answer = endpoint.postForm(REGISTERED + "&grant_type=client_credentials");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode token = json(answer);
    List<String> fields = new ArrayList<>();
    token.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactlyElementsOf(PAGE_SAMPLE_FIELDS);
    // The page's sample token starts the same way: Keycloak's JWT header with its odd spaces,
    // {"alg":"RS256","typ" : "JWT","kid" : (36 bytes, 48 base64url characters; the next ones
    // depend on the key id).
    assertThat(token.path("access_token").asText())
        .startsWith("eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIiwia2lkIiA6");
    assertThat(token.path("expires_in").isInt()).isTrue();
    assertThat(token.path("expires_in").asInt()).isEqualTo(1800);
    assertThat(token.path("refresh_expires_in").asInt()).isZero();
    assertThat(token.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(token.path("not-before-policy").isInt()).isTrue();
    assertThat(token.path("not-before-policy").asInt()).isZero();
    assertThat(token.path("scope").asText()).isEqualTo("partner");
  }

  @Test
  void everyAnswer_isNoStore() {
    List<HttpResponse<String>> answers = List.of(
        endpoint.postForm(REGISTERED + "&grant_type=client_credentials"),
        endpoint.postForm(REGISTERED),
        endpoint.postForm("client_id=" + CybrillartaRealm.PARTNER_CLIENT_ID
            + "&client_secret=" + CybrillartaRealm.WRONG_CLIENT_SECRET
            + "&grant_type=client_credentials"));

    for (HttpResponse<String> answer : answers) {
      assertThat(answer.headers().firstValue("Cache-Control")).as(answer.body()).hasValue("no-store");
      assertThat(answer.headers().firstValue("Pragma")).as(answer.body()).hasValue("no-cache");
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    }
  }

  @Test
  void missingGrantType_is400InvalidRequest() {
    HttpResponse<String> answer = endpoint.postForm(REGISTERED);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo(
        "{\"error\":\"invalid_request\",\"error_description\":\"Missing form parameter: grant_type\"}");
  }

  @Test
  void unknownGrantType_is400UnsupportedGrantType() {
    HttpResponse<String> answer = endpoint.postForm(REGISTERED + "&grant_type=partner_magic");

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo(
        "{\"error\":\"unsupported_grant_type\",\"error_description\":\"Unsupported grant_type\"}");
  }

  @Test
  void wrongSecret_is401UnauthorizedClient() {
    HttpResponse<String> answer = endpoint.postForm("client_id=" + CybrillartaRealm.PARTNER_CLIENT_ID
        + "&client_secret=" + CybrillartaRealm.WRONG_CLIENT_SECRET + "&grant_type=client_credentials");

    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.body()).isEqualTo("{\"error\":\"unauthorized_client\","
        + "\"error_description\":\"Invalid client or Invalid client credentials\"}");
  }

  @Test
  void unknownClient_is401InvalidClient() {
    HttpResponse<String> answer = endpoint.postForm("client_id=" + CybrillartaRealm.UNKNOWN_CLIENT_ID
        + "&client_secret=" + CybrillartaRealm.PARTNER_CLIENT_SECRET + "&grant_type=client_credentials");

    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.body()).isEqualTo("{\"error\":\"invalid_client\","
        + "\"error_description\":\"Invalid client or Invalid client credentials\"}");
  }

  @Test
  void grantType_isCheckedBeforeTheClient() {
    HttpResponse<String> missing = endpoint.postForm("client_id="
        + CybrillartaRealm.UNKNOWN_CLIENT_ID + "&client_secret=x");
    HttpResponse<String> unknown = endpoint.postForm("client_id="
        + CybrillartaRealm.UNKNOWN_CLIENT_ID + "&client_secret=x&grant_type=partner_magic");

    assertThat(json(missing).path("error").asText()).isEqualTo("invalid_request");
    assertThat(json(unknown).path("error").asText()).isEqualTo("unsupported_grant_type");
  }
}
