package io.github.poaauth.sandbox;

import static io.github.poaauth.sandbox.Wire.form;
import static io.github.poaauth.sandbox.Wire.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import feign.FeignException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every error answer, as Keycloak 26 gives it: status, OAuth error, description, headers. The
 * measured answers of Keycloak 26.7.3 are also a table, {@link KeycloakAnswersTest}; these tests
 * add what the table cannot say (other paths, Basic credentials, the generated client).
 */
class ErrorAnswersTest {

  private static final String ID = "partner-1";
  private static final String SECRET = "right-secret";
  private static final String INVALID_CREDENTIALS = "Invalid client or Invalid client credentials";

  @RegisterExtension
  static final PoaSandboxExtension POA =
      new PoaSandboxExtension(PoaSandbox.builder().client(ID, SECRET));

  @Test
  void wrongSecret_is401UnauthorizedClient() throws Exception {
    HttpResponse<String> response = post(form("client_id", ID, "client_secret", "wrong",
        "grant_type", "client_credentials"));

    assertOAuthError(response, 401, "unauthorized_client", INVALID_CREDENTIALS);
  }

  @Test
  void wrongSecret_reachesTheGeneratedClientOnJavaHttpClientAsA401WithTheOAuthBody() {
    FeignException rejected = catchThrowableOfType(FeignException.class,
        () -> Wire.tokenApiOnJavaHttpClient(POA.sandbox())
            .createPartnerToken(ID, "wrong", "client_credentials"));

    assertThat(rejected.status()).isEqualTo(401);
    assertThat(json(rejected.contentUTF8()).get("error").asText()).isEqualTo("unauthorized_client");
  }

  /**
   * A pitfall worth knowing, pinned here so that it is noticed if it changes: Feign's default
   * client (HttpURLConnection, streaming the request body) hands a 401 over without its body, so
   * a client built on it cannot tell {@code invalid_client} from {@code unauthorized_client}. A
   * 400's body does come through. Use feign-java11 (or another client) for the token call.
   */
  @Test
  void feignDefaultClient_losesTheBodyOfA401_butNotOfA400() {
    FeignException rejected = catchThrowableOfType(FeignException.class,
        () -> Wire.tokenApi(POA.sandbox()).createPartnerToken(ID, "wrong", "client_credentials"));
    FeignException badRequest = catchThrowableOfType(FeignException.class,
        () -> Wire.tokenApi(POA.sandbox()).createPartnerToken(ID, SECRET, "partner_magic"));

    assertThat(rejected.status()).isEqualTo(401);
    assertThat(rejected.contentUTF8()).isEmpty();
    assertThat(badRequest.status()).isEqualTo(400);
    assertThat(json(badRequest.contentUTF8()).get("error").asText())
        .isEqualTo("unsupported_grant_type");
  }

  @Test
  void missingSecret_is401UnauthorizedClient() throws Exception {
    HttpResponse<String> response = post(form("client_id", ID, "grant_type", "client_credentials"));

    assertOAuthError(response, 401, "unauthorized_client", INVALID_CREDENTIALS);
  }

  @Test
  void unknownClient_is401InvalidClient_withTheSameDescription() throws Exception {
    HttpResponse<String> response = post(form("client_id", "stranger", "client_secret", SECRET,
        "grant_type", "client_credentials"));

    assertOAuthError(response, 401, "invalid_client", INVALID_CREDENTIALS);
  }

  @Test
  void missingClientId_is401InvalidClient() throws Exception {
    HttpResponse<String> response = post(form("client_secret", SECRET,
        "grant_type", "client_credentials"));

    assertOAuthError(response, 401, "invalid_client", INVALID_CREDENTIALS);
  }

  @Test
  void missingGrantType_is400InvalidRequest_checkedBeforeTheCredentials() throws Exception {
    HttpResponse<String> response = post(form("client_id", ID, "client_secret", "wrong"));

    assertOAuthError(response, 400, "invalid_request", "Missing form parameter: grant_type");
  }

  @ParameterizedTest
  @ValueSource(strings = {"partner_magic", "CLIENT_CREDENTIALS", "Password", "", "implicit",
      "urn:ietf:params:oauth:grant-type:pre-authorized_code"})
  void unknownGrantType_is400UnsupportedGrantType_checkedBeforeTheCredentials(String grantType)
      throws Exception {
    HttpResponse<String> response = post(form("client_id", "stranger", "client_secret", "wrong",
        "grant_type", grantType));

    assertOAuthError(response, 400, "unsupported_grant_type", "Unsupported grant_type");
  }

  @ParameterizedTest
  @ValueSource(strings = {"password", "authorization_code", "refresh_token",
      "urn:ietf:params:oauth:grant-type:token-exchange",
      "urn:ietf:params:oauth:grant-type:device_code", "urn:openid:params:grant-type:ciba"})
  void knownGrantType_authenticatesTheClientFirst(String grantType) throws Exception {
    HttpResponse<String> unknown = post(form("client_id", "stranger", "client_secret", SECRET,
        "grant_type", grantType));
    HttpResponse<String> wrongSecret = post(form("client_id", ID, "client_secret", "wrong",
        "grant_type", grantType));

    assertOAuthError(unknown, 401, "invalid_client", INVALID_CREDENTIALS);
    assertOAuthError(wrongSecret, 401, "unauthorized_client", INVALID_CREDENTIALS);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "password|unauthorized_client|Client not allowed for direct access grants",
      "authorization_code|invalid_request|Missing parameter: code",
      "refresh_token|invalid_request|No refresh token",
      "urn:ietf:params:oauth:grant-type:token-exchange|invalid_request"
          + "|Standard token exchange is not enabled for the requested client",
      "urn:ietf:params:oauth:grant-type:device_code|invalid_grant"
          + "|Client not allowed OAuth 2.0 Device Authorization Grant",
      "urn:openid:params:grant-type:ciba|invalid_grant|Client not allowed OIDC CIBA Grant"})
  void knownGrantType_theClientMayNotUse_isThatGrantsOwnError(String grantType, String error,
      String description) throws Exception {
    HttpResponse<String> response = post(form("client_id", ID, "client_secret", SECRET,
        "grant_type", grantType));

    assertOAuthError(response, 400, error, description);
  }

  @Test
  void knownGrantType_byHttpBasic_isThatGrantsOwnError() throws Exception {
    HttpResponse<String> response = Wire.send(HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (ID + ':' + SECRET).getBytes(StandardCharsets.UTF_8)))
        .POST(BodyPublishers.ofString(form("grant_type", "refresh_token", "refresh_token", "x")))
        .build());

    assertOAuthError(response, 400, "invalid_grant", "Invalid refresh token");
  }

  @Test
  void jsonBody_is400InvalidRequest_becauseItCarriesNoFormParameters() throws Exception {
    HttpResponse<String> response = Wire.send(HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofString("{\"client_id\":\"" + ID + "\",\"client_secret\":\"" + SECRET
            + "\",\"grant_type\":\"client_credentials\"}"))
        .build());

    assertOAuthError(response, 400, "invalid_request", "Missing form parameter: grant_type");
  }

  @Test
  void formBodyWithoutContentType_is400InvalidRequest() throws Exception {
    HttpResponse<String> response = Wire.send(HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .POST(BodyPublishers.ofString(form("client_id", ID, "client_secret", SECRET,
            "grant_type", "client_credentials")))
        .build());

    assertOAuthError(response, 400, "invalid_request", "Missing form parameter: grant_type");
  }

  @Test
  void duplicatedParameter_is400InvalidRequest_afterTheCredentialsPass() throws Exception {
    HttpResponse<String> response = post(form("client_id", ID, "client_secret", SECRET,
        "grant_type", "client_credentials", "scope", "a", "scope", "b"));

    assertOAuthError(response, 400, "invalid_request", "duplicated parameter");
  }

  @Test
  void duplicatedParameterWithWrongSecret_isTheCredentialRejection() throws Exception {
    HttpResponse<String> response = post(form("client_id", ID, "client_secret", "wrong",
        "client_secret", "wrong", "grant_type", "client_credentials"));

    assertOAuthError(response, 401, "unauthorized_client", INVALID_CREDENTIALS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"client_secret=%zz", "client_secret=%", "client_secret=%2",
      "%zz=x", "scope=a+%zz"})
  void brokenPercentEscape_is500UnknownError_withoutNoStore(String broken) throws Exception {
    HttpResponse<String> response = post("client_id=" + ID + "&grant_type=client_credentials&"
        + broken);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"error\":\"unknown_error\","
        + "\"error_description\":\"For more on this error consult the server log.\"}");
    assertPlainJson(response);
    assertThat(POA.sandbox().lastTokenRequest().orElseThrow().responseStatus()).hasValue(500);
  }

  @Test
  void brokenPercentEscape_inABodyThatIsNotAForm_isNotDecoded() throws Exception {
    HttpResponse<String> response = Wire.send(HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .header("Content-Type", "text/plain")
        .POST(BodyPublishers.ofString("client_secret=%zz&grant_type=client_credentials"))
        .build());

    assertOAuthError(response, 400, "invalid_request", "Missing form parameter: grant_type");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH"})
  void otherMethodOnTheTokenPath_is405_withoutAllowOrNoStore(String method) throws Exception {
    HttpResponse<String> response = Wire.send(Wire.request(POA.sandbox(), PoaSandbox.TOKEN_PATH)
        .method(method, BodyPublishers.noBody())
        .build());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.body()).isEqualTo("{\"error\":\"HTTP 405 Method Not Allowed\"}");
    assertThat(response.headers().firstValue("Allow")).isEmpty();
    assertPlainJson(response);
  }

  @Test
  void headOnTheTokenPath_is405_withoutABody() throws Exception {
    HttpResponse<String> response = Wire.send(Wire.request(POA.sandbox(), PoaSandbox.TOKEN_PATH)
        .method("HEAD", BodyPublishers.noBody())
        .build());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("Allow")).isEmpty();
    assertPlainJson(response);
  }

  @Test
  void optionsOnTheTokenPath_isAnEmpty200() throws Exception {
    HttpResponse<String> response = Wire.send(Wire.request(POA.sandbox(), PoaSandbox.TOKEN_PATH)
        .method("OPTIONS", BodyPublishers.noBody())
        .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("Content-Type")).isEmpty();
    assertThat(response.headers().firstValue("Cache-Control")).isEmpty();
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void optionsWithAnOrigin_isKeycloaksCorsPreflight_echoingTheOrigin() throws Exception {
    HttpResponse<String> response = Wire.send(Wire.request(POA.sandbox(), PoaSandbox.TOKEN_PATH)
        .header("Origin", "https://app.partner.example")
        .header("Access-Control-Request-Method", "POST")
        .method("OPTIONS", BodyPublishers.noBody())
        .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.partner.example");
    assertThat(response.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValue("POST, OPTIONS");
    assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    assertThat(response.headers().firstValue("Access-Control-Max-Age")).hasValue("3600");
  }

  @Test
  void foreignOrigin_is403InvalidOrigin_afterTheCredentials() throws Exception {
    HttpResponse<String> refused = Wire.send(HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .header("Origin", "https://app.partner.example")
        .POST(BodyPublishers.ofString(Wire.form("client_id", ID, "client_secret", SECRET,
            "grant_type", "client_credentials")))
        .build());
    HttpResponse<String> wrongSecret = Wire.send(HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .header("Origin", "https://app.partner.example")
        .POST(BodyPublishers.ofString(Wire.form("client_id", ID, "client_secret", "wrong",
            "grant_type", "client_credentials")))
        .build());

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).isEqualTo("{\"error\":\"Invalid origin\"}");
    assertNoStoreJson(refused);
    assertOAuthError(wrongSecret, 401, "unauthorized_client", INVALID_CREDENTIALS);
  }

  @Test
  void theSandboxesOwnOrigin_isAccepted_asKeycloakAcceptsItsOwn() throws Exception {
    HttpResponse<String> response = Wire.send(HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .header("Origin", POA.sandbox().baseUrl())
        .POST(BodyPublishers.ofString(Wire.form("client_id", ID, "client_secret", SECRET,
            "grant_type", "client_credentials")))
        .build());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", PoaSandbox.TOKEN_PATH + "/", "/v2/auth/cybrillarta",
      "/poa/auth/token", "/realms/cybrillarta/protocol/openid-connect/token"})
  void anyOtherPath_is404(String path) throws Exception {
    HttpResponse<String> response = Wire.send(Wire.request(POA.sandbox(), path)
        .header("Content-Type", Wire.FORM)
        .POST(BodyPublishers.ofString(Wire.validForm(POA.sandbox())))
        .build());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body())
        .isEqualTo("{\"error\":\"Unable to find matching target resource method\"}");
    assertPlainJson(response);
  }

  static Stream<Arguments> everyKindOfAnswer() {
    return Stream.of(
        Arguments.of(200, form("client_id", ID, "client_secret", SECRET,
            "grant_type", "client_credentials")),
        Arguments.of(400, form("client_id", ID)),
        Arguments.of(401, form("client_id", ID, "client_secret", "x",
            "grant_type", "client_credentials")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyKindOfAnswer")
  void everyAnswer_isNoStoreJson(int expectedStatus, String body) throws Exception {
    HttpResponse<String> response = post(body);

    assertThat(response.statusCode()).isEqualTo(expectedStatus);
    assertNoStoreJson(response);
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return Wire.postForm(POA.sandbox(), body);
  }

  private static void assertOAuthError(HttpResponse<String> response, int status, String error,
      String description) {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonNode body = json(response.body());
    assertThat(body.get("error").asText()).isEqualTo(error);
    assertThat(body.get("error_description").asText()).isEqualTo(description);
    assertThat(body.size()).isEqualTo(2);
    assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertNoStoreJson(response);
  }

  /** Keycloak's answers from outside its token endpoint code (404, 405, 500): JSON, no no-store. */
  private static void assertPlainJson(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).isEmpty();
    assertThat(response.headers().firstValue("Pragma")).isEmpty();
  }

  private static void assertNoStoreJson(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("Pragma")).hasValue("no-cache");
  }
}
