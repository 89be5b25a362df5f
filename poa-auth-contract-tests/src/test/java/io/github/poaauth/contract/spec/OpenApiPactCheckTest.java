package io.github.poaauth.contract.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.report.ValidationReport.Level;
import io.github.poaauth.sandbox.PoaSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker itself, on hand-written pacts against the real openapi/poa-auth.yaml: what it
 * reads, and that the findings the issue names (missing required fields, unknown properties,
 * wrong types, and the form parameters) are errors that name the interaction and the field.
 */
class OpenApiPactCheckTest {

  private static final String FORM =
      "client_id=example-partner-client&client_secret=example-secret-not-real&grant_type=client_credentials";
  private static final String TOKEN =
      "{\"access_token\":\"example\",\"token_type\":\"Bearer\",\"expires_in\":1800,"
          + "\"refresh_expires_in\":0,\"not-before-policy\":0,\"scope\":\"partner\"}";

  @TempDir
  Path dir;

  private final OpenApiPactCheck check = OpenApiPactCheck.forSpecFile(Paths.get(System.getProperty("poa.spec")));

  @Test
  void v4Interaction_asTheClientSendsIt_hasNoViolation() throws IOException {
    assertThat(check.check(v4Pact(FORM, 200, TOKEN))).isEmpty();
  }

  @Test
  void v3Layout_stringHeadersAndRawBody_isReadAndHasNoViolation() throws IOException {
    String pact = """
        {"consumer":{"name":"c"},"provider":{"name":"p"},"interactions":[{
          "description":"v3 token request","providerState":"partner client is registered",
          "request":{"method":"post","path":"%s",
            "headers":{"Content-Type":"application/x-www-form-urlencoded","Accept":"application/json"},
            "body":"%s"},
          "response":{"status":200,"headers":{"Content-Type":"application/json"},"body":%s}}],
         "metadata":{"pactSpecification":{"version":"3.0.0"}}}
        """.formatted(PoaSandbox.TOKEN_PATH, FORM, TOKEN);

    Path file = write(pact);

    assertThat(PactInteraction.readAll(file)).singleElement()
        .satisfies(i -> assertThat(i.providerStates()).containsExactly("partner client is registered"));
    assertThat(check.check(file)).isEmpty();
  }

  @Test
  void responseMissingRequiredField_isAnErrorNamingIt() throws IOException {
    List<SpecViolation> violations = check.check(v4Pact(FORM, 200, TOKEN.replace("\"expires_in\":1800,", "")));

    assertThat(violations).singleElement().satisfies(v -> {
      assertThat(v.interaction()).isEqualTo("hand-written token request");
      assertThat(v.where()).isEqualTo("response body");
      assertThat(v.key()).isEqualTo("validation.response.body.schema.required");
      assertThat(v.message()).contains("expires_in");
    });
  }

  @Test
  void responseUnknownProperty_isAnErrorNamingIt() throws IOException {
    List<SpecViolation> violations =
        check.check(v4Pact(FORM, 200, TOKEN.replace("{", "{\"session_state\":\"abc\",")));

    assertThat(violations).singleElement().satisfies(v -> {
      assertThat(v.key()).isEqualTo("validation.response.body.schema.additionalProperties");
      assertThat(v.message()).contains("session_state");
    });
  }

  @Test
  void responseWrongType_isAnErrorAtTheField() throws IOException {
    List<SpecViolation> violations =
        check.check(v4Pact(FORM, 200, TOKEN.replace("\"expires_in\":1800", "\"expires_in\":\"1800\"")));

    assertThat(violations).singleElement().satisfies(v -> {
      assertThat(v.key()).isEqualTo("validation.response.body.schema.type");
      assertThat(v.pointer()).isEqualTo("/expires_in");
    });
  }

  @Test
  void formWithoutClientSecret_isAnErrorNamingIt() throws IOException {
    List<SpecViolation> violations =
        check.check(v4Pact(FORM.replace("&client_secret=example-secret-not-real", ""), 200, TOKEN));

    assertThat(violations).singleElement().satisfies(v -> {
      assertThat(v.where()).isEqualTo("request body");
      assertThat(v.key()).isEqualTo("validation.request.body.schema.required");
      assertThat(v.message()).contains("client_secret");
    });
  }

  @Test
  void formWithAnotherGrant_isAnErrorAtGrantType() throws IOException {
    List<SpecViolation> violations =
        check.check(v4Pact(FORM.replace("client_credentials", "password"), 200, TOKEN));

    assertThat(violations).singleElement().satisfies(v -> {
      assertThat(v.key()).isEqualTo("validation.request.body.schema.enum");
      assertThat(v.pointer()).isEqualTo("/grant_type");
    });
  }

  @Test
  void undocumentedStatus_isAnError() throws IOException {
    assertThat(check.check(v4Pact(FORM, 418, "{\"error\":\"teapot\"}")))
        .extracting(SpecViolation::key).contains("validation.response.status.unknown");
  }

  @Test
  void nonHttpInteraction_isReportedNotSkipped() throws IOException {
    Path file = write("""
        {"consumer":{"name":"c"},"provider":{"name":"p"},"interactions":[
          {"type":"Asynchronous/Messages","description":"a token event","contents":{}}]}
        """);

    assertThat(check.check(file)).singleElement()
        .satisfies(v -> assertThat(v.toString()).contains("a token event", "Asynchronous/Messages"));
  }

  @Test
  void levelResolver_makesTheNamedKeysAndAnythingElseErrors() {
    var levels = OpenApiPactCheck.levelResolver();

    assertThat(OpenApiPactCheck.ALWAYS_ERRORS).allSatisfy(key -> assertThat(levels.getLevel(key)).isEqualTo(Level.ERROR));
    assertThat(levels.getLevel("validation.request.parameter.query.unexpected")).isEqualTo(Level.ERROR);
  }

  private Path v4Pact(String form, int status, String responseJson) throws IOException {
    return write("""
        {"consumer":{"name":"c"},"provider":{"name":"p"},"interactions":[{
          "type":"Synchronous/HTTP","description":"hand-written token request",
          "providerStates":[{"name":"partner client is registered"}],
          "request":{"method":"POST","path":"%s",
            "headers":{"Content-Type":["application/x-www-form-urlencoded"],"Accept":["application/json"]},
            "body":{"content":"%s","contentType":"application/x-www-form-urlencoded","encoded":false}},
          "response":{"status":%d,"headers":{"Content-Type":["application/json"]},
            "body":{"content":%s,"contentType":"application/json","encoded":false}}}],
         "metadata":{"pactSpecification":{"version":"4.0"}}}
        """.formatted(PoaSandbox.TOKEN_PATH, form, status, responseJson));
  }

  private Path write(String pact) throws IOException {
    Path file = Files.createTempFile(dir, "pact", ".json");
    Files.writeString(file, pact, StandardCharsets.UTF_8);
    return file;
  }
}
