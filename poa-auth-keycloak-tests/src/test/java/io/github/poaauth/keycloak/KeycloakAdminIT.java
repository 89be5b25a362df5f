package io.github.poaauth.keycloak;

import static io.github.poaauth.keycloak.RawTokenClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.keycloak.support.CybrillartaRealm;
import io.github.poaauth.keycloak.support.KeycloakAdmin;
import io.github.poaauth.keycloak.support.KeycloakExtension;
import io.github.poaauth.keycloak.support.PoaKeycloak;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin calls behind the Pact state handlers really make their states true: tried on a client
 * of its own, so the pacts' example client is never disturbed.
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakAdminIT {

  private static final String CLIENT_ID = "example-state-handler-client";
  private static final String SECRET = "example-state-handler-secret-not-real";
  private static final String OTHER_SECRET = "example-other-secret-not-real";

  private final KeycloakAdmin admin;
  private final RawTokenClient endpoint;

  KeycloakAdminIT(PoaKeycloak keycloak) {
    this.admin = keycloak.admin();
    this.endpoint = new RawTokenClient(keycloak.tokenEndpoint());
  }

  @AfterEach
  void removeClient() {
    admin.ensureNoClient(CLIENT_ID);
  }

  @Test
  void ensurePartnerClient_registersAClientThatGetsPartnerTokens() {
    admin.ensureNoClient(CLIENT_ID);

    admin.ensurePartnerClient(CLIENT_ID, SECRET);

    HttpResponse<String> answer = token(SECRET);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(json(answer).path("scope").asText()).isEqualTo(CybrillartaRealm.PARTNER_SCOPE);
    assertThat(json(answer).path("expires_in").asInt())
        .isEqualTo(CybrillartaRealm.ACCESS_TOKEN_LIFESPAN_SECONDS);
  }

  @Test
  void ensurePartnerClient_givesARegisteredClientTheSecret() {
    admin.ensurePartnerClient(CLIENT_ID, OTHER_SECRET);

    admin.ensurePartnerClient(CLIENT_ID, SECRET);

    assertThat(token(SECRET).statusCode()).isEqualTo(200);
    assertThat(json(token(OTHER_SECRET)).path("error").asText()).isEqualTo("unauthorized_client");
  }

  @Test
  void ensureNoClient_makesTheClientUnknown() {
    admin.ensurePartnerClient(CLIENT_ID, SECRET);

    admin.ensureNoClient(CLIENT_ID);

    HttpResponse<String> answer = token(SECRET);
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(json(answer).path("error").asText()).isEqualTo("invalid_client");
    assertThat(admin.findClient(CLIENT_ID)).isEmpty();
  }

  private HttpResponse<String> token(String secret) {
    return endpoint.postForm("client_id=" + CLIENT_ID + "&client_secret=" + secret
        + "&grant_type=client_credentials");
  }
}
