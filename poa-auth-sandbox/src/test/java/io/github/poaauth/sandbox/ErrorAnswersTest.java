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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every error answer, as Keycloak 26 gives it: status, OAuth error, description, headers. */
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
        () -> Wire.tokenApi(POA.sandbox()).createPartnerToken(ID, SECRET, "password"));

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
  @ValueSource(strings = {"password", "authorization_code", "refresh_token", "CLIENT_CREDENTIALS", ""})
  void otherGrantType_is400UnsupportedGrantType_checkedBeforeTheCredentials(String grantType)
      throws Exception {
    HttpResponse<String> response = post(form("client_id", "stranger", "client_secret", "wrong",
        "grant_type", grantType));

    assertOAuthError(response, 400, "unsupported_grant_type", "Unsupported grant_type");
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

  @Test
  void brokenPercentEscape_is400InvalidRequest() throws Exception {
    HttpResponse<String> response = post("client_id=" + ID + "&client_secret=%zz"
        + "&grant_type=client_credentials");

    assertOAuthError(response, 400, "invalid_request", "Malformed form body");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"})
  void otherMethodOnTheTokenPath_is405_allowingPost(String method) throws Exception {
    HttpResponse<String> response = Wire.send(Wire.request(POA.sandbox(), PoaSandbox.TOKEN_PATH)
        .method(method, BodyPublishers.noBody())
        .build());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    assertThat(json(response.body()).get("error").asText()).isEqualTo("HTTP 405 Method Not Allowed");
    assertNoStoreJson(response);
  }

  @Test
  void headOnTheTokenPath_is405_withoutABody() throws Exception {
    HttpResponse<String> response = Wire.send(Wire.request(POA.sandbox(), PoaSandbox.TOKEN_PATH)
        .method("HEAD", BodyPublishers.noBody())
        .build());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.body()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/v2/auth/cybrillarta/token/", "/v2/auth/cybrillarta",
      "/poa/auth/token", "/realms/cybrillarta/protocol/openid-connect/token"})
  void anyOtherPath_is404(String path) throws Exception {
    HttpResponse<String> response = Wire.send(Wire.request(POA.sandbox(), path)
        .header("Content-Type", Wire.FORM)
        .POST(BodyPublishers.ofString(Wire.validForm(POA.sandbox())))
        .build());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response.body()).get("error").asText())
        .isEqualTo("Unable to find matching target resource method");
    assertNoStoreJson(response);
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

  private static void assertNoStoreJson(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("Pragma")).hasValue("no-cache");
  }
}
