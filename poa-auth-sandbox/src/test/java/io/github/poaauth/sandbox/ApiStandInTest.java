package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The POA API stand-in: accepts only this sandbox's unexpired access tokens, rejects on cue. */
class ApiStandInTest {

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  @Test
  void tokenOfThisSandbox_isAccepted_onTheApiPathAndBelow() throws Exception {
    String token = token();

    HttpResponse<String> root = call(PoaSandbox.API_PATH, "Bearer " + token);
    HttpResponse<String> below = call(PoaSandbox.API_PATH + "/orders/42", "Bearer " + token);

    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).isEqualTo("{\"accepted\":true}");
    assertThat(below.statusCode()).isEqualTo(200);
    assertThat(POA.sandbox().apiEndpoint().toString()).isEqualTo(POA.sandbox().baseUrl() + PoaSandbox.API_PATH);
  }

  @Test
  void missingBearerToken_is401WithAChallenge() throws Exception {
    HttpResponse<String> response = call(PoaSandbox.API_PATH, null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"cybrillarta\"");
  }

  @Test
  void foreignOrTamperedToken_is401InvalidToken() throws Exception {
    String token = token();
    try (PoaSandbox other = PoaSandbox.builder().start()) {
      String foreign = Wire.json(Wire.postForm(other, Wire.validForm(other)).body()).get("access_token").asText();

      HttpResponse<String> fromOther = call(PoaSandbox.API_PATH, "Bearer " + foreign);
      HttpResponse<String> tampered = call(PoaSandbox.API_PATH, "Bearer " + token.substring(0, token.length() - 2));

      assertThat(fromOther.statusCode()).isEqualTo(401);
      assertThat(fromOther.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"cybrillarta\", error=\"invalid_token\"");
      assertThat(tampered.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void rejectTokens_rejectsThatManyCallsWithAValidToken_thenAcceptsAgain() throws Exception {
    String token = token();
    POA.sandbox().faults().rejectTokens(1);

    HttpResponse<String> rejected = call(PoaSandbox.API_PATH, "Bearer " + token);
    HttpResponse<String> accepted = call(PoaSandbox.API_PATH, "Bearer " + token);

    assertThat(rejected.statusCode()).isEqualTo(401);
    assertThat(Wire.json(rejected.body()).get("error").asText()).isEqualTo("invalid_token");
    assertThat(accepted.statusCode()).isEqualTo(200);
    RecordedRequest recorded = POA.sandbox().recordedRequests().get(1);
    assertThat(recorded.path()).isEqualTo(PoaSandbox.API_PATH);
    assertThat(recorded.isTokenRequest()).isFalse();
    assertThat(recorded.header("Authorization")).hasValue("Bearer ****");
  }

  private static String token() throws Exception {
    return Wire.json(Wire.postForm(POA.sandbox(), Wire.validForm(POA.sandbox())).body())
        .get("access_token").asText();
  }

  private static HttpResponse<String> call(String path, String authorization) throws Exception {
    HttpRequest.Builder request = Wire.request(POA.sandbox(), path).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return Wire.send(request.build());
  }
}
