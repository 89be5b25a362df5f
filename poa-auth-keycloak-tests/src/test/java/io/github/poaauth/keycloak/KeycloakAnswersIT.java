package io.github.poaauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keycloak gives every answer of poa-auth-sandbox's table {@code keycloak-answers.json} (path in
 * system property {@value #TABLE_PROPERTY}), through the gateway on POA's path. poa-auth-sandbox's
 * {@code KeycloakAnswersTest} sends the same requests to the sandbox: if Keycloak changes (an
 * upgrade) a case fails here, if the sandbox changes it fails there.
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakAnswersIT {

  static final String TABLE_PROPERTY = "poa.keycloak.answers";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode ANSWERS = table();

  private final RawTokenEndpoint endpoint;

  KeycloakAnswersIT(PoaKeycloak keycloak) {
    this.endpoint = new RawTokenEndpoint(keycloak.tokenEndpoint());
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    ANSWERS.path("cases").forEach(c -> cases.add(Arguments.of(c.path("case").asText(), c)));
    return cases.stream();
  }

  /** The requests name the realm's partner client: the table must too. */
  @Test
  void tableClient_isTheRealmsPartnerClient() {
    JsonNode client = ANSWERS.path("client");

    assertThat(client.path("id").asText()).isEqualTo(CybrillartaRealm.PARTNER_CLIENT_ID);
    assertThat(client.path("secret").asText()).isEqualTo(CybrillartaRealm.PARTNER_CLIENT_SECRET);
    assertThat(client.path("scope").asText()).isEqualTo(CybrillartaRealm.PARTNER_SCOPE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void keycloakAnswers_asTheTableSays(String name, JsonNode expected) throws IOException {
    HttpResponse<String> answer = endpoint.send(request(expected));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(expected.path("status").asInt());
    if (expected.has("token")) {
      JsonNode token = RawTokenEndpoint.json(answer);
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

  private HttpRequest.Builder request(JsonNode expected) {
    HttpRequest.Builder request = endpoint.request();
    expected.path("headers").fields().forEachRemaining(header ->
        request.header(header.getKey(), header.getValue().asText()));
    String method = expected.path("method").asText("POST");
    if (expected.has("form")) {
      request.header("Content-Type", RawTokenEndpoint.FORM)
          .method(method, HttpRequest.BodyPublishers.ofString(expected.path("form").asText()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return request;
  }

  /** A header value's comma-separated items; none if there is no header. */
  private static List<String> items(String value) {
    return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim).toList();
  }

  private static JsonNode table() {
    String path = System.getProperty(TABLE_PROPERTY);
    if (path == null) {
      throw new IllegalStateException("System property " + TABLE_PROPERTY
          + " (the sandbox's keycloak-answers.json) is not set; the pom sets it for failsafe");
    }
    try {
      return JSON.readTree(Files.readString(Path.of(path)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the answers table " + path, e);
    }
  }
}
