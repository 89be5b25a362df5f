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
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's Java example compiles, runs against the sandbox (with and without a 401 from the
 * API), and stays the same code as here, at most 15 lines.
 */
class ReadmeExampleTest {
  private static final String MARKER = "readme-example:";

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  /** The README's example as written; the sandbox stands in for POA through the system properties. */
  private static void readmeExample(String apiHost, URI ordersUri)
      throws IOException, InterruptedException {
    // readme-example:start
    // POA_BASE_URL, POA_CLIENT_ID and POA_CLIENT_SECRET from the environment
    try (PoaTokenProvider tokens = PoaTokenProvider.fromEnvironment()) {
      // the token goes only to these hosts, and only over https
      PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, apiHost);
      HttpClient http = HttpClient.newHttpClient();     // does not follow redirects: keep it so
      HttpRequest request = HttpRequest.newBuilder(ordersUri).GET().build();
      // adds the cached token; after a 401, invalidates it and re-sends once with a fresh one
      HttpResponse<String> response = poa.send(http, request, BodyHandlers.ofString());
      System.out.println(response.statusCode() + " " + response.body());
    }
    // readme-example:end
  }

  /** Runs the example with {@code poa.base-url} and friends (which win over the environment) set to the sandbox. */
  private static void runReadmeExample(PoaSandbox sandbox) throws Exception {
    Map<String, String> properties = Map.of("poa.base-url", sandbox.baseUrl(),
        "poa.client-id", sandbox.defaultClientId(),
        "poa.client-secret", sandbox.defaultClientSecret());
    properties.forEach(System::setProperty);
    try {
      URI api = sandbox.apiEndpoint();
      readmeExample(api.getHost() + ":" + api.getPort(), URI.create(api + "/orders/7"));
    } finally {
      properties.keySet().forEach(System::clearProperty);
    }
  }

  @Test
  void readmeExample_getsThroughWithoutARejection_onOneToken() throws Exception {
    PoaSandbox sandbox = POA.sandbox();

    runReadmeExample(sandbox);

    assertThat(apiCallStatuses(sandbox)).containsExactly(200);
    assertThat(sandbox.tokenRequestCount()).isEqualTo(1);
  }

  /** The 401 path that send() takes care of: the API rejects the token once. */
  @Test
  void readmeExample_whenTheApiRejectsTheToken_invalidatesIt_andSucceedsWithANewOne() throws Exception {
    PoaSandbox sandbox = POA.sandbox();
    sandbox.faults().rejectTokens(1);

    runReadmeExample(sandbox);

    assertThat(apiCallStatuses(sandbox)).containsExactly(401, 200);
    assertThat(sandbox.tokenRequestCount()).as("a new token after invalidate").isEqualTo(2);
    List<RecordedRequest> apiCalls = sandbox.recordedRequests().stream()
        .filter(request -> request.path().startsWith(PoaSandbox.API_PATH)).toList();
    assertThat(apiCalls).allSatisfy(request ->
        assertThat(request.header("Authorization")).hasValue("Bearer " + RecordedRequest.MASK));
  }

  private static List<Integer> apiCallStatuses(PoaSandbox sandbox) {
    return sandbox.recordedRequests().stream()
        .filter(request -> request.path().startsWith(PoaSandbox.API_PATH))
        .map(request -> request.responseStatus().orElse(0))
        .toList();
  }

  @Test
  void readmeExample_isTheSameCodeAsThisTest() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String source = Files.readString(
        Path.of("src/test/java/io/github/poaauth/client/ReadmeExampleTest.java"), StandardCharsets.UTF_8);

    String example = between(readme, "```java", "```");
    assertThat(normalise(between(source, "// " + MARKER + "start", "// " + MARKER + "end")))
        .isEqualTo(normalise(example));
    assertThat(example.lines().count()).as("lines of the README's example").isLessThanOrEqualTo(15);
    assertThat(example).contains(".send(http, request, BodyHandlers.ofString())");
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
