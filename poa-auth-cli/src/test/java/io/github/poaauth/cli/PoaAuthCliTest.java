package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import io.github.poaauth.sandbox.RecordedRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI run in-process: its output, its one-line errors and its exit codes. */
class PoaAuthCliTest {

  private static final String ID = "partner-1";
  private static final String SECRET = "Cli-Secret-Value-42";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What a user typed in the wrong place: it must never be printed back. */
  private static final String MISPLACED = "Hunter2-Misplaced-Value";

  @RegisterExtension
  static final PoaSandboxExtension POA =
      new PoaSandboxExtension(PoaSandbox.builder().client(ID, SECRET));

  /** What one run printed and returned. */
  record Run(int code, String out, String err) {
    String everything() {
      return out + err;
    }
  }

  @Test
  void sandbox_printsTheTokenResponseAsJson_andNothingElse() throws Exception {
    Run run = run(Map.of(), "", "token", "--sandbox");

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
    assertThat(run.err()).isEmpty();
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.get("access_token").asText()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
    assertThat(json.get("expires_in").asInt()).isEqualTo(1800);
    assertThat(json.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(json.get("scope").asText()).isEqualTo("partner");
  }

  @Test
  void sandbox_ignoresThePoaEnvironmentVariables() {
    Run run = run(Map.of("POA_BASE_URL", "https://poa.example.invalid",
        "POA_CLIENT_ID", "someone", "POA_CLIENT_SECRET", "something"), "", "token", "--sandbox");

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
  }

  @Test
  void header_printsOnlyTheAuthorizationHeaderLine() {
    Run run = run(Map.of(), "", "token", "--sandbox", "--header");

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
    assertThat(run.out()).matches("Authorization: Bearer [\\w-]+\\.[\\w-]+\\.[\\w-]+\\R");
  }

  @Test
  void environment_suppliesBaseUrlClientIdAndSecret() throws Exception {
    Run run = run(environment(SECRET), "", "token");

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
    String token = JSON.readTree(run.out()).get("access_token").asText();
    assertThat(POA.sandbox().isValidToken(token)).isTrue();
    assertThat(POA.sandbox().tokenRequestCount(ID)).isEqualTo(1);
  }

  @Test
  void options_winOverTheEnvironment() {
    Map<String, String> env = Map.of("POA_BASE_URL", "https://poa.example.invalid",
        "POA_CLIENT_ID", "someone-else", "POA_CLIENT_SECRET", SECRET);

    Run run = run(env, "", "token", "--base-url", POA.sandbox().baseUrl(), "--client-id=" + ID);

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
    assertThat(POA.sandbox().tokenRequestCount(ID)).isEqualTo(1);
  }

  @Test
  void secretStdin_readsTheSecretWithoutItsTrailingNewline_andWinsOverTheEnvironment() {
    Map<String, String> env = new HashMap<>(environment("not-this-one"));

    Run run = run(env, SECRET + "\n", "token", "--secret-stdin");

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
  }

  @Test
  void wrongSecret_exits3_withOneLineNamingTheOAuthError_andNoSecretAnywhere() {
    String wrong = "Wrong-Secret-Typed-99";

    Run run = run(environment(wrong), "", "token");

    assertThat(run.code()).isEqualTo(PoaAuthCli.REJECTED);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("poa-auth: credentials rejected: HTTP 401 unauthorized_client"
        + " (Invalid client or Invalid client credentials)" + System.lineSeparator());
    assertThat(run.everything()).doesNotContain(wrong, SECRET);
  }

  @Test
  void sandboxWithAWrongSecretOnStdin_exits3_withUnauthorizedClient() {
    Run run = run(Map.of(), "Wrong-Secret-Typed-99\n", "token", "--sandbox", "--secret-stdin");

    assertThat(run.code()).isEqualTo(PoaAuthCli.REJECTED);
    assertThat(run.err()).contains("unauthorized_client").doesNotContain("Wrong-Secret-Typed-99");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void unknownClient_exits3_withInvalidClient() {
    Run run = run(Map.of(), "", "token", "--sandbox", "--client-id", "stranger");

    assertThat(run.code()).isEqualTo(PoaAuthCli.REJECTED);
    assertThat(run.err()).startsWith("poa-auth: credentials rejected: HTTP 401 invalid_client");
  }

  @Test
  void endpointDown_exits4_withOneLine() {
    String baseUrl;
    try (PoaSandbox stopped = PoaSandbox.builder().start()) {
      baseUrl = stopped.baseUrl();
    }
    Map<String, String> env = Map.of("POA_BASE_URL", baseUrl, "POA_CLIENT_ID", ID,
        "POA_CLIENT_SECRET", SECRET);

    Run run = run(env, "", "token");

    assertThat(run.code()).isEqualTo(PoaAuthCli.UNAVAILABLE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("poa-auth: token endpoint unavailable after ");
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.everything()).doesNotContain(SECRET);
  }

  @Test
  void endpointFailingEveryAttempt_exits4() {
    POA.sandbox().faults().failNext(10, 503);

    Run run = run(environment(SECRET), "", "token");

    assertThat(run.code()).isEqualTo(PoaAuthCli.UNAVAILABLE);
    assertThat(run.err()).contains("HTTP 503");
  }

  @Test
  void malformedResponse_exits5_withOneLine() {
    POA.sandbox().faults().malformedNextBody();

    Run run = run(environment(SECRET), "", "token");

    assertThat(run.code()).isEqualTo(PoaAuthCli.INVALID_RESPONSE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("poa-auth: invalid token response: ")
        .contains("not valid JSON");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void missingSettings_exit2_namingEachOne() {
    Run run = run(Map.of(), "", "token");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).isEqualTo("poa-auth: missing base URL (--base-url or POA_BASE_URL),"
        + " client id (--client-id or POA_CLIENT_ID), client secret (POA_CLIENT_SECRET or"
        + " --secret-stdin); or try --sandbox" + System.lineSeparator());
  }

  @Test
  void missingSecretOnly_exit2_namingIt() {
    Run run = run(Map.of("POA_BASE_URL", POA.sandbox().baseUrl(), "POA_CLIENT_ID", ID), "", "token");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).contains("missing client secret").doesNotContain("base URL");
    assertThat(POA.sandbox().tokenRequestCount()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--client-secret=Typed-On-The-Line", "--client-secret", "--secret",
      "--CLIENT_SECRET=Typed-On-The-Line"})
  void secretAsAnOption_isRefused_withoutEchoingIt(String option) {
    Run run = run(environment(SECRET), "", "token", option, "Typed-On-The-Line");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).contains("never taken from the command line")
        .doesNotContain("Typed-On-The-Line");
    assertThat(POA.sandbox().tokenRequestCount()).isZero();
  }

  @Test
  void strayArgument_isRefused_withoutEchoingIt() {
    Run run = run(environment(SECRET), "", "token", "Maybe-A-Secret");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).doesNotContain("Maybe-A-Secret").contains("position 2");
  }

  @Test
  void unknownOption_exit2_namingItsPositionButNeitherItsNameNorItsValue() {
    Run run = run(Map.of(), "", "token", "--colour=Some-Value");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).isEqualTo("poa-auth: unknown option at position 2 (see --help; the"
        + " argument is not shown, in case it holds a secret)" + System.lineSeparator());
  }

  @Test
  void mistypedOption_suggestsOneOfOurOwnOptionNames() {
    Run run = run(Map.of(), "", "token", "--hedaer");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).contains("did you mean --header?").doesNotContain("hedaer");
  }

  /**
   * Issue 15 (I): a secret typed in the wrong place was echoed in the error line
   * ({@code -p<secret>}, {@code -<secret>}, {@code -v=<secret>}, {@code --base-url <secret>}).
   */
  @ParameterizedTest
  @ValueSource(strings = {"token -p" + MISPLACED, "token -" + MISPLACED, "token -v=" + MISPLACED,
      "token --verbose=" + MISPLACED, "token --header=" + MISPLACED,
      "token --base-url " + MISPLACED + " --client-id partner-1",
      "token --base-url=" + MISPLACED + " --client-id partner-1",
      "token " + MISPLACED, MISPLACED, "-" + MISPLACED + " token", "token --" + MISPLACED,
      "token --" + MISPLACED + "=x", "token @" + MISPLACED, "token -v" + MISPLACED,
      "sandbox --client " + MISPLACED, "sandbox --port " + MISPLACED,
      "sandbox --token-lifetime " + MISPLACED, "sandbox " + MISPLACED, "sandbox -p" + MISPLACED,
      "doctor -p" + MISPLACED, "doctor " + MISPLACED, "doctor --" + MISPLACED,
      "doctor --json=" + MISPLACED, "doctor --client-secret=" + MISPLACED})
  void misplacedSecret_isNeverEchoed_inTheOneErrorLine(String commandLine) {
    String line = commandLine.startsWith("token") || commandLine.startsWith("doctor")
        ? commandLine + " --secret-stdin" : commandLine;
    Run run = run(Map.of(), "Piped-Secret-Value\n", line.split(" "));

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("poa-auth: ");
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.everything()).doesNotContainIgnoringCase(MISPLACED)
        .doesNotContainIgnoringCase(MISPLACED.substring(0, 6))
        .doesNotContain("Piped-Secret-Value");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--verbose=true", "-v=yes", "--sandbox=1", "--header=no",
      "--secret-stdin=x"})
  void flagGivenAValue_exit2_namingTheFlagOnly(String flag) {
    Run run = run(Map.of(), "", "token", flag);

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    String name = flag.substring(0, flag.indexOf('='));
    assertThat(run.err()).matches("poa-auth: --[a-z-]+ takes no value \\(see --help\\)\\R")
        .contains(name.equals("-v") ? "--verbose" : name)
        .doesNotContain(flag.substring(flag.indexOf('=')));
  }

  @Test
  void providerRejectingACommandLineBaseUrl_showsItsReason_butNotTheValue() {
    Run run = run(Map.of(), "Some-Secret\n", "token", "--base-url", "Not-A-Url-42",
        "--client-id", ID, "--secret-stdin");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).contains("must be an absolute https URL")
        .contains("the value is not shown").doesNotContain("Not-A-Url-42");
  }

  @Test
  void aBaseUrlFromTheEnvironment_isNotRepeatedEither_theErrorNamesTheVariable() {
    Run run = run(Map.of("POA_BASE_URL", "Env-Not-A-Url", "POA_CLIENT_ID", ID,
        "POA_CLIENT_SECRET", SECRET), "", "token");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).contains("POA_BASE_URL").doesNotContain("Env-Not-A-Url")
        .doesNotContain(SECRET);
  }

  /**
   * Issue 22 item 8: a secret typed into the host of the base URL was repeated in the https
   * advice ("use https://&lt;secret&gt;.example"), from the option and from the environment.
   */
  @ParameterizedTest
  @ValueSource(strings = {"http://" + MISPLACED + ".example", "http://" + MISPLACED
      + ".example:8080/path", "http://" + MISPLACED + "@poa.example.com",
      "https://" + MISPLACED + "@poa.example.com", "http://poa.example.com/?" + MISPLACED})
  void aSecretTypedIntoTheBaseUrl_isNeverRepeated_fromTheOptionOrTheEnvironment(String url) {
    Run typed = run(Map.of(), "Piped-Secret-Value\n", "token", "--base-url", url,
        "--client-id", ID, "--secret-stdin");
    Run fromEnv = run(Map.of("POA_BASE_URL", url, "POA_CLIENT_ID", ID,
        "POA_CLIENT_SECRET", SECRET), "", "token");

    for (Run run : List.of(typed, fromEnv)) {
      assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
      assertThat(run.err()).startsWith("poa-auth: the base URL (--base-url or POA_BASE_URL)")
          .contains("the value is not shown");
      assertThat(run.err().lines()).hasSize(1);
      assertThat(run.everything()).doesNotContainIgnoringCase(MISPLACED)
          .doesNotContainIgnoringCase(MISPLACED.substring(0, 6));
    }
  }

  @Test
  void tokenHelp_printsTheUsage() {
    Run run = run(Map.of(), "", "token", "--help");

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
    assertThat(run.out()).startsWith("Usage: poa-auth token").contains("poa-auth sandbox");
  }

  @Test
  void doctorHelp_listsEveryStepsExitCode_asTheCliDocsDo() throws Exception {
    Run run = run(Map.of(), "", "doctor", "--help");
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "CLI.md"));

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
    assertThat(run.out()).contains("Exit codes: 0 all good, " + Doctor.CONFIGURATION
        + " configuration, " + Doctor.DNS + " DNS, " + Doctor.TCP + " TCP, " + Doctor.TLS
        + " TLS, " + Doctor.TOKEN_PATH + " token path,").contains(Doctor.CREDENTIALS
        + " credentials, " + Doctor.CLOCKS + " clocks more than 30 s apart").contains(Doctor.API
        + " API");
    String[] steps = {"configuration", "DNS", "TCP", "TLS", "token path", "credentials",
        "clocks", "API"};
    for (int i = 0; i < steps.length; i++) {
      assertThat(readme).containsPattern("\\| " + (i + 1) + " " + steps[i] + " \\|.*\\| "
          + (11 + i) + "( \\(a warning[^|]*)? \\|");
    }
  }

  @Test
  void noCommand_exit2() {
    Run run = run(Map.of(), "", "--sandbox");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).contains("no command given");
  }

  @Test
  void sandboxWithABaseUrl_exit2() {
    Run run = run(Map.of(), "", "token", "--sandbox", "--base-url", "https://poa.example.com");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).contains("--sandbox runs its own endpoint");
  }

  @Test
  void optionWithoutItsValue_exit2() {
    Run run = run(Map.of(), "", "token", "--base-url");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).contains("--base-url needs a value");
  }

  @Test
  void plainHttpToARemoteHost_exit2_withTheProvidersReason() {
    Run run = run(Map.of(), "Some-Secret\n", "token", "--base-url", "http://poa.example.com",
        "--client-id", ID, "--secret-stdin");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith("poa-auth: ").containsIgnoringCase("https")
        .doesNotContain("Some-Secret");
  }

  @Test
  void emptyStdin_withSecretStdin_exit2() {
    Run run = run(environment(SECRET), "\n", "token", "--secret-stdin");

    assertThat(run.code()).isEqualTo(PoaAuthCli.USAGE);
    assertThat(run.err()).contains("standard input held no secret");
  }

  @Test
  void help_printsUsageWithTheExitCodes_andExits0() {
    Run run = run(Map.of(), "", "--help");

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
    assertThat(run.out()).startsWith("Usage: poa-auth token").contains("--secret-stdin")
        .contains("3 credentials rejected");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void verbose_showsTheHttpExchangeOnStderr_withSecretAndTokenMasked() throws Exception {
    Run run = runCapturingSystemErr(environment(SECRET), "token", "--verbose");

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
    String token = JSON.readTree(run.out()).get("access_token").asText();
    assertThat(run.err()).contains("POST " + POA.sandbox().tokenEndpoint())
        .contains("-> HTTP 200")
        .doesNotContain(SECRET, token);
    RecordedRequest seen = POA.sandbox().lastTokenRequest(ID).orElseThrow();
    assertThat(seen.responseStatus()).hasValue(200);
  }

  @Test
  void verboseSandbox_saysWhereTheSandboxListens() {
    Run run = runCapturingSystemErr(Map.of(), "token", "--sandbox", "-v", "--header");

    assertThat(run.code()).isEqualTo(PoaAuthCli.OK);
    assertThat(run.err()).contains("poa-auth: sandbox listening at http://127.0.0.1:")
        .contains("default client sandbox-partner")
        .doesNotContain(PoaSandbox.DEFAULT_CLIENT_SECRET);
  }

  private static Map<String, String> environment(String secret) {
    return Map.of("POA_BASE_URL", POA.sandbox().baseUrl(), "POA_CLIENT_ID", ID,
        "POA_CLIENT_SECRET", secret);
  }

  private static Run run(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new PoaAuthCli(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * --verbose logs through SLF4J (slf4j-simple, to System.err), so this run also captures
   * System.err, into the same buffer as the CLI's own error stream.
   */
  static Run runCapturingSystemErr(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream systemErr = System.err;
    System.setErr(errStream);
    try {
      int code = new PoaAuthCli(env, new ByteArrayInputStream(new byte[0]),
          new PrintStream(out, true, StandardCharsets.UTF_8), errStream).run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(systemErr);
    }
  }
}
