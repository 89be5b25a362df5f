package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's sandbox example runs (as the nested class) and is the same code as here. */
class ReadmeSandboxExampleTest {

  private static final String MARKER = "sandbox-example:";

  @Nested
  // sandbox-example:start
  @ExtendWith(PoaSandboxExtension.class)
  class PartnerTokenTest {

    @Test
    void getsATokenThroughAnOutage(PoaSandbox sandbox) {
      sandbox.faults().failNext(2, 503);                // the next two token requests fail
      try (PoaTokenProvider tokens = PoaTokenProvider.builder()
          .baseUrl(sandbox.baseUrl())
          .clientId(sandbox.defaultClientId())
          .clientSecret(sandbox.defaultClientSecret())
          .build()) {
        AccessToken token = tokens.token();             // retried through both 503s
        assertThat(sandbox.isValidToken(token.value())).isTrue();
        assertThat(sandbox.tokenRequestCount()).isEqualTo(3);
        assertThat(sandbox.lastTokenRequest().orElseThrow().formField("client_secret"))
            .hasValue("****");                          // recordings never hold a secret
      }
    }
  }
  // sandbox-example:end

  @Test
  void readmeExample_isTheSameCodeAsTheNestedClass() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String source = Files.readString(Path.of(
        "src/test/java/io/github/poaauth/client/ReadmeSandboxExampleTest.java"),
        StandardCharsets.UTF_8);

    String fromReadme = between(readme, "<!-- " + MARKER + "start -->", "<!-- " + MARKER + "end -->");
    assertThat(normalise(between(source, "// " + MARKER + "start", "// " + MARKER + "end")))
        .isEqualTo(normalise(between(fromReadme, "```java", "```")));
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as("'%s' in the text", start).isNotNegative();
    from += start.length();
    return text.substring(from, text.indexOf(end, from));
  }

  private static String normalise(String code) {
    return code.lines().map(String::strip).filter(line -> !line.isEmpty())
        .reduce("", (a, b) -> a + b + "\n");
  }
}
