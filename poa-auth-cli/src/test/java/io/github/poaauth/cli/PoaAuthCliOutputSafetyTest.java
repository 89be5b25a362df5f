package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the CLI prints when the endpoint misbehaves: issue 15 (B) every spelling of the secret
 * masked, (H) no control character reaching the terminal.
 */
class PoaAuthCliOutputSafetyTest {

  /** The example characters, in a secret long enough to be told apart from other text. */
  private static final String SECRET = "a b+c/=\"Partner-7";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HostileTokenEndpoint endpoint = new HostileTokenEndpoint();


  @AfterEach
  void stop() {
    endpoint.close();
  }

  /** The spellings a secret takes in a form body, a URL and a JSON document. */
  private static List<String> spellingsOf(String secret) throws Exception {
    String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    String json = JSON.writeValueAsString(secret);
    String lowerHex = Pattern.compile("%[0-9A-F]{2}").matcher(form)
        .replaceAll(escape -> escape.group().toLowerCase(Locale.ROOT));
    return List.of(secret, form, form.replace("+", "%20"), lowerHex,
        json.substring(1, json.length() - 1), "a b+c\\/=\\\"Partner-7",
        "\\u0061\\u0020\\u0062\\u002b\\u0063\\u002f\\u003d\\u0022Partner-7");
  }

  @Test
  void rejectionThatEchoesTheSecretInEverySpelling_isMasked_inTheErrorLineAndTheVerboseLog()
      throws Exception {
    List<String> spellings = spellingsOf(SECRET);
    // Raw JSON text on purpose: the escaped spellings stay escaped in the body the log shows.
    String description = String.join(" | ", spellings.subList(1, spellings.size()));
    endpoint.answer(401, "{\"error\":\"invalid_client\",\"error_description\":\"you sent "
        + JSON.writeValueAsString(SECRET).replaceAll("^\"|\"$", "") + " | "
        + description.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");

    PoaAuthCliTest.Run run = run("token", "--verbose");

    assertThat(run.code()).isEqualTo(PoaAuthCli.REJECTED);
    String errorLine = run.err().lines().reduce((first, second) -> second).orElseThrow();
    assertThat(errorLine).startsWith("poa-auth: credentials rejected: HTTP 401 invalid_client")
        .contains("you sent ****");
    assertThat(run.err()).as("the verbose log is there").contains("POST http");
    for (String spelling : spellings) {
      assertThat(run.out() + run.err()).as("spelling %s", spelling).doesNotContain(spelling);
    }
  }

  @Test
  void headerWithAControlCharacterInTheToken_isRefused_andNothingRawReachesTheTerminal()
      throws Exception {
    endpoint.answer(200, tokenResponse("eyJ.abc\u001b]0;pwned\u0007.def"));

    PoaAuthCliTest.Run run = run("token", "--header");

    assertThat(run.code()).isEqualTo(PoaAuthCli.INVALID_RESPONSE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).hasSize(1);
    assertNoControlCharacters(run);
  }

  @Test
  void jsonWithControlCharactersInTheToken_escapesThem_orRefusesTheToken() throws Exception {
    String hostile = "eyJ.abc\u001b[2J\u009b31m\u007f.def";
    endpoint.answer(200, tokenResponse(hostile));

    PoaAuthCliTest.Run run = run("token");

    // The client may refuse such a token itself (exit 5); if it hands it over, the CLI escapes it.
    assertThat(run.code()).isIn(PoaAuthCli.OK, PoaAuthCli.INVALID_RESPONSE);
    assertNoControlCharacters(run);
    if (run.code() == PoaAuthCli.OK) {
      assertThat(JSON.readTree(run.out()).get("access_token").asText()).isEqualTo(hostile);
    }
  }

  @Test
  void errorDescriptionWithControlCharacters_isEscapedInTheErrorLine() throws Exception {
    endpoint.answer(401, "{\"error\":\"invalid_client\",\"error_description\":"
        + JSON.writeValueAsString("bad\u001b]0;owned\u0007client\r\nsecond line") + "}");

    PoaAuthCliTest.Run run = run("token");

    assertThat(run.code()).isEqualTo(PoaAuthCli.REJECTED);
    // The client may already have replaced them; either way none reaches the terminal raw.
    assertThat(run.err()).contains("bad").contains("]0;owned").contains("second line");
    assertThat(run.err().lines()).hasSize(1);
    assertNoControlCharacters(run);
  }

  /** Issue 25: doctor's lines and JSON document, for an endpoint that echoes the secret. */
  @Test
  void doctor_rejectionThatEchoesTheSecretInEverySpelling_isMasked_inLinesAndJson()
      throws Exception {
    List<String> spellings = spellingsOf(SECRET);
    String description = String.join(" | ", spellings);
    endpoint.answer(401, "{\"error\":\"invalid_client\",\"error_description\":"
        + JSON.writeValueAsString("you sent " + description + " \u001b]0;owned\u0007") + "}");

    PoaAuthCliTest.Run human = run("doctor");
    PoaAuthCliTest.Run json = run("doctor", "--json");

    assertThat(human.code()).isEqualTo(Doctor.CREDENTIALS);
    assertThat(human.out()).contains("[FAIL] 6 credentials:").contains("you sent ****");
    assertThat(json.code()).isEqualTo(Doctor.CREDENTIALS);
    assertThat(JSON.readTree(json.out()).at("/steps/5/details/error_description").asText())
        .startsWith("you sent ****");
    for (String spelling : spellings) {
      assertThat(human.everything() + json.everything()).as("spelling %s", spelling)
          .doesNotContain(spelling);
    }
    assertNoControlCharacters(human);
    assertNoControlCharacters(json);
  }

  /** A token whose claims hold the secret and control characters: masked and escaped. */
  @Test
  void doctor_tokenClaimsWithTheSecretAndControlCharacters_areMasked_andTheTokenNeverShown()
      throws Exception {
    java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String claims = JSON.writeValueAsString(Map.of("iss", "https://idp/" + SECRET,
        "azp", "partner-1\u001b[2J", "iat", 1_700_000_000L, "exp", 1_700_001_800L));
    String token = base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
        + "." + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    endpoint.answer(200, tokenResponse(token));

    PoaAuthCliTest.Run human = run("doctor");
    PoaAuthCliTest.Run json = run("doctor", "--json");

    assertThat(human.out()).contains("[ok  ] 6 credentials:").contains("iss=https://idp/****");
    assertThat(JSON.readTree(json.out()).at("/steps/5/details/jwt/iss").asText())
        .isEqualTo("https://idp/****");
    assertThat(human.everything() + json.everything()).doesNotContain(token)
        .doesNotContain(token.substring(token.indexOf('.') + 1, token.lastIndexOf('.')))
        .doesNotContain(SECRET);
    assertNoControlCharacters(human);
    assertNoControlCharacters(json);
  }

  private static String tokenResponse(String accessToken) throws Exception {
    return "{\"access_token\":" + JSON.writeValueAsString(accessToken)
        + ",\"expires_in\":1800,\"token_type\":\"Bearer\",\"scope\":\"partner\"}";
  }

  private static void assertNoControlCharacters(PoaAuthCliTest.Run run) {
    String printed = run.out() + run.err();
    for (int i = 0; i < printed.length(); i++) {
      char c = printed.charAt(i);
      assertThat(c == '\n' || !SecretMask.isUnsafe(c))
          .as("character U+%04X at index %d of %s", (int) c, i, printed.replaceAll("\\p{Cntrl}", "?"))
          .isTrue();
    }
  }

  /** Runs the CLI against the hostile endpoint, capturing System.err too (the verbose log). */
  private PoaAuthCliTest.Run run(String... args) {
    return PoaAuthCliTest.runCapturingSystemErr(Map.of("POA_BASE_URL", endpoint.baseUrl(),
        "POA_CLIENT_ID", "partner-1", "POA_CLIENT_SECRET", SECRET), args);
  }
}
