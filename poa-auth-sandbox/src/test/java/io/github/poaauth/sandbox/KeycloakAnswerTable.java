package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The table {@value #RESOURCE} of what Keycloak 26.7.3 was measured to answer on POA's token
 * path, with the one request builder and the one answer check that both sides use: the sandbox's
 * {@code KeycloakAnswersTest} and, through this module's test jar, poa-auth-keycloak-tests'
 * {@code KeycloakAnswersIT}. A change to the check changes both.
 */
public final class KeycloakAnswerTable {
  /** Classpath location of the table (test resources of poa-auth-sandbox). */
  public static final String RESOURCE = "/io/github/poaauth/sandbox/keycloak-answers.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FORM = "application/x-www-form-urlencoded";

  private final JsonNode root;

  private KeycloakAnswerTable(JsonNode root) {
    this.root = root;
  }

  /** @return the table, read from the classpath */
  public static KeycloakAnswerTable load() {
    try (InputStream in = KeycloakAnswerTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test classpath");
      }
      return new KeycloakAnswerTable(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the registered client the requests name: {@code id}, {@code secret}, {@code scope} */
  public JsonNode client() {
    return root.path("client");
  }

  /** @return every case as (name, case) for a {@code @MethodSource} */
  public Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    root.path("cases").forEach(c -> cases.add(Arguments.of(c.path("case").asText(), c)));
    return cases.stream();
  }

  /** @return the statuses of all cases, in table order */
  public List<String> statuses() {
    List<String> statuses = new ArrayList<>();
    root.path("cases").forEach(c -> statuses.add(c.path("status").asText()));
    return statuses;
  }

  /**
   * Completes {@code base} (the token endpoint's URI, {@code Accept: application/json}) with the
   * case's method, headers and form body.
   */
  public static HttpRequest.Builder request(HttpRequest.Builder base, JsonNode expected) {
    expected.path("headers").fields().forEachRemaining(header ->
        base.header(header.getKey(), header.getValue().asText()));
    String method = expected.path("method").asText("POST");
    if (expected.has("form")) {
      base.header("Content-Type", FORM)
          .method(method, HttpRequest.BodyPublishers.ofString(expected.path("form").asText()));
    } else {
      base.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return base;
  }

  /**
   * Asserts that {@code answer} is the case's answer: status, exact body (or the token's fields
   * and scope), {@code no-store} or not, {@code Content-Type}, listed headers (as sets), and
   * neither {@code Allow} nor {@code WWW-Authenticate}.
   */
  public static void assertAnswer(JsonNode expected, HttpResponse<String> answer) throws IOException {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(expected.path("status").asInt());
    if (expected.has("token")) {
      JsonNode token = JSON.readTree(answer.body());
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
          .isEqualTo(body.isMissingNode() || body.isNull() ? "" : JSON.writeValueAsString(body));
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

  /** A header value's comma-separated items; none if there is no header. */
  private static List<String> items(String value) {
    return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim).toList();
  }
}
