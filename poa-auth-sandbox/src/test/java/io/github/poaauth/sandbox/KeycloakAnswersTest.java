package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sandbox gives every answer of {@value #TABLE}: what Keycloak 26.7.3 answers on POA's token
 * path, measured. poa-auth-keycloak-tests' {@code KeycloakAnswersIT} (profile {@code keycloak})
 * sends the same requests to Keycloak and expects the same answers, so the sandbox and Keycloak
 * cannot drift apart unnoticed: a case fails on one side or the other.
 */
class KeycloakAnswersTest {

  /** The table, next to this class (test resources). */
  static final String TABLE = "keycloak-answers.json";

  private static final JsonNode ANSWERS = table();

  /** The realm's partner client, with its secret and scope: the requests name it. */
  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension(PoaSandbox.builder()
      .client(ANSWERS.path("client").path("id").asText(),
          ANSWERS.path("client").path("secret").asText())
      .scope(ANSWERS.path("client").path("scope").asText()));

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    ANSWERS.path("cases").forEach(c -> cases.add(Arguments.of(c.path("case").asText(), c)));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sandboxAnswers_asKeycloakWasMeasuredToAnswer(String name, JsonNode expected)
      throws IOException {
    HttpResponse<String> answer = Wire.send(request(expected));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(expected.path("status").asInt());
    if (expected.has("token")) {
      JsonNode token = Wire.json(answer.body());
      List<String> fields = new ArrayList<>();
      token.fieldNames().forEachRemaining(fields::add);
      List<String> expectedFields = new ArrayList<>();
      expected.path("token").path("fields").forEach(f -> expectedFields.add(f.asText()));
      assertThat(fields).containsExactlyElementsOf(expectedFields);
      assertThat(token.path("scope").asText())
          .isEqualTo(expected.path("token").path("scope").asText());
    } else {
      JsonNode body = expected.path("body");
      assertThat(answer.body())
          .isEqualTo(body.isMissingNode() || body.isNull() ? "" : Wire.JSON.writeValueAsString(body));
    }
    if (expected.path("noStore").asBoolean()) {
      assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(answer.headers().firstValue("Pragma")).hasValue("no-cache");
    } else {
      assertThat(answer.headers().firstValue("Cache-Control")).isEmpty();
      assertThat(answer.headers().firstValue("Pragma")).isEmpty();
    }
    JsonNode contentType = expected.path("contentType");
    if (contentType.isTextual()) {
      assertThat(answer.headers().firstValue("Content-Type")).hasValue(contentType.asText());
    } else {
      assertThat(answer.headers().firstValue("Content-Type")).isEmpty();
    }
    expected.path("answerHeaders").fields().forEachRemaining(header ->
        assertThat(items(answer.headers().firstValue(header.getKey()).orElse(null)))
            .as(header.getKey())
            .containsExactlyInAnyOrderElementsOf(items(header.getValue().asText())));
    assertThat(answer.headers().firstValue("Allow")).isEmpty();
    assertThat(answer.headers().firstValue("WWW-Authenticate")).isEmpty();
  }

  @Test
  void table_coversEveryKindOfAnswer() {
    List<String> statuses = new ArrayList<>();
    ANSWERS.path("cases").forEach(c -> statuses.add(c.path("status").asText()));

    assertThat(statuses).contains("200", "400", "401", "403", "405", "500");
    assertThat(ANSWERS.path("cases").size()).isGreaterThanOrEqualTo(40);
  }

  private static HttpRequest request(JsonNode expected) {
    HttpRequest.Builder request = HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .header("Accept", "application/json");
    expected.path("headers").fields().forEachRemaining(
        (Map.Entry<String, JsonNode> header) -> request.header(header.getKey(),
            header.getValue().asText()));
    String method = expected.path("method").asText("POST");
    if (expected.has("form")) {
      request.header("Content-Type", Wire.FORM)
          .method(method, HttpRequest.BodyPublishers.ofString(expected.path("form").asText()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return request.build();
  }

  /** A header value's comma-separated items; none if there is no header. */
  private static List<String> items(String value) {
    return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim).toList();
  }

  private static JsonNode table() {
    try (InputStream in = KeycloakAnswersTest.class.getResourceAsStream(TABLE)) {
      if (in == null) {
        throw new IllegalStateException(TABLE + " is not on the test classpath");
      }
      return Wire.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
