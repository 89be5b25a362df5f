package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link PoaSandbox#rotateSecret}: Keycloak's "Regenerate" of a client secret, for partners' tests. */
class SecretRotationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static HttpResponse<String> token(PoaSandbox sandbox, String id, String secret) throws Exception {
    return Wire.postForm(sandbox, "grant_type=client_credentials&client_id=" + id + "&client_secret="
        + URLEncoder.encode(secret, StandardCharsets.UTF_8));
  }

  @Test
  void rotatedSecret_oldOneRejected_newOneAccepted_issuedTokensStayValid_resetRestores() throws Exception {
    try (PoaSandbox sandbox = PoaSandbox.builder().client("partner", "old-secret").start()) {
      String issued = JSON.readTree(token(sandbox, "partner", "old-secret").body())
          .get("access_token").asText();

      sandbox.rotateSecret("partner", "new-secret");

      HttpResponse<String> old = token(sandbox, "partner", "old-secret");
      assertThat(old.statusCode()).isEqualTo(401);
      JsonNode error = JSON.readTree(old.body());
      assertThat(error.get("error").asText()).isEqualTo("unauthorized_client");
      assertThat(token(sandbox, "partner", "new-secret").statusCode()).isEqualTo(200);
      assertThat(sandbox.defaultClientSecret()).isEqualTo("new-secret");
      assertThat(sandbox.isValidToken(issued)).isTrue();

      sandbox.reset();
      assertThat(token(sandbox, "partner", "old-secret").statusCode()).isEqualTo(200);
      assertThat(sandbox.defaultClientSecret()).isEqualTo("old-secret");
    }
  }

  @Test
  void rotateSecret_unknownClientOrBlankSecret_isRefused_withoutShowingTheSecret() {
    try (PoaSandbox sandbox = PoaSandbox.builder().client("partner", "old-secret").start()) {
      assertThatThrownBy(() -> sandbox.rotateSecret("stranger", "s3cr3t-value"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stranger")
          .hasMessageContaining("partner").hasMessageNotContaining("s3cr3t-value");
      assertThatThrownBy(() -> sandbox.rotateSecret("partner", " "))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
    }
  }
}
