package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code java -jar poa-auth-cli.jar sandbox} as a separate process, tried as issue 18 asks: with
 * the {@code curl} command of POA's page exactly as the page writes it, and with
 * {@code poa-auth token}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StandaloneSandboxIT {

  static final Path JAR = Path.of("target", "poa-auth-cli.jar").toAbsolutePath();
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  /**
   * The sample request of POA's authentication page ({@code shared/seed/poa-authentication.md}),
   * character for character; {@link #pageCurl_isThePagesSampleAsWritten()} checks it against the
   * page where the page is at hand.
   */
  static final String PAGE_CURL = String.join("\n",
      "curl --location '{{base_url}}/poa/auth/token' \\",
      "--header 'Content-Type: application/x-www-form-urlencoded' \\",
      "--data-urlencode 'client_id=<client_id>' \\",
      "--data-urlencode 'client_secret=<client_secret>' \\",
      "--data-urlencode 'grant_type=client_credentials'");

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void pagesCurl_getsATokenFromTheSampleBaseUrlAndPath_andStderrNamesTheDocumentedPath()
      throws Exception {
    assumeTrue(Shell.onPath("curl"), "curl is not installed: this test runs the page's curl");
    try (RunningSandbox sandbox = start("--port", "0")) {
      assertThat(sandbox.banner).hasSize(6);
      assertThat(sandbox.baseUrl).matches("http://127\\.0\\.0\\.1:\\d+");
      assertThat(sandbox.printed("client_id")).isEqualTo("sandbox-partner");
      assertThat(sandbox.printed("client_secret")).startsWith("sandbox-secret ");

      Shell.Result curl = Shell.bash(Path.of("."), PAGE_CURL
          .replace("{{base_url}}", sandbox.baseUrl)
          .replace("<client_id>", sandbox.printed("client_id"))
          .replace("<client_secret>", "sandbox-secret"), "", Map.of());

      assertThat(curl.code()).as("curl's exit code; stderr: %s", curl.err()).isZero();
      JsonNode token = JSON.readTree(curl.out());
      assertThat(token.get("access_token").asText()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
      assertThat(token.get("expires_in").asInt()).isEqualTo(1800);
      assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
      assertThat(token.get("scope").asText()).isEqualTo("partner");
      assertThat(sandbox.stderr()).isEqualTo("poa-auth: POST /poa/auth/token is the path of the curl"
          + " sample on POA's page; POA documents POST /v2/auth/cybrillarta/token, which is the"
          + " path to use (poa-auth does)\n");

      Shell.Result documented = Shell.bash(Path.of("."), PAGE_CURL
          .replace("{{base_url}}/poa/auth/token", sandbox.tokenEndpoint())
          .replace("<client_id>", "sandbox-partner")
          .replace("<client_secret>", "sandbox-secret"), "", Map.of());
      assertThat(documented.code()).isZero();
      assertThat(JSON.readTree(documented.out()).has("access_token")).isTrue();
      assertThat(sandbox.stderr().lines()).as("no notice for the documented path").hasSize(1);

      assertThat(sandbox.stopWithEndOfInput()).isZero();
      assertThat(sandbox.stderr()).endsWith("poa-auth: sandbox stopped\n");
      assertRefusesConnections(sandbox.baseUrl);
    }
  }

  @Test
  void tokenCommand_getsATokenFromTheStandaloneSandbox_withItsOwnClientAndLifetime()
      throws Exception {
    try (RunningSandbox sandbox = start("--client", "partner-1:Made-Up-Sandbox-Secret",
        "--client", "partner-2:other", "--token-lifetime", "60s")) {
      assertThat(sandbox.printed("client_id")).isEqualTo("partner-1");
      assertThat(sandbox.printed("token lifetime")).isEqualTo("60 s");
      assertThat(String.join("\n", sandbox.banner)).doesNotContain("Made-Up-Sandbox-Secret");

      Shell.Result token = Shell.bash(Path.of("."), "\"$JAVA\" -jar \"$JAR\" token --base-url "
          + sandbox.baseUrl + " --client-id partner-1 --secret-stdin",
          "Made-Up-Sandbox-Secret\n", Map.of("JAVA", JAVA, "JAR", JAR.toString()));

      assertThat(token.code()).as("stderr: %s", token.err()).isZero();
      assertThat(token.err()).isEmpty();
      assertThat(JSON.readTree(token.out()).get("expires_in").asInt()).isEqualTo(60);

      Shell.Result wrong = Shell.bash(Path.of("."), "\"$JAVA\" -jar \"$JAR\" token --base-url "
          + sandbox.baseUrl + " --client-id partner-2 --secret-stdin",
          "Made-Up-Sandbox-Secret\n", Map.of("JAVA", JAVA, "JAR", JAR.toString()));
      assertThat(wrong.code()).isEqualTo(PoaAuthCli.REJECTED);
      assertThat(wrong.err()).contains("unauthorized_client").doesNotContain("Made-Up");
      assertThat(sandbox.stderr()).as("the documented path draws no notice").isEmpty();
    }
  }

  @Test
  void sigterm_stopsIt_andFreesThePort() throws Exception {
    try (RunningSandbox sandbox = start()) {
      // SIGTERM alone, as kill sends it: Process.destroy() would also close the child's stdin,
      // which is Ctrl-D (exit 0), racing the signal.
      assertThat(sandbox.process.toHandle().destroy()).isTrue();

      assertThat(sandbox.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(sandbox.process.exitValue()).as("128 + SIGTERM").isEqualTo(143);
      assertRefusesConnections(sandbox.baseUrl);
    }
  }

  @Test
  void aPortInUse_exits2_withOneLine() throws Exception {
    try (RunningSandbox first = start()) {
      String port = first.baseUrl.substring(first.baseUrl.lastIndexOf(':') + 1);

      Shell.Result second = Shell.bash(Path.of("."), "\"$JAVA\" -jar \"$JAR\" sandbox --port "
          + port, "", Map.of("JAVA", JAVA, "JAR", JAR.toString()));

      assertThat(second.code()).isEqualTo(PoaAuthCli.USAGE);
      assertThat(second.out()).isEmpty();
      assertThat(second.err()).startsWith("poa-auth: the sandbox cannot listen on the port given"
          + " with --port").hasLineCount(1);
    }
  }

  /** Where {@code shared/} is beside the clone, as on developers' machines and in CI. */
  @Test
  void pageCurl_isThePagesSampleAsWritten() throws IOException {
    Path page = Path.of("..", "..", "shared", "seed", "poa-authentication.md");
    assumeTrue(Files.isRegularFile(page), "the provider's page is not beside this clone: " + page
        .toAbsolutePath().normalize());
    String text = Files.readString(page, StandardCharsets.UTF_8);
    int sample = text.indexOf("### Sample Request");
    int from = text.indexOf("```", sample);
    from = text.indexOf('\n', from) + 1;
    assertThat(text.substring(from, text.indexOf("```", from)).strip()).isEqualTo(PAGE_CURL);
  }

  static RunningSandbox start(String... options) throws IOException {
    List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString(), "sandbox"));
    command.addAll(List.of(options));
    assertThat(JAR).exists();
    return RunningSandbox.start(Path.of("."), command);
  }

  static void assertRefusesConnections(String baseUrl) {
    HttpClient http = HttpClient.newHttpClient();
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/")).build(),
        HttpResponse.BodyHandlers.discarding())).isInstanceOf(ConnectException.class);
  }
}
