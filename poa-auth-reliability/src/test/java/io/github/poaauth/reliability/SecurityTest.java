package io.github.poaauth.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;


import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaApiAuthorization;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.Reply;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing secret leaks: not into the log (SLF4J at TRACE, Feign at FULL), exception messages,
 * toString(), or to hosts that should not get it. Runs last, so that its log check covers the
 * log of the whole suite.
 */
@Tag("reliability")
@Order(Integer.MAX_VALUE)
@ExtendWith(ReliabilityReport.class)
class SecurityTest {
  static final String SECTION = "4 Security";
  /** Used by every case of the suite; characters that form-encoding changes included. */
  static final String SECRET = "Rel1ability-S3cret/+=&%";

  @Test
  void secretAndTokens_neverInLogsMessagesOrToString() throws Exception {
    List<String> texts = new ArrayList<>();
    List<String> tokenValues = new ArrayList<>();
    try (PoaSandbox server = FaultOutcomesTest.sandbox()) {
      // The endpoint even echoes the secret in its error description: it must still be masked.
      server.faults().enqueue(Reply.json(401, "{\"error\":\"unauthorized_client\",\"error_description\":\"bad secret "
          + SECRET + "\"}"));
      PoaTokenProvider.Builder builder = FaultOutcomesTest.provider(server.baseUrl())
          .rejectionCooldown(Duration.ZERO);
      try (PoaTokenProvider tokens = builder.build()) {
        Throwable rejected = catchThrowable(tokens::token);
        texts.add(describe(rejected));
        AccessToken token = tokens.token();
        tokenValues.add(token.value());
        texts.add(token.toString());
        texts.add(tokens.toString());
        texts.add(builder.toString());
        server.faults().otherwise(Reply.json(200, "{\"access_token\":\"" + "leaky-token-value"
            + "\",\"expires_in\":0,\"token_type\":\"Bearer\"}"));
        tokens.invalidate(token);
        texts.add(describe(catchThrowable(tokens::token)));
      }
    }
    String log = Files.readString(Path.of("target/reliability-test.log"), StandardCharsets.UTF_8);
    List<String> secrets = new ArrayList<>(List.of(SECRET, URLEncoder.encode(SECRET, StandardCharsets.UTF_8),
        "leaky-token-value"));
    secrets.addAll(tokenValues);

    // Counted before asserting, so the report says what was found, whatever it is (never what).
    long leaks = secrets.stream().mapToLong(secret -> (log.contains(secret) ? 1 : 0)
        + texts.stream().filter(text -> text.contains(secret)).count()).sum();
    boolean fullLogRan = log.contains("POST http") && log.contains("-> HTTP 401");
    ReliabilityReport.record(new ReliabilityReport.Row(SECTION,
        "secret and token values in the suite log (TRACE, the HTTP log), messages, toString()",
        "absent", (leaks == 0 ? "absent" : "PRESENT in " + leaks + " places")
            + (fullLogRan ? "" : ", but the HTTP log did not run"), -1, "—", "—"));

    assertThat(log).as("the HTTP log really ran").contains("POST http").contains("-> HTTP 401");
    for (String secret : secrets) {
      assertThat(log).doesNotContain(secret);
      assertThat(texts).noneMatch(t -> t.contains(secret));
    }
  }

  @Test
  void plainHttpToNonLoopbackHost_isRefusedAtBuild() {
    Throwable refused = catchThrowable(() -> PoaTokenProvider.builder().baseUrl("http://poa.example.com")
        .clientId("id").clientSecret(SECRET).build().close());
    // What happened, recorded before the assertions: built, or the exception's type.
    ReliabilityReport.record(new ReliabilityReport.Row(SECTION, "http:// to a non-loopback host",
        "IllegalArgumentException at build()",
        refused == null ? "built" : refused.getClass().getSimpleName() + " at build()", 0, "—", "—"));

    assertThat(refused)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must use https")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
  }

  @Test
  void bearerToken_onlyForConfiguredHosts() throws Exception {
    try (PoaSandbox server = FaultOutcomesTest.sandbox();
         PoaTokenProvider tokens = FaultOutcomesTest.provider(server.baseUrl()).build()) {
      PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, "api.poa.example.com");

      boolean toPoa = poa.mayCarryToken(URI.create("https://api.poa.example.com/x"));
      boolean toOther = poa.mayCarryToken(URI.create("https://api.poa.example.com.evil.example/x"));

      ReliabilityReport.record(new ReliabilityReport.Row(SECTION, "bearer header to an unconfigured host",
          "not added", toOther ? "ADDED" : "not added",
          server.tokenRequestCount(), "—", "—"));
      assertThat(toPoa).isTrue();
      assertThat(toOther).isFalse();
    }
  }

  private static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    Stream.iterate(t, x -> x != null, Throwable::getCause).forEach(x -> sb.append(x).append('\n'));
    return sb.toString();
  }
}
