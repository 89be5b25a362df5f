package io.github.poaauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The realm file mirrors the provider's page: what makes Keycloak answer exactly the page's
 * sample shape is checked here, in milliseconds, before a server is started.
 */
class RealmFileTest {

  private final ObjectNode realm = CybrillartaRealm.file();

  @Test
  void realm_isCybrillarta_withThePagesTokenLifetime() {
    assertThat(realm.path("realm").asText()).isEqualTo(CybrillartaRealm.NAME);
    assertThat(realm.path("enabled").asBoolean()).isTrue();
    assertThat(realm.path("accessTokenLifespan").asInt())
        .isEqualTo(CybrillartaRealm.ACCESS_TOKEN_LIFESPAN_SECONDS);
  }

  @Test
  void partnerScope_isAnOpenIdScope_includedInTheTokenScope() {
    assertThat(realm.path("clientScopes")).hasSize(1);
    JsonNode scope = realm.path("clientScopes").get(0);
    assertThat(scope.path("name").asText()).isEqualTo(CybrillartaRealm.PARTNER_SCOPE);
    assertThat(scope.path("protocol").asText()).isEqualTo("openid-connect");
    assertThat(scope.path("attributes").path("include.in.token.scope").asText()).isEqualTo("true");
    assertThat(texts(realm.path("defaultDefaultClientScopes")))
        .containsExactly(CybrillartaRealm.PARTNER_SCOPE);
    assertThat(realm.path("defaultOptionalClientScopes")).isEmpty();
  }

  @Test
  void everyClient_isConfidential_clientCredentialsOnly_withPartnerAsItsOnlyScope() {
    assertThat(realm.path("clients")).isNotEmpty();
    for (JsonNode client : realm.path("clients")) {
      String id = client.path("clientId").asText();
      assertThat(client.path("publicClient").asBoolean(true)).as(id + " publicClient").isFalse();
      assertThat(client.path("clientAuthenticatorType").asText()).as(id).isEqualTo("client-secret");
      assertThat(client.path("serviceAccountsEnabled").asBoolean()).as(id).isTrue();
      assertThat(client.path("standardFlowEnabled").asBoolean(true)).as(id).isFalse();
      assertThat(client.path("implicitFlowEnabled").asBoolean(true)).as(id).isFalse();
      assertThat(client.path("directAccessGrantsEnabled").asBoolean(true)).as(id).isFalse();
      assertThat(texts(client.path("defaultClientScopes"))).as(id)
          .containsExactly(CybrillartaRealm.PARTNER_SCOPE);
      assertThat(client.path("optionalClientScopes")).as(id).isEmpty();
      // refresh_expires_in 0 on the page: no refresh token for client credentials.
      assertThat(client.path("attributes").path("client_credentials.use_refresh_token").asText())
          .as(id).isEqualTo("false");
    }
  }

  @Test
  void secrets_areObviouslyFake() {
    for (JsonNode client : realm.path("clients")) {
      assertThat(client.path("secret").asText()).contains("not-real");
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
