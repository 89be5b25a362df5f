package io.github.poaauth.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.poaauth.api.model.OAuthError;
import io.github.poaauth.api.model.TokenResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The generated Jackson models read and write exactly the provider page's JSON. */
class TokenResponseModelTest {

  private final ObjectMapper mapper = new ObjectMapper();

  static String pageSample() throws IOException {
    try (InputStream in = TokenResponseModelTest.class.getResourceAsStream("/page-sample-token-response.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void pageSample_deserialisesEveryField() throws IOException {
    TokenResponse token = mapper.readValue(pageSample(), TokenResponse.class);

    assertThat(token.getAccessToken()).isEqualTo(
        "eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIiwia2lkIiA6ICIyUVVoVl9aaGVyQmRHMjVQMl83cmdVaDYxcS1WXzZ0NzNmO");
    assertThat(token.getExpiresIn()).isEqualTo(1800);
    assertThat(token.getRefreshExpiresIn()).isZero();
    assertThat(token.getTokenType()).isEqualTo("Bearer");
    assertThat(token.getNotBeforePolicy()).isZero();
    assertThat(token.getScope()).isEqualTo("partner");
  }

  @Test
  void pageSample_serialisesBackToEqualJson() throws IOException {
    JsonNode original = mapper.readTree(pageSample());
    TokenResponse token = mapper.treeToValue(original, TokenResponse.class);

    JsonNode written = mapper.readTree(mapper.writeValueAsString(token));

    assertThat(written).isEqualTo(original);
    assertThat(written.has("not-before-policy")).isTrue();
  }

  @Test
  void unknownFieldFromProvider_isIgnored() throws IOException {
    ObjectNode withExtra = (ObjectNode) mapper.readTree(pageSample());
    withExtra.put("session_state", "a2c1");
    withExtra.putObject("nested").put("x", 1);

    TokenResponse token = mapper.treeToValue(withExtra, TokenResponse.class);

    assertThat(token.getExpiresIn()).isEqualTo(1800);
    assertThat(token.getScope()).isEqualTo("partner");
  }

  @Test
  void toString_masksAccessToken() throws IOException {
    TokenResponse token = mapper.readValue(pageSample(), TokenResponse.class);

    assertThat(token.toString()).doesNotContain(token.getAccessToken()).contains("accessToken: *");
  }

  @Test
  void oauthError_readsRfc6749Fields_andToleratesUnknownCodes() throws IOException {
    OAuthError error = mapper.readValue(
        "{\"error\":\"some_future_code\",\"error_description\":\"d\",\"error_uri\":\"https://e.example/x\",\"extra\":true}",
        OAuthError.class);

    assertThat(error.getError()).isEqualTo("some_future_code");
    assertThat(error.getErrorDescription()).isEqualTo("d");
    assertThat(error.getErrorUri()).isEqualTo("https://e.example/x");
  }
}
