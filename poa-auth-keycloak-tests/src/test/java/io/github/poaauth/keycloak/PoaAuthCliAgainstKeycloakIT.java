package io.github.poaauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.poaauth.cli.PoaAuthCli;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import io.github.poaauth.keycloak.support.Jwt;
import io.github.poaauth.keycloak.support.KeycloakExtension;
import io.github.poaauth.keycloak.support.PoaKeycloak;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code poa-auth token} against Keycloak through the gateway: in-process, and the shipped jar. */
@ExtendWith(KeycloakExtension.class)
class PoaAuthCliAgainstKeycloakIT {

  private final PoaKeycloak keycloak;

  PoaAuthCliAgainstKeycloakIT(PoaKeycloak keycloak) {
    this.keycloak = keycloak;
  }

  @Test
  void token_printsKeycloaksToken() throws Exception {
    Run run = cli(Map.of("POA_CLIENT_SECRET", CybrillartaRealm.PARTNER_CLIENT_SECRET),
        "token", "--base-url", keycloak.baseUrl(), "--client-id", CybrillartaRealm.PARTNER_CLIENT_ID);

    assertThat(run.exitCode).as(run.err).isEqualTo(PoaAuthCli.OK);
    assertThat(run.err).isEmpty();
    JsonNode printed = new ObjectMapper().readTree(run.out);
    assertThat(Jwt.decode(printed.path("access_token").asText()).claims.path("azp").asText())
        .isEqualTo(CybrillartaRealm.PARTNER_CLIENT_ID);
    assertThat(printed.path("expires_in").asInt())
        .isEqualTo(CybrillartaRealm.ACCESS_TOKEN_LIFESPAN_SECONDS);
    assertThat(printed.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(printed.path("scope").asText()).isEqualTo(CybrillartaRealm.PARTNER_SCOPE);
  }

  @Test
  void token_withWrongSecret_exitsRejected_withKeycloaksErrorCode_andNoSecret() {
    Run run = cli(Map.of("POA_CLIENT_SECRET", CybrillartaRealm.WRONG_CLIENT_SECRET),
        "token", "--base-url", keycloak.baseUrl(), "--client-id", CybrillartaRealm.PARTNER_CLIENT_ID);

    assertThat(run.exitCode).isEqualTo(PoaAuthCli.REJECTED);
    assertThat(run.out).isEmpty();
    assertThat(run.err).contains("HTTP 401 unauthorized_client")
        .doesNotContain(CybrillartaRealm.WRONG_CLIENT_SECRET);
  }

  @Test
  void token_forUnknownClient_exitsRejected_withInvalidClient() {
    Run run = cli(Map.of("POA_CLIENT_SECRET", CybrillartaRealm.PARTNER_CLIENT_SECRET),
        "token", "--base-url", keycloak.baseUrl(), "--client-id", CybrillartaRealm.UNKNOWN_CLIENT_ID);

    assertThat(run.exitCode).isEqualTo(PoaAuthCli.REJECTED);
    assertThat(run.err).contains("HTTP 401 invalid_client");
  }

  /** The self-contained jar partners run, secret on standard input as its README shows. */
  @Test
  void shippedJar_printsTheAuthorizationHeader(@TempDir Path dir) throws Exception {
    Path jar = Path.of(System.getProperty("poa.cli.jar", "../poa-auth-cli/target/poa-auth-cli.jar"));
    assertThat(jar).as("the CLI jar (poa-auth-cli's package phase)").isRegularFile();
    Path stdin = Files.writeString(dir.resolve("secret"), CybrillartaRealm.PARTNER_CLIENT_SECRET + "\n");
    Path stdout = dir.resolve("out");
    Path stderr = dir.resolve("err");
    ProcessBuilder builder = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
        "token", "--base-url", keycloak.baseUrl(), "--client-id", CybrillartaRealm.PARTNER_CLIENT_ID,
        "--secret-stdin", "--header"))
        .redirectInput(stdin.toFile())
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("POA_"));
    Process process = builder.start();

    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }

    assertThat(exited).as("the CLI exited within 60 s").isTrue();
    assertThat(process.exitValue()).as(Files.readString(stderr)).isEqualTo(PoaAuthCli.OK);
    String header = Files.readString(stdout).trim();
    assertThat(header).startsWith("Authorization: Bearer eyJ");
    assertThat(Jwt.decode(header.substring("Authorization: Bearer ".length())).claims
        .path("scope").asText()).isEqualTo(CybrillartaRealm.PARTNER_SCOPE);
  }

  private static Run cli(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new PoaAuthCli(env, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static final class Run {
    final int exitCode;
    final String out;
    final String err;

    Run(int exitCode, String out, String err) {
      this.exitCode = exitCode;
      this.out = out;
      this.err = err;
    }
  }
}
