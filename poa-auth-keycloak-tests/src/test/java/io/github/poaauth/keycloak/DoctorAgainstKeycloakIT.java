package io.github.poaauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import io.github.poaauth.keycloak.support.KeycloakAdmin;
import io.github.poaauth.keycloak.support.KeycloakExtension;
import io.github.poaauth.keycloak.support.PoaKeycloak;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code poa-auth doctor} (the shipped jar, its own process) against Keycloak through the
 * gateway: a token with Keycloak's claims and Date header, and the realm client whose service
 * account is disabled, which Keycloak refuses with its own description (issue 25).
 */
@ExtendWith(KeycloakExtension.class)
class DoctorAgainstKeycloakIT {

  private static final String NO_SERVICE_ACCOUNT_ID = "example-no-service-account";
  private static final String NO_SERVICE_ACCOUNT_SECRET = "example-no-sa-secret-not-real";
  private static final String JWT = "eyJ[\\w-]*\\.[\\w-]+\\.[\\w-]+";

  private final PoaKeycloak keycloak;
  private final KeycloakAdmin admin;

  DoctorAgainstKeycloakIT(PoaKeycloak keycloak) {
    this.keycloak = keycloak;
    this.admin = keycloak.admin();
  }

  @AfterEach
  void removeClient() {
    admin.ensureNoClient(NO_SERVICE_ACCOUNT_ID);
  }

  record Run(int code, String out, String err) {}

  @Test
  void partnerClient_allGood_withKeycloaksClaimsAndDateHeader() throws Exception {
    Run run = doctor(CybrillartaRealm.PARTNER_CLIENT_ID, CybrillartaRealm.PARTNER_CLIENT_SECRET,
        "--json");

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    JsonNode steps = new ObjectMapper().readTree(run.out()).get("steps");
    assertThat(steps.at("/5/details/jwt/azp").asText())
        .isEqualTo(CybrillartaRealm.PARTNER_CLIENT_ID);
    assertThat(steps.at("/5/details/scope").asText()).isEqualTo(CybrillartaRealm.PARTNER_SCOPE);
    assertThat(steps.at("/6/details/server_date").isTextual()).as("Keycloak sends Date").isTrue();
    assertNothingSecret(run, CybrillartaRealm.PARTNER_CLIENT_SECRET);
  }

  @Test
  void aClientWhoseServiceAccountIsDisabled_exits16_askingPoaToEnableIt() throws Exception {
    ObjectNode client = CybrillartaRealm.client(CybrillartaRealm.PARTNER_CLIENT_ID).orElseThrow()
        .deepCopy();
    client.put("clientId", NO_SERVICE_ACCOUNT_ID).put("secret", NO_SERVICE_ACCOUNT_SECRET)
        .put("serviceAccountsEnabled", false).put("standardFlowEnabled", true);
    admin.replaceClient(client);

    Run run = doctor(NO_SERVICE_ACCOUNT_ID, NO_SERVICE_ACCOUNT_SECRET);

    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(16);
    assertThat(run.out()).contains("[FAIL] 6 credentials: POA refused the credentials of client "
        + NO_SERVICE_ACCOUNT_ID + ": HTTP 401 unauthorized_client (Client not enabled to retrieve"
        + " service account): the client exists, but has no service account")
        .contains("=> fix: ask POA to enable the service account (client-credentials grant) of"
        + " client " + NO_SERVICE_ACCOUNT_ID);
    assertNothingSecret(run, NO_SERVICE_ACCOUNT_SECRET);
  }

  @Test
  void aWrongSecret_exits16_sayingTheSecretIsWrong() throws Exception {
    Run run = doctor(CybrillartaRealm.PARTNER_CLIENT_ID, CybrillartaRealm.WRONG_CLIENT_SECRET);

    assertThat(run.code()).isEqualTo(16);
    assertThat(run.out()).contains("HTTP 401 unauthorized_client (Invalid client or Invalid"
        + " client credentials): the client id is known, but the secret is wrong");
    assertNothingSecret(run, CybrillartaRealm.WRONG_CLIENT_SECRET);
  }

  private Run doctor(String clientId, String secret, String... more)
      throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("poa.cli.jar",
        "../poa-auth-cli/target/poa-auth-cli.jar"));
    assertThat(jar).as("the CLI jar (poa-auth-cli's package phase)").isRegularFile();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString(), "doctor"));
    command.addAll(List.of(more));
    Path out = Files.createTempFile("doctor", ".out");
    Path err = Files.createTempFile("doctor", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("POA_"));
      builder.environment().putAll(Map.of("POA_BASE_URL", keycloak.baseUrl(),
          "POA_CLIENT_ID", clientId, "POA_CLIENT_SECRET", secret));
      Process process = builder.start();
      process.getOutputStream().close();
      int code = process.waitFor();
      return new Run(code, Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static void assertNothingSecret(Run run, String secret) {
    assertThat(run.out() + run.err()).doesNotContain(secret).doesNotContainPattern(JWT);
  }
}
