package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import feign.Logger;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The secret and token values never reach the log (SLF4J at TRACE, Feign at FULL), toString(),
 * exception messages, causes or stack traces, whatever a hostile endpoint or gateway sends back.
 */
class SecretsNeverLeakTest {
  private static final String SECRET = "Sup3r-Secret/Value+=&?";
  private static final String TOKEN = "eyJ0eXAi.TOKEN-VALUE_123";
  private static final Path LOG = Path.of("target/poa-auth-client-test.log");

  /** Every spelling of the secret and the token an echo could use. */
  private static List<String> spellings() {
    String form = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
    return List.of(SECRET, form, form.replace("+", "%20"), SECRET.replace("/", "\\/"), TOKEN);
  }

  @Test
  void fullHttpLogging_showsTheExchange_butNoSecretOrToken() throws IOException {
    String rejectionMessage;
    String providerString;
    try (PoaSandbox server = PoaSandbox.builder().client("partner-1", SECRET).start()) {
      server.faults().enqueue(Reply.json(401, "{\"error\":\"unauthorized_client\"}"))
          .enqueue(Reply.json(200, "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\","
              + "\"expires_in\":1800}").withHeader("Set-Cookie", "session=" + TOKEN)
              .withHeader("X-Echo", SECRET));
      PoaTokenProvider.Builder builder = PoaTokenProvider.builder()
          .baseUrl(server.baseUrl()).clientId("partner-1").clientSecret(SECRET)
          .rejectionCooldown(Duration.ZERO);
      try (PoaTokenProvider tokens = builder.build()) {
        Throwable rejected = catchThrowable(tokens::token);
        assertThat(rejected).isInstanceOf(CredentialsRejectedException.class);
        rejectionMessage = stackOf(rejected);

        AccessToken token = tokens.token();
        assertThat(token.value()).isEqualTo(TOKEN);
        providerString = tokens + " " + builder + " " + token;
      }
    }
    String log = Files.readString(LOG, StandardCharsets.UTF_8);

    // The log really holds the FULL exchange, as far as it can be shown safely.
    assertThat(log).contains("POST http://127.0.0.1").contains("-> HTTP 401")
        .contains("-> HTTP 200");
    for (String secret : spellings()) {
      assertThat(log).doesNotContain(secret);
      assertThat(rejectionMessage).doesNotContain(secret);
      assertThat(providerString).doesNotContain(secret);
    }
  }

  /** A gateway that echoes what it received, in every place an answer has. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "oauth error code", "oauth description", "404 body", "redirect location", "token_type",
      "content type", "unquoted token", "form-encoded token body", "escaped key"})
  void hostileAnswer_neverPutsServerTextIntoMessagesOrLogs(String echo) throws IOException {
    String form = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
    Reply reply = switch (echo) {
      case "oauth error code" -> Reply.json(401, "{\"error\":\"invalid_client:" + SECRET.replace("/", "\\/") + "\"}");
      case "oauth description" -> Reply.json(400, "{\"error\":\"invalid_request\",\"error_description\":\"client_secret=" + form + "\"}");
      case "404 body" -> Reply.json(404, "{\"error\":\"" + form + "\"}");
      case "redirect location" -> Reply.status(302).withHeader("Location", "https://evil.example/?s=" + form);
      case "token_type" -> Reply.json(200, "{\"access_token\":\"a\",\"token_type\":\"" + form + "\",\"expires_in\":60}");
      case "content type" -> Reply.of(200, "text/" + form, "{}");
      case "unquoted token" -> Reply.json(200, "{\"access_token\": " + TOKEN + ", \"token_type\":\"Bearer\",\"expires_in\":60}");
      case "form-encoded token body" -> Reply.of(200, "application/json", "access_token=" + TOKEN + "&token_type=Bearer");
      default -> Reply.json(200, "{\"\\u0061ccess_token\":\"" + TOKEN + " \",\"token_type\":\"Bearer\",\"expires_in\":60}");
    };
    String failure;
    try (PoaSandbox server = PoaSandbox.builder().client("partner-1", SECRET).start()) {
      server.faults().otherwise(reply);
      try (PoaTokenProvider tokens = PoaTokenProvider.builder()
          .baseUrl(server.baseUrl()).clientId("partner-1").clientSecret(SECRET)
          .retry(1, Duration.ofMillis(200), Duration.ofSeconds(5)).build()) {
        Throwable thrown = catchThrowable(tokens::token);
        assertThat(thrown).isInstanceOf(PoaAuthException.class);
        failure = stackOf(thrown);
        if (thrown instanceof CredentialsRejectedException rejected) {
          failure += rejected.errorCode().orElse("") + rejected.errorDescription().orElse("");
        }
        assertSerializable(thrown);
        assertThat(causeChain(thrown)).noneMatch(t -> t.getClass().getName().startsWith("feign."));
      }
    }
    String log = Files.readString(LOG, StandardCharsets.UTF_8);
    for (String secret : spellings()) {
      assertThat(failure).doesNotContain(secret);
      assertThat(log).doesNotContain(secret);
    }
    assertThat(failure).doesNotContain("evil.example");
  }

  /** On an I/O failure the cause chain held Feign's RetryableException, whose request printed the form. */
  @Test
  void ioFailure_keepsNoHttpLibraryExceptionAsCause_andSerializes() throws IOException {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (PoaTokenProvider tokens = PoaTokenProvider.builder()
        .baseUrl("http://127.0.0.1:" + closedPort).clientId("partner-1").clientSecret(SECRET)
        .retry(1, Duration.ofMillis(200), Duration.ofSeconds(5)).build()) {
      Throwable thrown = catchThrowable(tokens::token);
      assertThat(thrown).isInstanceOf(TokenEndpointUnavailableException.class);
      assertThat(causeChain(thrown)).noneMatch(t -> t.getClass().getName().startsWith("feign."));
      assertThat(stackOf(thrown)).contains("ConnectException");
      assertSerializable(thrown);
    }
  }

  private static List<Throwable> causeChain(Throwable thrown) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static void assertSerializable(Throwable t) throws IOException {
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(t);
    }
  }

  private static String stackOf(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
