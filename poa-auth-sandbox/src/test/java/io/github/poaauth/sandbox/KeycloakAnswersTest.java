package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sandbox gives every answer of {@link KeycloakAnswerTable}: what Keycloak 26.7.3 answers on
 * POA's token path, measured. poa-auth-keycloak-tests' {@code KeycloakAnswersIT} (profile
 * {@code keycloak}) sends the same requests to Keycloak and checks them with the same code, so
 * the sandbox and Keycloak cannot drift apart unnoticed: a case fails on one side or the other.
 */
class KeycloakAnswersTest {

  private static final KeycloakAnswerTable TABLE = KeycloakAnswerTable.load();

  /** The realm's partner client, with its secret and scope: the requests name it. */
  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension(PoaSandbox.builder()
      .client(TABLE.client().path("id").asText(), TABLE.client().path("secret").asText())
      .scope(TABLE.client().path("scope").asText()));

  static Stream<Arguments> cases() {
    return TABLE.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sandboxAnswers_asKeycloakWasMeasuredToAnswer(String name, JsonNode expected)
      throws IOException {
    HttpRequest.Builder base = HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
        .header("Accept", "application/json");

    KeycloakAnswerTable.assertAnswer(expected, Wire.send(KeycloakAnswerTable.request(base, expected).build()));
  }

  @Test
  void table_coversEveryKindOfAnswer() {
    assertThat(TABLE.statuses()).contains("200", "400", "401", "403", "405", "500")
        .hasSizeGreaterThanOrEqualTo(40);
  }
}
