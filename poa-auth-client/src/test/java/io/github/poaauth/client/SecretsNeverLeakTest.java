package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import feign.Logger;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The secret and token values never reach the log (SLF4J at TRACE, Feign at FULL, which prints
 * bodies and headers), toString() or exception messages.
 */
class SecretsNeverLeakTest {
  private static final String SECRET = "Sup3r-Secret/Value+=&?";
  private static final Path LOG = Path.of("target/poa-auth-client-test.log");

  @Test
  void fullHttpLogging_masksSecretAndToken_everywhere() throws IOException {
    String tokenValue;
    String rejectionMessage;
    String providerString;
    try (PoaSandbox server = PoaSandbox.builder().client("partner-1", SECRET).start()) {
      // The sandbox's own 401 for a wrong secret, scripted once for the right one.
      server.faults().enqueue(Reply.json(401, "{\"error\":\"unauthorized_client\","
          + "\"error_description\":\"Invalid client or Invalid client credentials\"}"));
      PoaTokenProvider.Builder builder = PoaTokenProvider.builder()
          .baseUrl(server.baseUrl()).clientId("partner-1").clientSecret(SECRET)
          .rejectionCooldown(Duration.ZERO)
          .httpLogLevel(Logger.Level.FULL);
      try (PoaTokenProvider tokens = builder.build()) {
        Throwable rejected = catchThrowable(tokens::token);
        assertThat(rejected).isInstanceOf(CredentialsRejectedException.class);
        rejectionMessage = rejected.toString();

        AccessToken token = tokens.token();
        tokenValue = token.value();
        providerString = tokens + " " + builder + " " + token;
      }
    }
    String log = Files.readString(LOG, StandardCharsets.UTF_8);

    // The log really holds the FULL exchange: bodies and the masked fields are there.
    assertThat(log).contains("POST http://127.0.0.1").contains("client_secret=****")
        .contains("\"access_token\":\"****\"").contains("unauthorized_client");
    for (String secret : new String[] {SECRET, java.net.URLEncoder.encode(SECRET, StandardCharsets.UTF_8), tokenValue}) {
      assertThat(log).doesNotContain(secret);
      assertThat(rejectionMessage).doesNotContain(secret);
      assertThat(providerString).doesNotContain(secret);
    }
  }
}
