package io.github.poaauth.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import feign.Logger;
import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.BearerTokenInterceptor;
import io.github.poaauth.client.PoaTokenProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
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
    try (FaultServer server = new FaultServer()) {
      // The endpoint even echoes the secret in its error description: it must still be masked.
      server.then(FaultServer.json(401, "{\"error\":\"unauthorized_client\",\"error_description\":\"bad secret "
          + SECRET + "\"}"));
      PoaTokenProvider.Builder builder = FaultInjectionTest.provider(server.baseUrl())
          .rejectionCooldown(Duration.ZERO).httpLogLevel(Logger.Level.FULL);
      try (PoaTokenProvider tokens = builder.build()) {
        Throwable rejected = catchThrowable(tokens::token);
        texts.add(describe(rejected));
        AccessToken token = tokens.token();
        tokenValues.add(token.value());
        texts.add(token.toString());
        texts.add(tokens.toString());
        texts.add(builder.toString());
        server.otherwise(FaultServer.json(200, "{\"access_token\":\"" + "leaky-token-value"
            + "\",\"expires_in\":0,\"token_type\":\"Bearer\"}"));
        tokens.invalidate(token);
        texts.add(describe(catchThrowable(tokens::token)));
      }
    }
    String log = Files.readString(Path.of("target/reliability-test.log"), StandardCharsets.UTF_8);
    List<String> secrets = new ArrayList<>(List.of(SECRET, URLEncoder.encode(SECRET, StandardCharsets.UTF_8),
        "leaky-token-value"));
    secrets.addAll(tokenValues);

    assertThat(log).as("the FULL log really ran").contains("---> POST").contains("<--- HTTP 401");
    for (String secret : secrets) {
      assertThat(log).doesNotContain(secret);
      assertThat(texts).noneMatch(t -> t.contains(secret));
    }
    ReliabilityReport.record(new ReliabilityReport.Row(SECTION,
        "secret and token values in the suite log (TRACE, Feign FULL), messages, toString()",
        "absent", "absent (" + log.lines().count() + " log lines checked)", -1, 0, "—"));
  }

  @Test
  void plainHttpToNonLoopbackHost_isRefusedAtBuild() {
    assertThatThrownBy(() -> PoaTokenProvider.builder().baseUrl("http://poa.example.com")
        .clientId("id").clientSecret(SECRET).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must use https")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    ReliabilityReport.record(new ReliabilityReport.Row(SECTION, "http:// to a non-loopback host",
        "IllegalArgumentException at build()", "IllegalArgumentException at build()", 0, 0, "—"));
  }

  @Test
  void bearerInterceptor_addsTokenOnlyForConfiguredHosts() throws Exception {
    try (FaultServer server = new FaultServer();
         PoaTokenProvider tokens = FaultInjectionTest.provider(server.baseUrl()).build()) {
      BearerTokenInterceptor bearer = BearerTokenInterceptor.forHosts(tokens, "api.poa.example.com");

      HttpRequest toPoa = bearer.authorize(HttpRequest.newBuilder(URI.create("https://api.poa.example.com/x")).build());
      HttpRequest toOther = bearer.authorize(HttpRequest.newBuilder(URI.create("https://api.poa.example.com.evil.example/x")).build());

      assertThat(toPoa.headers().firstValue("Authorization")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer tok-"));
      assertThat(toOther.headers().firstValue("Authorization")).isEmpty();
      ReliabilityReport.record(new ReliabilityReport.Row(SECTION, "bearer header to an unconfigured host",
          "not added", toOther.headers().firstValue("Authorization").isEmpty() ? "not added" : "ADDED",
          server.requests(), 0, "—"));
    }
  }

  private static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    Stream.iterate(t, x -> x != null, Throwable::getCause).forEach(x -> sb.append(x).append('\n'));
    return sb.toString();
  }
}
