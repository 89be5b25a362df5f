package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import io.github.poaauth.sandbox.RecordedRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's usage example compiles, runs, and stays the same code as here. */
class ReadmeExampleTest {
  private static final String MARKER = "readme-example:";

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  private static void readmeExample(String baseUrl, String clientId, String clientSecret,
      URI apiUri, HttpClient http) throws IOException, InterruptedException {
    // readme-example:start
    try (PoaTokenProvider tokens = PoaTokenProvider.builder()
        .baseUrl(baseUrl)                               // https, or http to loopback only
        .clientId(clientId)
        .clientSecret(clientSecret)
        .build()) {
      AccessToken token = tokens.token();               // cached; blocks only when none is valid
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(apiUri)
          .header("Authorization", token.authorizationHeader()).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 401) {               // the API no longer takes this token:
        tokens.invalidate(token);                       // drop it, so token() fetches a new one,
        response = http.send(HttpRequest.newBuilder(apiUri)   // and try once more
            .header("Authorization", tokens.token().authorizationHeader()).build(),
            HttpResponse.BodyHandlers.ofString());
      }
    }
    // readme-example:end
  }

  @Test
  void readmeExample_getsThroughWithoutARejection_onOneToken() throws Exception {
    PoaSandbox sandbox = POA.sandbox();

    readmeExample(sandbox.baseUrl(), sandbox.defaultClientId(), sandbox.defaultClientSecret(),
        sandbox.apiEndpoint(), HttpClient.newHttpClient());

    assertThat(apiCallStatuses(sandbox)).containsExactly(200);
    assertThat(sandbox.tokenRequestCount()).isEqualTo(1);
  }

  /** The branch the README is there for: the API rejects the token once. */
  @Test
  void readmeExample_whenTheApiRejectsTheToken_invalidatesIt_andSucceedsWithANewOne() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().rejectTokens(1);

    readmeExample(sandbox.baseUrl(), sandbox.defaultClientId(), sandbox.defaultClientSecret(),
        sandbox.apiEndpoint(), HttpClient.newHttpClient());

    assertThat(apiCallStatuses(sandbox)).containsExactly(401, 200);
    assertThat(sandbox.tokenRequestCount()).as("a new token after invalidate").isEqualTo(2);
    List<RecordedRequest> apiCalls = sandbox.recordedRequests().stream()
        .filter(request -> request.path().equals(PoaSandbox.API_PATH)).toList();
    assertThat(apiCalls).allSatisfy(request ->
        assertThat(request.header("Authorization")).hasValue("Bearer " + RecordedRequest.MASK));
  }

  private static List<Integer> apiCallStatuses(PoaSandbox sandbox) {
    return sandbox.recordedRequests().stream()
        .filter(request -> request.path().equals(PoaSandbox.API_PATH))
        .map(request -> request.responseStatus().orElse(0))
        .toList();
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
