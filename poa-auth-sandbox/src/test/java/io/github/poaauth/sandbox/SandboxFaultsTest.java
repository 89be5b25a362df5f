package io.github.poaauth.sandbox;

import static io.github.poaauth.sandbox.Wire.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import feign.FeignException;
import feign.RetryableException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keycloak-shaped fault answers (5xx, 429, a dropped connection, a malformed body), latency and
 * the order of the fault script, seen from real HTTP clients on loopback.
 */
class SandboxFaultsTest {

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  @Test
  void failNext_answersThatManyServerErrors_thenTheTokenAgain() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().failNext(2, 503);

    HttpResponse<String> first = Wire.postForm(sandbox, Wire.validForm(sandbox));
    HttpResponse<String> second = Wire.postForm(sandbox, Wire.validForm(sandbox));
    HttpResponse<String> third = Wire.postForm(sandbox, Wire.validForm(sandbox));

    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(json(first.body()).get("error").asText()).isEqualTo("unknown_error");
    assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
    // Keycloak's own 500 carries no Cache-Control: a gateway's or server's error, not OAuth's.
    assertThat(first.headers().firstValue("Cache-Control")).isEmpty();
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(sandbox.tokenRequestCount()).isEqualTo(3);
    assertThat(sandbox.faults().pending()).isZero();
  }

  @Test
  void serverError_reachesTheGeneratedClientAsAFeignExceptionWithItsStatus() {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().failNext(1, 500);

    Throwable thrown = catchThrowable(() -> Wire.tokenApi(sandbox).createPartnerToken(
        sandbox.defaultClientId(), sandbox.defaultClientSecret(), "client_credentials"));

    assertThat(thrown).isInstanceOf(FeignException.class);
    assertThat(((FeignException) thrown).status()).isEqualTo(500);
  }

  @Test
  void faults_replaceTheAnswerWhateverTheCredentials() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().failNext(1, 502);

    HttpResponse<String> response = Wire.postForm(sandbox, Wire.form("client_id", "stranger",
        "client_secret", "wrong", "grant_type", "client_credentials"));

    assertThat(response.statusCode()).isEqualTo(502);
  }

  @Test
  void tooManyRequests_answers429WithRetryAfter_thenTheToken() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().tooManyRequests(1, 7);

    HttpResponse<String> limited = Wire.postForm(sandbox, Wire.validForm(sandbox));
    HttpResponse<String> next = Wire.postForm(sandbox, Wire.validForm(sandbox));

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(limited.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.headers().firstValue("Retry-After")).isEmpty();
  }

  @Test
  void dropNextConnection_givesTheJdkClientAnIoError_andIsRecordedWithoutStatus() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().dropNextConnection();

    Throwable thrown = catchThrowable(() -> Wire.postForm(sandbox, Wire.validForm(sandbox)));
    HttpResponse<String> next = Wire.postForm(sandbox, Wire.validForm(sandbox));

    assertThat(thrown).isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
    assertThat(next.statusCode()).isEqualTo(200);
    List<RecordedRequest> requests = sandbox.recordedRequests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).responseStatus()).isEmpty();
    assertThat(requests.get(1).responseStatus()).hasValue(200);
  }

  @Test
  void dropNextConnection_givesTheGeneratedClientARetryableIoError_withoutAHiddenRetry() {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().dropNextConnection();

    Throwable thrown = catchThrowable(() -> Wire.tokenApi(sandbox).createPartnerToken(
        sandbox.defaultClientId(), sandbox.defaultClientSecret(), "client_credentials"));

    assertThat(thrown).isInstanceOf(RetryableException.class).hasCauseInstanceOf(IOException.class);
    // HttpURLConnection may silently resend a POST; the sandbox must have seen exactly one.
    assertThat(sandbox.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void malformedNextBody_is200JsonThatDoesNotParse() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().malformedNextBody();

    HttpResponse<String> response = Wire.postForm(sandbox, Wire.validForm(sandbox));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body()).startsWith("{\"access_token\":");
    assertThatThrownBy(() -> Wire.JSON.readTree(response.body()))
        .isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void malformedNextBody_makesTheGeneratedClientFailToDecode() {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().malformedNextBody();

    Throwable thrown = catchThrowable(() -> Wire.tokenApi(sandbox).createPartnerToken(
        sandbox.defaultClientId(), sandbox.defaultClientSecret(), "client_credentials"));

    assertThat(thrown).isInstanceOf(FeignException.class)
        .hasRootCauseInstanceOf(JsonProcessingException.class)
        .hasMessageContaining("Unexpected end-of-input");
  }

  @Test
  void latency_longerThanTheClientTimeout_makesTheClientTimeOut_afterTheRequestIsRecorded() {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().latency(Duration.ofSeconds(30));

    Throwable thrown = catchThrowable(() -> Wire.send(HttpRequest.newBuilder(sandbox.tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .timeout(Duration.ofMillis(200))
        .POST(HttpRequest.BodyPublishers.ofString(Wire.validForm(sandbox)))
        .build()));

    assertThat(thrown).isInstanceOf(HttpTimeoutException.class);
    assertThat(sandbox.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void latency_delaysTheAnswerByAtLeastThatMuch() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().latency(Duration.ofMillis(300));

    long started = System.nanoTime();
    HttpResponse<String> response = Wire.postForm(sandbox, Wire.validForm(sandbox));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void latency_leavesOtherPathsAlone() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().latency(Duration.ofSeconds(30));

    HttpResponse<String> response = Wire.send(Wire.request(sandbox, "/elsewhere")
        .timeout(Duration.ofSeconds(5))
        .GET()
        .build());

    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void oneShotFaults_areServedInTheOrderScripted_thenNormalAnswersResume() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults()
        .failNext(1, 500)
        .tooManyRequests(1, 1)
        .malformedNextBody()
        .dropNextConnection();

    int first = Wire.postForm(sandbox, Wire.validForm(sandbox)).statusCode();
    int second = Wire.postForm(sandbox, Wire.validForm(sandbox)).statusCode();
    HttpResponse<String> third = Wire.postForm(sandbox, Wire.validForm(sandbox));
    Throwable fourth = catchThrowable(() -> Wire.postForm(sandbox, Wire.validForm(sandbox)));
    HttpResponse<String> fifth = Wire.postForm(sandbox, Wire.validForm(sandbox));

    assertThat(first).isEqualTo(500);
    assertThat(second).isEqualTo(429);
    assertThat(third.statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> Wire.JSON.readTree(third.body())).isInstanceOf(IOException.class);
    assertThat(fourth).isInstanceOf(IOException.class);
    assertThat(sandbox.isValidToken(json(fifth.body()).get("access_token").asText())).isTrue();
  }

  @Test
  void faults_areNotConsumedByRequestsToOtherPathsOrMethods() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().failNext(1, 503);

    Wire.send(Wire.request(sandbox, "/elsewhere").GET().build());
    Wire.send(Wire.request(sandbox, PoaSandbox.TOKEN_PATH).GET().build());

    assertThat(sandbox.faults().pending()).isEqualTo(1);
    assertThat(Wire.postForm(sandbox, Wire.validForm(sandbox)).statusCode()).isEqualTo(503);
  }

  @Test
  void concurrentRequests_eachTakeAtMostOneFault() {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().failNext(5, 503);
    HttpRequest request = HttpRequest.newBuilder(sandbox.tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .POST(HttpRequest.BodyPublishers.ofString(Wire.validForm(sandbox)))
        .build();

    List<CompletableFuture<HttpResponse<String>>> inFlight = IntStream.range(0, 20)
        .mapToObj(i -> Wire.http().sendAsync(request, HttpResponse.BodyHandlers.ofString()))
        .collect(Collectors.toList());
    Map<Integer, Long> byStatus = inFlight.stream()
        .map(CompletableFuture::join)
        .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));

    assertThat(byStatus).containsOnly(Map.entry(503, 5L), Map.entry(200, 15L));
    assertThat(sandbox.tokenRequestCount()).isEqualTo(20);
  }

  @Test
  void reset_clearsPendingFaultsAndLatency() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().latency(Duration.ofSeconds(30)).failNext(3, 500).dropNextConnection();

    sandbox.faults().reset();

    assertThat(sandbox.faults().pending()).isZero();
    HttpResponse<String> response = Wire.send(HttpRequest.newBuilder(sandbox.tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString(Wire.validForm(sandbox)))
        .build());
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 404, 429, 499, 600})
  void failNext_rejectsAStatusThatIsNotAServerError(int status) {
    assertThatThrownBy(() -> POA.sandbox().faults().failNext(1, status))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failNext status")
        .hasMessageContaining("but was " + status);
  }

  @Test
  void faultSetters_rejectBadCountsAndDurations_namingTheSetting() {
    PoaSandbox.Faults faults = POA.sandbox().faults();
    Map<String, Function<PoaSandbox.Faults, Object>> calls = Map.of(
        "failNext times must be at least 1, but was 0", f -> f.failNext(0, 503),
        "tooManyRequests times must be at least 1, but was -1", f -> f.tooManyRequests(-1, 1),
        "tooManyRequests retryAfterSeconds must not be negative, but was -5",
        f -> f.tooManyRequests(1, -5),
        "dropNextConnections times must be at least 1, but was 0", f -> f.dropNextConnections(0),
        "malformedNextBodies times must be at least 1, but was 0", f -> f.malformedNextBodies(0),
        "latency must not be negative, but was PT-1S", f -> f.latency(Duration.ofSeconds(-1)));

    calls.forEach((message, call) -> assertThatThrownBy(() -> call.apply(faults))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message));
    assertThat(faults.pending()).isZero();
  }
}
