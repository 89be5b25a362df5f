package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's usage example compiles, runs, and stays the same code as here. */
class ReadmeExampleTest {
  private static final String MARKER = "readme-example:";

  private static void readmeExample(String baseUrl, String clientId, String clientSecret,
      HttpClient http) throws IOException, InterruptedException {
    // readme-example:start
    try (PoaTokenProvider tokens = PoaTokenProvider.builder()
        .baseUrl(baseUrl)                               // https, or http to loopback only
        .clientId(clientId)
        .clientSecret(clientSecret)
        .build()) {
      AccessToken token = tokens.token();               // cached; blocks only when none is valid
      HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v2/some-api"))
          .header("Authorization", token.authorizationHeader())
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 401) {
        tokens.invalidate(token);                       // the next token() fetches a new one
      }
    }
    // readme-example:end
  }

  @Test
  void readmeExample_runsAgainstALoopbackEndpoint() throws Exception {
    try (ScriptedTokenServer server = new ScriptedTokenServer()) {
      readmeExample(server.baseUrl(), "partner-1", "secret", HttpClient.newHttpClient());

      ScriptedTokenServer.Recorded apiCall = server.requests().get(1);
      assertThat(apiCall.path()).isEqualTo("/v2/some-api");
      assertThat(apiCall.headers().get("Authorization")).containsExactly("Bearer token-1");
    }
  }

  @Test
  void readmeExample_isTheSameCodeAsThisTest() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String source = Files.readString(
        Path.of("src/test/java/io/github/poaauth/client/ReadmeExampleTest.java"), StandardCharsets.UTF_8);

    assertThat(normalise(between(source, "// " + MARKER + "start", "// " + MARKER + "end")))
        .isEqualTo(normalise(between(readme, "```java", "```")));
  }

  private static String between(String text, String start, String end) {
    // Built from parts so that this line is not itself a marker.
    int markerAt = text.indexOf(MARKER + "start");
    int from = text.indexOf(start, Math.max(0, markerAt - start.length())) + start.length();
    return text.substring(from, text.indexOf(end, from));
  }

  private static String normalise(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty())
        .reduce("", (a, b) -> a + b + "\n");
  }
}
