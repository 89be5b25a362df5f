package io.github.poaauth.contract.spec;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.report.ValidationReport.Level;
import com.atlassian.oai.validator.report.ValidationReport.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks pact interactions against an OpenAPI document with swagger-request-validator-core's
 * {@link OpenApiInteractionValidator}: path and method, headers (Content-Type, Accept), the
 * request body and the response status, content type and body.
 *
 * <p><b>Form bodies.</b> The core validator checks {@code application/x-www-form-urlencoded}
 * request bodies itself: it decodes the form into a JSON object and validates that against the
 * request body schema (required, additional and enum-constrained parameters all show up). Two
 * limits of its decoding, harmless for this contract's fake example values but worth knowing: a
 * value that looks like a number or boolean is typed as one (so an all-digit example
 * {@code client_id} would fail {@code type: string}), and a value is cut at its first
 * {@code '='} (no example here contains one).
 *
 * <p><b>Levels.</b> Every finding is an error. The levels are set here rather than read from
 * {@code swagger-validator.properties}, the working directory or {@code swagger.*} system
 * properties, so nothing outside this class can quietly turn a check off; the keys that matter
 * most (missing required fields, unknown properties, wrong types) are named explicitly.
 */
public final class OpenApiPactCheck {

  /** The message keys this check must never let through, named so the intent is on record. */
  static final List<String> ALWAYS_ERRORS = List.of(
      "validation.request.path.missing",
      "validation.request.operation.notAllowed",
      "validation.request.body.missing",
      "validation.request.body.schema.required",
      "validation.request.body.schema.additionalProperties",
      "validation.request.body.schema.type",
      "validation.request.body.schema.enum",
      "validation.request.contentType.notAllowed",
      "validation.request.accept.notAllowed",
      "validation.response.status.unknown",
      "validation.response.body.missing",
      "validation.response.body.schema.required",
      "validation.response.body.schema.additionalProperties",
      "validation.response.body.schema.type",
      "validation.response.contentType.notAllowed",
      "validation.schema.additionalProperties");

  private final OpenApiInteractionValidator validator;

  private OpenApiPactCheck(OpenApiInteractionValidator validator) {
    this.validator = validator;
  }

  /** A check against the OpenAPI document in {@code yaml}. */
  public static OpenApiPactCheck forSpecText(String yaml) {
    return new OpenApiPactCheck(OpenApiInteractionValidator
        .createForInlineApiSpecification(yaml)
        .withLevelResolver(levelResolver())
        .build());
  }

  public static OpenApiPactCheck forSpecFile(Path spec) {
    try {
      return forSpecText(Files.readString(spec, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read OpenAPI spec " + spec, e);
    }
  }

  static LevelResolver levelResolver() {
    LevelResolver.Builder levels = LevelResolver.create()
        .withLoader(null)
        .withDefaultLevel(Level.ERROR);
    ALWAYS_ERRORS.forEach(key -> levels.withLevel(key, Level.ERROR));
    return levels.build();
  }

  /** Every violation in every interaction of {@code pactFile}. */
  public List<SpecViolation> check(Path pactFile) {
    return PactInteraction.readAll(pactFile).stream()
        .flatMap(interaction -> check(interaction).stream())
        .collect(Collectors.toList());
  }

  /** Every violation in every interaction of each of {@code pactFiles}. */
  public List<SpecViolation> checkAll(List<Path> pactFiles) {
    return pactFiles.stream().flatMap(file -> check(file).stream()).collect(Collectors.toList());
  }

  public List<SpecViolation> check(PactInteraction interaction) {
    if (!interaction.isHttp()) {
      return List.of(new SpecViolation(interaction.pactFile(), interaction.description(),
          "interaction", "pact.interaction.type", "",
          "is a '" + interaction.type() + "' interaction; openapi/poa-auth.yaml describes HTTP only"));
    }
    ValidationReport report = validator.validate(toRequest(interaction.request()),
        toResponse(interaction.response()));
    List<SpecViolation> violations = new ArrayList<>();
    for (Message message : report.getMessages()) {
      if (message.getLevel() == Level.ERROR) {
        violations.add(SpecViolation.of(interaction, message));
      }
    }
    return violations;
  }

  /** The pact files directly in {@code dir}, sorted by name. */
  public static List<Path> pactFilesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list pact directory " + dir, e);
    }
  }

  /** A multi-line report naming the interaction, where in it, and the field for each violation. */
  public static String describe(List<SpecViolation> violations) {
    return violations.size() + " contract/spec mismatch(es) between the pacts and openapi/poa-auth.yaml:"
        + violations.stream().map(v -> "\n  - " + v).collect(Collectors.joining());
  }

  private static SimpleRequest toRequest(PactInteraction.Request pact) {
    SimpleRequest.Builder request = new SimpleRequest.Builder(pact.method(), pact.path());
    pact.headers().forEach(request::withHeader);
    pact.query().forEach(request::withQueryParam);
    pact.body().ifPresent(body -> request.withBody(body, StandardCharsets.UTF_8));
    return request.build();
  }

  private static SimpleResponse toResponse(PactInteraction.Response pact) {
    SimpleResponse.Builder response = SimpleResponse.Builder.status(pact.status());
    pact.headers().forEach(response::withHeader);
    pact.body().ifPresent(body -> response.withBody(body, StandardCharsets.UTF_8));
    return response.build();
  }
}
