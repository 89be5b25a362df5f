package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The reply queue: any scripted answer, a standing answer, held and delayed answers. */
class ScriptedRepliesTest {

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  @Test
  void enqueuedReply_isAnsweredAsScripted_statusHeadersAndBody_thenTheTokenAgain() throws Exception {
    POA.sandbox().faults().enqueue(Reply.of(502, "text/html", "<html>Bad Gateway</html>")
        .withHeader("X-Gateway", "edge-1"));

    HttpResponse<String> scripted = post();
    HttpResponse<String> next = post();

    assertThat(scripted.statusCode()).isEqualTo(502);
    assertThat(scripted.headers().firstValue("Content-Type")).hasValue("text/html");
    assertThat(scripted.headers().firstValue("X-Gateway")).hasValue("edge-1");
    assertThat(scripted.headers().firstValue("Cache-Control")).isEmpty();
    assertThat(scripted.body()).isEqualTo("<html>Bad Gateway</html>");
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(POA.sandbox().recordedRequests()).extracting(r -> r.responseStatus().orElse(0))
        .containsExactly(502, 200);
  }

  @Test
  void statusReply_hasNoBodyAndNoContentType_redirectWithLocation() throws Exception {
    POA.sandbox().faults().enqueue(Reply.status(302).withHeader("Location", "https://elsewhere.example/"));

    HttpResponse<String> response = post();

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location")).hasValue("https://elsewhere.example/");
    assertThat(response.headers().firstValue("Content-Type")).isEmpty();
    assertThat(response.body()).isEmpty();
  }

  @Test
  void enqueueTimes_answersThatManyRequests() throws Exception {
    POA.sandbox().faults().enqueue(2, Reply.json(504, "{}"));

    assertThat(post().statusCode()).isEqualTo(504);
    assertThat(post().statusCode()).isEqualTo(504);
    assertThat(post().statusCode()).isEqualTo(200);
  }

  @Test
  void otherwise_answersEveryRequestAfterTheQueue_untilTheNormalAnswerIsRestored() throws Exception {
    POA.sandbox().faults().failNext(1, 500).otherwise(Reply.json(503, "{}"));

    int first = post().statusCode();
    int second = post().statusCode();
    int third = post().statusCode();
    POA.sandbox().faults().otherwise(Reply.token());
    int fourth = post().statusCode();

    assertThat(new int[] {first, second, third, fourth}).containsExactly(500, 503, 503, 200);
  }

  @Test
  void reset_removesTheStandingReply() throws Exception {
    POA.sandbox().faults().otherwise(Reply.json(503, "{}"));

    POA.sandbox().faults().reset();

    assertThat(post().statusCode()).isEqualTo(200);
  }

  @Test
  void tokenReply_withHeader_isTheNormalAnswerWithThatHeader() throws Exception {
    POA.sandbox().faults().enqueue(Reply.token().withHeader("X-Trace", "t-1"));

    HttpResponse<String> response = post();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Trace")).hasValue("t-1");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(POA.sandbox().isValidToken(Wire.json(response.body()).get("access_token").asText())).isTrue();
  }

  @Test
  void heldReply_isAnsweredOnlyOnceReleased_afterTheRequestIsRecorded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    POA.sandbox().faults().enqueue(Reply.token().heldUntil(release));

    CompletableFuture<HttpResponse<String>> answer = Wire.http().sendAsync(tokenRequest(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(POA.sandbox().awaitTokenRequests(1, Duration.ofSeconds(10))).isTrue();
    boolean answeredWhileHeld = answer.isDone();
    release.countDown();

    assertThat(answeredWhileHeld).isFalse();
    assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void delayedReply_arrivesNoSoonerThanTheDelay() throws Exception {
    POA.sandbox().faults().enqueue(Reply.json(503, "{}").delayed(Duration.ofMillis(200)));

    long started = System.nanoTime();
    HttpResponse<String> response = post();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  void awaitTokenRequests_isFalseWhenTooFewArrive() throws Exception {
    post();

    assertThat(POA.sandbox().awaitTokenRequests(1, Duration.ZERO)).isTrue();
    assertThat(POA.sandbox().awaitTokenRequests(2, Duration.ofMillis(20))).isFalse();
  }

  @Test
  void recordedHeaders_areKept_caseInsensitive_withCredentialsMasked() throws Exception {
    Wire.send(HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .header("Accept", "application/json")
        .header("Authorization", "Basic c2FuZGJveC1wYXJ0bmVyOnNhbmRib3gtc2VjcmV0")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
        .build());

    RecordedRequest recorded = POA.sandbox().lastTokenRequest().orElseThrow();
    assertThat(recorded.header("accept")).hasValue("application/json");
    assertThat(recorded.header("AUTHORIZATION")).hasValue("Basic ****");
    assertThat(recorded.headers().toString()).doesNotContain("c2FuZGJveC1wYXJ0bmVyOnNhbmRib3gtc2VjcmV0");
    assertThat(recorded.responseStatus()).hasValue(200);
  }

  @Test
  void replies_areImmutableValues_whoseToStringShowsNoBody() {
    Reply base = Reply.json(200, "{\"access_token\":\"secret-token\"}");
    Reply changed = base.withHeader("X-A", "1").delayed(Duration.ofSeconds(1)).throttled(2, Duration.ofMillis(5))
        .resetMidBody();

    assertThat(changed).isNotSameAs(base);
    assertThat(base.toString()).isEqualTo("Reply{status=200, headers=[Content-Type], body=31 bytes}");
    assertThat(changed.toString()).contains("delayed PT1S", "throttled 2 bytes per PT0.005S", "reset mid body")
        .doesNotContain("secret-token");
    assertThat(Reply.token().stallMidBody().toString()).isEqualTo("Reply{the sandbox's answer, stall mid body}");
  }

  @Test
  void replySettings_rejectBadValues_namingTheSettingAndTheValue() {
    Map<String, Supplier<Object>> calls = Map.of(
        "status must be between 100 and 599, but was 99", () -> Reply.of(99, null, ""),
        "status must be between 100 and 599, but was 600", () -> Reply.json(600, "{}"),
        "delay must not be negative, but was PT-1S", () -> Reply.token().delayed(Duration.ofSeconds(-1)),
        "throttle bytes must be at least 1, but was 0", () -> Reply.token().throttled(0, Duration.ofMillis(1)),
        "throttle period must be positive, but was PT0S", () -> Reply.token().throttled(1, Duration.ZERO),
        "enqueue times must be at least 1, but was 0", () -> POA.sandbox().faults().enqueue(0, Reply.token()),
        "rejectTokens times must be at least 1, but was 0", () -> POA.sandbox().faults().rejectTokens(0));

    calls.forEach((message, call) -> assertThatThrownBy(call::get)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message));
    assertThatThrownBy(() -> Reply.token().withHeader("Content-Length", "5"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Content-Length'");
    assertThatThrownBy(() -> Reply.token().withHeader("X-Bad", "a\r\nInjected: 1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line breaks");
    assertThatThrownBy(() -> POA.sandbox().faults().otherwise(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("Reply.token()");
  }

  private static HttpRequest tokenRequest() {
    return HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .POST(HttpRequest.BodyPublishers.ofString(Wire.validForm(POA.sandbox())))
        .build();
  }

  private static HttpResponse<String> post() throws Exception {
    return Wire.send(tokenRequest());
  }
}
