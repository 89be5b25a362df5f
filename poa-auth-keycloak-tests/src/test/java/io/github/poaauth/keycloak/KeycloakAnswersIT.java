package io.github.poaauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import io.github.poaauth.keycloak.support.KeycloakExtension;
import io.github.poaauth.keycloak.support.PoaKeycloak;
import io.github.poaauth.sandbox.KeycloakAnswerTable;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keycloak gives every answer of poa-auth-sandbox's {@link KeycloakAnswerTable} (from the
 * sandbox's test jar), through the gateway on POA's path, checked by the same code as the
 * sandbox's {@code KeycloakAnswersTest}: if Keycloak changes (an upgrade) a case fails here, if
 * the sandbox changes it fails there.
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakAnswersIT {

  private static final KeycloakAnswerTable TABLE = KeycloakAnswerTable.load();

  private final RawTokenClient endpoint;

  KeycloakAnswersIT(PoaKeycloak keycloak) {
    this.endpoint = new RawTokenClient(keycloak.tokenEndpoint());
  }

  static Stream<Arguments> cases() {
    return TABLE.cases();
  }

  /** The requests name the realm's partner client: the table must too. */
  @Test
  void tableClient_isTheRealmsPartnerClient() {
    JsonNode client = TABLE.client();

    assertThat(client.path("id").asText()).isEqualTo(CybrillartaRealm.PARTNER_CLIENT_ID);
    assertThat(client.path("secret").asText()).isEqualTo(CybrillartaRealm.PARTNER_CLIENT_SECRET);
    assertThat(client.path("scope").asText()).isEqualTo(CybrillartaRealm.PARTNER_SCOPE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void keycloakAnswers_asTheTableSays(String name, JsonNode expected) throws IOException {
    KeycloakAnswerTable.assertAnswer(expected,
        endpoint.send(KeycloakAnswerTable.request(endpoint.request(), expected)));
  }
}
