package io.github.poaauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Provider verification replays each pact's example request verbatim, so the realm must agree
 * with the pacts' example credentials: this finds a disagreement in milliseconds and says which
 * side to change, instead of a 401 in the middle of the verification against Keycloak.
 */
class PactExamplesMatchRealmTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static List<JsonNode> interactions;

  @BeforeAll
  static void readPacts() throws IOException {
    Path dir = Path.of(System.getProperty("poa.pacts.dir", "../poa-auth-contract-tests/target/pacts"));
    assertThat(dir).as("pact directory written by poa-auth-contract-tests (build the whole reactor:"
        + " ./mvnw verify -Pkeycloak)").isDirectory();
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> pacts = files.filter(p -> p.toString().endsWith(".json")).collect(Collectors.toList());
      assertThat(pacts).as("pact files in " + dir).isNotEmpty();
      interactions = new ArrayList<>();
      for (Path pact : pacts) {
        JsonNode root = JSON.readTree(pact.toFile());
        if ("poa-auth".equals(root.path("provider").path("name").asText())) {
          root.path("interactions").forEach(interactions::add);
        }
      }
    }
    assertThat(interactions).as("interactions with provider poa-auth").isNotEmpty();
  }

  @Test
  void registeredPartner_isTheRealmsClient_withItsSecret() {
    Map<String, String> form = exampleForm("partner client is registered");
    assertThat(form.get("client_id")).isEqualTo(CybrillartaRealm.PARTNER_CLIENT_ID);
    assertThat(form.get("client_secret")).isEqualTo(CybrillartaRealm.PARTNER_CLIENT_SECRET);
    assertThat(CybrillartaRealm.client(CybrillartaRealm.PARTNER_CLIENT_ID))
        .as("the realm file registers " + CybrillartaRealm.PARTNER_CLIENT_ID)
        .hasValueSatisfying(client -> assertThat(client.path("secret").asText())
            .isEqualTo(CybrillartaRealm.PARTNER_CLIENT_SECRET));
  }

  @Test
  void wrongSecret_isForTheRealmsClient_andDiffersFromItsSecret() {
    Map<String, String> form = exampleForm("partner client secret is wrong");
    assertThat(form.get("client_id")).isEqualTo(CybrillartaRealm.PARTNER_CLIENT_ID);
    assertThat(form.get("client_secret")).isEqualTo(CybrillartaRealm.WRONG_CLIENT_SECRET)
        .isNotEqualTo(CybrillartaRealm.PARTNER_CLIENT_SECRET);
  }

  @Test
  void unknownClient_isNotInTheRealm() {
    Map<String, String> form = exampleForm("partner client is unknown");
    assertThat(form.get("client_id")).isEqualTo(CybrillartaRealm.UNKNOWN_CLIENT_ID);
    assertThat(CybrillartaRealm.client(CybrillartaRealm.UNKNOWN_CLIENT_ID)).isEmpty();
  }

  /** The form body of the one interaction in the given provider state. */
  private static Map<String, String> exampleForm(String state) {
    List<JsonNode> inState = interactions.stream()
        .filter(i -> i.path("providerStates").findValuesAsText("name").contains(state))
        .collect(Collectors.toList());
    assertThat(inState).as("interactions in state '" + state + "'").hasSize(1);
    String body = inState.get(0).path("request").path("body").path("content").asText();
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return form;
  }
}
