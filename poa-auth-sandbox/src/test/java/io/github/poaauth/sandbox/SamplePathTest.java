package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The opt-in alias for the path of the {@code curl} sample on POA's page ({@code /poa/auth/token}),
 * which differs from the documented token path.
 */
class SamplePathTest {

  @Test
  void withoutTheOption_theSamplePathIs404() throws Exception {
    try (PoaSandbox sandbox = PoaSandbox.builder().start()) {
      HttpResponse<String> response = postValidForm(sandbox, PoaSandbox.SAMPLE_PATH);

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(sandbox.tokenRequestCount()).isZero();
    }
  }

  @Test
  void acceptSamplePath_servesTokensThere_countsThem_andReportsEachUse() throws Exception {
    AtomicInteger used = new AtomicInteger();
    try (PoaSandbox sandbox = PoaSandbox.builder().acceptSamplePath(used::incrementAndGet).start()) {
      HttpResponse<String> response = postValidForm(sandbox, PoaSandbox.SAMPLE_PATH);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(sandbox.isValidToken(Wire.json(response.body()).get("access_token").asText()))
          .isTrue();
      assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(used).hasValue(1);
      assertThat(sandbox.tokenRequestCount(PoaSandbox.DEFAULT_CLIENT_ID)).isEqualTo(1);
      RecordedRequest seen = sandbox.lastTokenRequest().orElseThrow();
      assertThat(seen.path()).isEqualTo(PoaSandbox.SAMPLE_PATH);
      assertThat(seen.isTokenRequest()).isTrue();

      postValidForm(sandbox, PoaSandbox.TOKEN_PATH);
      assertThat(used).as("the documented path is not reported").hasValue(1);
      assertThat(sandbox.tokenRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void acceptSamplePath_answersThereAsOnTheTokenPath_faultsAndErrorsIncluded() throws Exception {
    try (PoaSandbox sandbox = PoaSandbox.builder().acceptSamplePath().start()) {
      sandbox.faults().failNext(1, 503);

      assertThat(postValidForm(sandbox, PoaSandbox.SAMPLE_PATH).statusCode()).isEqualTo(503);
      HttpResponse<String> wrongSecret = Wire.send(Wire.request(sandbox, PoaSandbox.SAMPLE_PATH)
          .header("Content-Type", Wire.FORM)
          .POST(BodyPublishers.ofString(Wire.form("client_id", sandbox.defaultClientId(),
              "client_secret", "not-it", "grant_type", "client_credentials")))
          .build());
      assertThat(wrongSecret.statusCode()).isEqualTo(401);
      assertThat(Wire.send(Wire.request(sandbox, PoaSandbox.SAMPLE_PATH).GET().build())
          .statusCode()).isEqualTo(405);
      assertThat(postValidForm(sandbox, PoaSandbox.SAMPLE_PATH + "/").statusCode())
          .as("only the exact path").isEqualTo(404);
    }
  }

  private static HttpResponse<String> postValidForm(PoaSandbox sandbox, String path)
      throws Exception {
    return Wire.send(Wire.request(sandbox, path)
        .header("Content-Type", Wire.FORM)
        .POST(BodyPublishers.ofString(Wire.validForm(sandbox)))
        .build());
  }
}
