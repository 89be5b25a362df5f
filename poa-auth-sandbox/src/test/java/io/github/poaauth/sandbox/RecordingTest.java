package io.github.poaauth.sandbox;

import static io.github.poaauth.sandbox.Wire.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sandbox tells what it saw, per client, and never gives a secret back. */
class RecordingTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
  private static final String ALPHA_SECRET = "alpha-Secret-123";
  private static final String BETA_SECRET = "beta-Secret-456";

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension(PoaSandbox.builder()
      .client("alpha", ALPHA_SECRET)
      .client("beta", BETA_SECRET)
      .clock(Clock.fixed(NOW, ZoneOffset.UTC)));

  @Test
  void counts_tokenRequestsOverallAndPerClient_whateverTheOutcome() throws Exception {
    PoaSandbox sandbox = POA.sandbox();

    post("alpha", ALPHA_SECRET);
    post("alpha", "wrong");
    post("beta", BETA_SECRET);
    post("stranger", "whatever");
    Wire.postForm(sandbox, form("grant_type", "client_credentials"));

    assertThat(sandbox.tokenRequestCount()).isEqualTo(5);
    assertThat(sandbox.tokenRequestCount("alpha")).isEqualTo(2);
    assertThat(sandbox.tokenRequestCount("beta")).isEqualTo(1);
    assertThat(sandbox.tokenRequestCount("stranger")).isEqualTo(1);
    assertThat(sandbox.tokenRequestCount("nobody")).isZero();
  }

  @Test
  void lastTokenRequest_perClient_hasTheFormFieldsWithTheSecretMasked() throws Exception {
    PoaSandbox sandbox = POA.sandbox();

    post("alpha", ALPHA_SECRET);
    post("beta", BETA_SECRET);

    RecordedRequest alpha = sandbox.lastTokenRequest("alpha").orElseThrow();
    assertThat(alpha.formFields()).containsExactly(
        Map.entry("client_id", List.of("alpha")),
        Map.entry("client_secret", List.of(RecordedRequest.MASK)),
        Map.entry("grant_type", List.of("client_credentials")));
    assertThat(alpha.formField("client_secret")).hasValue("****");
    assertThat(alpha.clientId()).hasValue("alpha");
    assertThat(alpha.method()).isEqualTo("POST");
    assertThat(alpha.path()).isEqualTo(PoaSandbox.TOKEN_PATH);
    assertThat(alpha.contentType()).hasValue(Wire.FORM);
    assertThat(alpha.responseStatus()).hasValue(200);
    assertThat(alpha.receivedAt()).isEqualTo(NOW);
    assertThat(alpha.isTokenRequest()).isTrue();
    assertThat(sandbox.lastTokenRequest().orElseThrow().clientId()).hasValue("beta");
    assertThat(sandbox.lastTokenRequest("nobody")).isEmpty();
  }

  @Test
  void noRecordingOrToString_containsASecret_evenAWrongOneOrOneSentByBasicAuth() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    String wrongSecret = "Typo-in-the-secret-789";
    post("alpha", ALPHA_SECRET);
    post("alpha", wrongSecret);
    Wire.send(HttpRequest.newBuilder(sandbox.tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            ("beta:" + URLEncoder.encode(BETA_SECRET, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "client_credentials")))
        .build());

    String everything = sandbox.recordedRequests() + " " + sandbox + " " + sandbox.faults()
        + " " + sandbox.lastTokenRequest("beta");

    assertThat(everything).doesNotContain(ALPHA_SECRET, BETA_SECRET, wrongSecret);
    assertThat(sandbox.lastTokenRequest("beta").orElseThrow().responseStatus()).hasValue(200);
  }

  @Test
  void recordedRequests_holdEveryRequestInArrivalOrder_tokenRequestsOrNot() throws Exception {
    PoaSandbox sandbox = POA.sandbox();

    Wire.send(Wire.request(sandbox, "/elsewhere?client_secret=leaked").GET().build());
    post("alpha", ALPHA_SECRET);

    List<RecordedRequest> requests = sandbox.recordedRequests();
    assertThat(requests).extracting(RecordedRequest::path)
        .containsExactly("/elsewhere", PoaSandbox.TOKEN_PATH);
    assertThat(requests.get(0).isTokenRequest()).isFalse();
    assertThat(requests.get(0).responseStatus()).hasValue(404);
    assertThat(requests.toString()).doesNotContain("leaked");
    assertThat(sandbox.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void reset_forgetsEverythingSeen() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    post("alpha", ALPHA_SECRET);

    sandbox.reset();

    assertThat(sandbox.tokenRequestCount()).isZero();
    assertThat(sandbox.tokenRequestCount("alpha")).isZero();
    assertThat(sandbox.lastTokenRequest()).isEmpty();
    assertThat(sandbox.recordedRequests()).isEmpty();
  }

  @Test
  void recordedRequest_isAValue() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    post("alpha", ALPHA_SECRET);
    post("alpha", ALPHA_SECRET);

    List<RecordedRequest> requests = sandbox.recordedRequests();

    // Same clock instant, same fields, same outcome: equal, and equal hash codes.
    assertThat(requests.get(0)).isEqualTo(requests.get(1)).hasSameHashCodeAs(requests.get(1));
    assertThat(requests.get(0).formFields()).isUnmodifiable();
  }

  private static void post(String clientId, String secret) throws Exception {
    Wire.postForm(POA.sandbox(), form("client_id", clientId, "client_secret", secret,
        "grant_type", "client_credentials"));
  }
}
