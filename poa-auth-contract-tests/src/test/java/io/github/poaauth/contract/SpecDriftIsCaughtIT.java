package io.github.poaauth.contract;

import static io.github.poaauth.contract.PoaTokenEndpointPactTest.TOKEN_PATH;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.contract.spec.OpenApiPactCheck;
import io.github.poaauth.contract.spec.PactInteraction;
import io.github.poaauth.contract.spec.SpecViolation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the spec check can fail: the real pacts are checked against mutated copies of
 * openapi/poa-auth.yaml, and each mutation must be reported with the interaction and the field.
 * Each report is also written to {@code target/spec-drift/<mutation>.txt}, the text a developer
 * would see if the spec itself were changed that way.
 */
class SpecDriftIsCaughtIT {

  private static String spec;
  private static List<Path> pactFiles;
  private static List<String> descriptions;

  @BeforeAll
  static void readSpecAndPacts() throws IOException {
    spec = Files.readString(ContractBuildPaths.spec(), StandardCharsets.UTF_8);
    pactFiles = OpenApiPactCheck.pactFilesIn(ContractBuildPaths.pactDir());
    descriptions = pactFiles.stream()
        .flatMap(file -> PactInteraction.readAll(file).stream())
        .map(PactInteraction::description)
        .collect(Collectors.toList());
    assertThat(descriptions).hasSize(3);
  }

  @Test
  void accessTokenRenamedInSpec_failsTheTokenInteractionNamingBothFields() throws IOException {
    String mutated = replaceEvery(spec, "access_token", "bearer_token");

    List<SpecViolation> violations = check("access-token-renamed", mutated);

    assertThat(violations).isNotEmpty().allSatisfy(v -> {
      assertThat(v.interaction()).isEqualTo("a client credentials token request from a registered partner");
      assertThat(v.where()).isEqualTo("response body");
    });
    assertThat(messages(violations))
        .anySatisfy(m -> assertThat(m).contains("bearer_token"))     // required, missing
        .anySatisfy(m -> assertThat(m).contains("access_token"));    // present, not in schema
  }

  @Test
  void pathChangedInSpec_failsEveryInteractionNamingThePath() throws IOException {
    String mutated = replaceEvery(spec, TOKEN_PATH + ":", "/v2/auth/partner/token:");

    List<SpecViolation> violations = check("path-changed", mutated);

    assertThat(violations).extracting(SpecViolation::interaction)
        .containsExactlyInAnyOrderElementsOf(descriptions);
    assertThat(violations).allSatisfy(v -> {
      assertThat(v.key()).isEqualTo("validation.request.path.missing");
      assertThat(v.message()).contains(TOKEN_PATH);
    });
  }

  @Test
  void grantTypeDroppedFromRequestSchema_failsEveryInteractionNamingTheParameter() throws IOException {
    String mutated = dropRequestParameter(spec, "grant_type");

    List<SpecViolation> violations = check("grant-type-dropped", mutated);

    assertThat(violations).extracting(SpecViolation::interaction)
        .containsExactlyInAnyOrderElementsOf(descriptions);
    assertThat(violations).allSatisfy(v -> {
      assertThat(v.where()).isEqualTo("request body");
      assertThat(v.message()).contains("grant_type");
    });
  }

  private static List<SpecViolation> check(String mutation, String mutatedSpec) throws IOException {
    List<SpecViolation> violations = OpenApiPactCheck.forSpecText(mutatedSpec).checkAll(pactFiles);
    String report = OpenApiPactCheck.describe(violations);
    Path out = ContractBuildPaths.pactDir().resolveSibling("spec-drift").resolve(mutation + ".txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report + System.lineSeparator(), StandardCharsets.UTF_8);
    System.out.println("[expected] the spec check reports mutation '" + mutation + "' as: " + report);
    return violations;
  }

  private static List<String> messages(List<SpecViolation> violations) {
    return violations.stream().map(SpecViolation::message).collect(Collectors.toList());
  }

  private static String replaceEvery(String text, String from, String to) {
    assertThat(text).as("the spec no longer holds '%s': update this mutation", from).contains(from);
    return text.replace(from, to);
  }

  /**
   * Removes a parameter from the {@code ClientCredentialsTokenRequest} schema: its entry in
   * {@code required} and its block under {@code properties} (the key line and every line indented
   * deeper than it).
   */
  private static String dropRequestParameter(String yaml, String name) {
    Matcher schema = Pattern.compile("(?ms)^    ClientCredentialsTokenRequest:\\n.*?(?=^    \\S)").matcher(yaml);
    assertThat(schema.find()).as("ClientCredentialsTokenRequest schema in the spec").isTrue();
    String before = schema.group();
    String after = before
        .replaceAll("(?m)^ +- " + Pattern.quote(name) + "\\n", "")
        .replaceAll("(?m)^( +)" + Pattern.quote(name) + ":\\n(?:\\1 .*\\n)*", "");
    assertThat(after).as("request schema after dropping '%s'", name).doesNotContain(name + ":")
        .doesNotContain("- " + name);
    return yaml.substring(0, schema.start()) + after + yaml.substring(schema.end());
  }
}
