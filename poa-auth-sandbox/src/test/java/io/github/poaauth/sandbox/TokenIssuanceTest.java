package io.github.poaauth.sandbox;

import static io.github.poaauth.sandbox.Wire.claims;
import static io.github.poaauth.sandbox.Wire.form;
import static io.github.poaauth.sandbox.Wire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.poaauth.api.model.TokenResponse;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A registered client gets the token object of the provider page, through the generated client. */
class TokenIssuanceTest {

  /** base64url of {"alg":"RS256","typ" : "JWT","kid" : : Keycloak's header up to the key id. */
  private static final String KEYCLOAK_HEADER_PREFIX =
      "eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIiwia2lkIiA6";

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  private PoaSandbox sandbox;

  @AfterEach
  void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void defaultClient_getsTheTokenObjectOfTheProviderPage_throughTheGeneratedClient() {
    sandbox = PoaSandbox.builder().start();

    TokenResponse token = Wire.tokenApi(sandbox).createPartnerToken(
        PoaSandbox.DEFAULT_CLIENT_ID, PoaSandbox.DEFAULT_CLIENT_SECRET, "client_credentials");

    assertThat(token.getExpiresIn()).isEqualTo(1800);
    assertThat(token.getRefreshExpiresIn()).isZero();
    assertThat(token.getTokenType()).isEqualTo("Bearer");
    assertThat(token.getNotBeforePolicy()).isZero();
    assertThat(token.getScope()).isEqualTo("partner");
    assertThat(token.getAccessToken()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    assertThat(sandbox.isValidToken(token.getAccessToken())).isTrue();
  }

  @Test
  void tokenResponse_hasKeycloaksFieldsInKeycloaksOrder_andTheNoStoreHeaders() throws Exception {
    sandbox = PoaSandbox.builder().start();

    HttpResponse<String> response = Wire.postForm(sandbox, Wire.validForm(sandbox));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("Pragma")).hasValue("no-cache");
    List<String> names = new ArrayList<>();
    json(response.body()).fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("access_token", "expires_in", "refresh_expires_in",
        "token_type", "not-before-policy", "scope");
  }

  @Test
  void accessToken_isKeycloaks_rs256WithItsHeaderAndExactlyItsClaims_countedFromTheSandboxClock()
      throws Exception {
    sandbox = PoaSandbox.builder()
        .client("partner-7", "p7-secret")
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .start();

    String token = json(Wire.postForm(sandbox, form("client_id", "partner-7",
        "client_secret", "p7-secret", "grant_type", "client_credentials")).body())
        .get("access_token").asText();

    // Keycloak's header, odd spaces included: the page's sample token starts the same way.
    assertThat(token).startsWith(KEYCLOAK_HEADER_PREFIX);
    String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]),
        StandardCharsets.UTF_8);
    assertThat(header).matches("\\{\"alg\":\"RS256\",\"typ\" : \"JWT\",\"kid\" : \"[A-Za-z0-9_-]{43}\"}");
    JsonNode claims = claims(token);
    assertThat(fieldNames(claims))
        .containsExactly("exp", "iat", "jti", "iss", "sub", "typ", "azp", "scope");
    assertThat(claims.get("iat").asLong()).isEqualTo(NOW.getEpochSecond());
    assertThat(claims.get("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 1800);
    assertThat(claims.get("iss").asText()).isEqualTo(sandbox.baseUrl() + "/realms/cybrillarta")
        .isEqualTo(sandbox.issuer());
    assertThat(claims.get("azp").asText()).isEqualTo("partner-7");
    assertThat(claims.get("scope").asText()).isEqualTo("partner");
    assertThat(claims.get("typ").asText()).isEqualTo("Bearer");
    assertThat(claims.get("jti").asText())
        .matches("trrtcc:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(claims.get("sub").asText()).isNotBlank();
  }

  @Test
  void kid_isTheSameForEveryTokenOfASandbox_andDiffersBetweenSandboxes() throws Exception {
    sandbox = PoaSandbox.builder().start();

    String token = json(Wire.postForm(sandbox, Wire.validForm(sandbox)).body())
        .get("access_token").asText();
    String[] parts = token.split("\\.");

    // The kid is 43 base64url characters (a SHA-256), the same in every token of the sandbox.
    String kid = Wire.header(token).get("kid").asText();
    String again = json(Wire.postForm(sandbox, Wire.validForm(sandbox)).body())
        .get("access_token").asText();
    assertThat(Wire.header(again).get("kid").asText()).isEqualTo(kid).hasSize(43);
    try (PoaSandbox other = PoaSandbox.builder().start()) {
      String foreign = json(Wire.postForm(other, Wire.validForm(other)).body())
          .get("access_token").asText();
      assertThat(Wire.header(foreign).get("kid").asText()).isNotEqualTo(kid);
    }
    // An RSA 2048 signature is 256 bytes.
    assertThat(Base64.getUrlDecoder().decode(parts[2])).hasSize(256);
  }

  @Test
  void scopeOpenid_addsAnIdTokenForTheSameClient_andWidensTheScope() throws Exception {
    sandbox = PoaSandbox.builder()
        .client("partner-7", "p7-secret")
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .start();

    JsonNode response = json(Wire.postForm(sandbox, form("client_id", "partner-7",
        "client_secret", "p7-secret", "grant_type", "client_credentials", "scope", "openid"))
        .body());

    assertThat(fieldNames(response)).containsExactly("access_token", "expires_in",
        "refresh_expires_in", "token_type", "id_token", "not-before-policy", "scope");
    assertThat(response.get("scope").asText()).isEqualTo("openid partner");
    String accessToken = response.get("access_token").asText();
    String idToken = response.get("id_token").asText();
    assertThat(claims(accessToken).get("scope").asText()).isEqualTo("openid partner");
    assertThat(idToken).startsWith(KEYCLOAK_HEADER_PREFIX);
    JsonNode id = claims(idToken);
    assertThat(fieldNames(id))
        .containsExactly("exp", "iat", "jti", "iss", "aud", "sub", "typ", "azp", "at_hash");
    assertThat(id.get("typ").asText()).isEqualTo("ID");
    assertThat(id.get("aud").asText()).isEqualTo("partner-7");
    assertThat(id.get("azp").asText()).isEqualTo("partner-7");
    assertThat(id.get("sub")).isEqualTo(claims(accessToken).get("sub"));
    assertThat(id.get("iat").asLong()).isEqualTo(NOW.getEpochSecond());
    assertThat(id.get("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 1800);
    byte[] digest = MessageDigest.getInstance("SHA-256")
        .digest(accessToken.getBytes(StandardCharsets.US_ASCII));
    assertThat(id.get("at_hash").asText()).isEqualTo(Base64.getUrlEncoder().withoutPadding()
        .encodeToString(Arrays.copyOf(digest, 16)));
    assertThat(sandbox.isValidToken(accessToken)).isTrue();
    assertThat(sandbox.isValidToken(idToken)).as("an ID token is no bearer token").isFalse();
  }

  @Test
  void requestedScope_mayBeAnyOfTheConfiguredScopes_theResponseHasThemAll() throws Exception {
    sandbox = PoaSandbox.builder().scope("partner reports").start();

    JsonNode reports = json(Wire.postForm(sandbox, Wire.validForm(sandbox) + "&scope=reports")
        .body());
    HttpResponse<String> other = Wire.postForm(sandbox, Wire.validForm(sandbox)
        + "&scope=reports+admin");

    assertThat(reports.get("scope").asText()).isEqualTo("partner reports");
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(other.body()).isEqualTo(
        "{\"error\":\"invalid_scope\",\"error_description\":\"Invalid scopes: reports admin\"}");
  }

  @Test
  void everyToken_hasItsOwnJti() throws Exception {
    sandbox = PoaSandbox.builder().start();

    String first = json(Wire.postForm(sandbox, Wire.validForm(sandbox)).body())
        .get("access_token").asText();
    String second = json(Wire.postForm(sandbox, Wire.validForm(sandbox)).body())
        .get("access_token").asText();

    assertThat(claims(first).get("jti")).isNotEqualTo(claims(second).get("jti"));
  }

  @Test
  void configuredLifetimeAndScope_areWhatTheResponseAndTheTokenSay() {
    sandbox = PoaSandbox.builder()
        .tokenLifetime(Duration.ofSeconds(60))
        .scope("partner reports")
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .start();

    TokenResponse token = Wire.tokenApi(sandbox).createPartnerToken(
        sandbox.defaultClientId(), sandbox.defaultClientSecret(), "client_credentials");

    assertThat(token.getExpiresIn()).isEqualTo(60);
    assertThat(token.getScope()).isEqualTo("partner reports");
    assertThat(claims(token.getAccessToken()).get("exp").asLong())
        .isEqualTo(NOW.getEpochSecond() + 60);
  }

  @Test
  void everyRegisteredClient_getsATokenForItself() {
    sandbox = PoaSandbox.builder().client("alpha", "a-secret").client("beta", "b-secret").start();

    TokenResponse beta = Wire.tokenApi(sandbox)
        .createPartnerToken("beta", "b-secret", "client_credentials");

    assertThat(claims(beta.getAccessToken()).get("azp").asText()).isEqualTo("beta");
    assertThat(sandbox.defaultClientId()).isEqualTo("alpha");
    assertThat(sandbox.clientIds()).containsExactly("alpha", "beta");
  }

  @Test
  void httpBasicCredentials_areAcceptedAsOnKeycloak_withEachPartUrlEncoded() throws Exception {
    sandbox = PoaSandbox.builder().client("partner:1", "s3cr&t=+ é").start();
    String basic = Base64.getEncoder().encodeToString(
        (URLEncoder.encode("partner:1", StandardCharsets.UTF_8) + ':'
            + URLEncoder.encode("s3cr&t=+ é", StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> response = Wire.send(HttpRequest.newBuilder(sandbox.tokenEndpoint())
        .header("Content-Type", Wire.FORM)
        .header("Authorization", "Basic " + basic)
        .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "client_credentials")))
        .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(sandbox.tokenRequestCount("partner:1")).isEqualTo(1);
  }

  @Test
  void secretWithFormSpecialCharacters_isDecodedBeforeComparison() {
    sandbox = PoaSandbox.builder().client("partner-1", "s3cr&t=+ é").start();

    TokenResponse token = Wire.tokenApi(sandbox)
        .createPartnerToken("partner-1", "s3cr&t=+ é", "client_credentials");

    assertThat(sandbox.isValidToken(token.getAccessToken())).isTrue();
  }

  @Test
  void formWithCharsetParameter_isStillAForm() throws Exception {
    sandbox = PoaSandbox.builder().start();

    HttpResponse<String> response = Wire.send(HttpRequest.newBuilder(sandbox.tokenEndpoint())
        .header("Content-Type", "Application/X-WWW-Form-URLEncoded; charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(Wire.validForm(sandbox)))
        .build());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void isValidToken_rejectsForeignTamperedAndExpiredTokens() {
    TestClock clock = TestClock.at(NOW);
    sandbox = PoaSandbox.builder().tokenLifetime(Duration.ofSeconds(60)).clock(clock).start();
    String token = Wire.tokenApi(sandbox).createPartnerToken(
        sandbox.defaultClientId(), sandbox.defaultClientSecret(), "client_credentials")
        .getAccessToken();
    String foreign;
    try (PoaSandbox other = PoaSandbox.builder().clock(clock).start()) {
      foreign = Wire.tokenApi(other).createPartnerToken(
          other.defaultClientId(), other.defaultClientSecret(), "client_credentials")
          .getAccessToken();
    }
    String[] parts = token.split("\\.");
    String tampered = parts[0] + '.' + Base64.getUrlEncoder().withoutPadding().encodeToString(
        claims(token).toString().replace("partner", "admin").getBytes(StandardCharsets.UTF_8))
        + '.' + parts[2];

    assertThat(sandbox.isValidToken(token)).isTrue();
    assertThat(sandbox.isValidToken(foreign)).isFalse();
    assertThat(sandbox.isValidToken(tampered)).isFalse();
    assertThat(sandbox.isValidToken("not-a-token")).isFalse();
    assertThat(sandbox.isValidToken(parts[0] + '.' + parts[1] + ".AAAA")).isFalse();
    assertThat(sandbox.isValidToken(parts[0] + '.' + parts[1] + '.')).isFalse();
    assertThat(sandbox.isValidToken(parts[0] + '.' + parts[1] + ".%%%")).isFalse();
    assertThat(sandbox.isValidToken(null)).isFalse();
    clock.set(NOW.plusSeconds(60));
    assertThat(sandbox.isValidToken(token)).isFalse();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
