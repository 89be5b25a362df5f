package io.github.poaauth.compat;

import io.swagger.v3.oas.models.media.Schema;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.Changed;
import org.openapitools.openapidiff.core.model.ChangedApiResponse;
import org.openapitools.openapidiff.core.model.ChangedContent;
import org.openapitools.openapidiff.core.model.ChangedHeaders;
import org.openapitools.openapidiff.core.model.ChangedMediaType;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;
import org.openapitools.openapidiff.core.model.ChangedOperation;
import org.openapitools.openapidiff.core.model.ChangedParameters;
import org.openapitools.openapidiff.core.model.ChangedRequestBody;
import org.openapitools.openapidiff.core.model.ChangedResponse;
import org.openapitools.openapidiff.core.model.ChangedSchema;
import org.openapitools.openapidiff.core.model.Endpoint;
import org.openapitools.openapidiff.core.output.ConsoleRender;

/**
 * The spec compatibility check: openapi-diff compares two OpenAPI documents, and this class
 * words every incompatible change in API terms, one line each, such as
 * {@code POST /v2/auth/cybrillarta/token response 200 (application/json): property access_token removed}.
 *
 * <p>openapi-diff decides what is incompatible (its rules follow what a client built against the
 * old spec can rely on: a request the old client sends must still be accepted, a response it
 * reads must still be readable). This class only walks its result to name each change; a change
 * it has no words for is still listed, by openapi-diff's type name.
 */
final class SpecCompatibility {

  /** A version's major line: {@code 0.y} for 0.y.z (semver section 4: y is the major), else {@code x}. */
  private static final Pattern MAJOR_LINE = Pattern.compile("^(0\\.[0-9]+|[1-9][0-9]*)\\..*$");

  private SpecCompatibility() {}

  /** The result of one comparison. */
  record Result(boolean changed, boolean incompatible, List<String> breakingChanges, String report) {}

  static Result compare(String oldSpec, String newSpec) {
    ChangedOpenApi diff = OpenApiCompare.fromContents(oldSpec, newSpec);
    List<String> lines = new ArrayList<>();
    if (diff.isIncompatible()) {
      for (Endpoint removed : diff.getMissingEndpoints()) {
        lines.add(removed.getMethod() + " " + removed.getPathUrl() + ": operation removed");
      }
      for (ChangedOperation operation : diff.getChangedOperations()) {
        operation(operation, lines);
      }
      if (lines.isEmpty()) {
        lines.add("incompatible change (see the report below)");
      }
    }
    return new Result(diff.isDifferent(), diff.isIncompatible(), List.copyOf(lines), render(diff));
  }

  /**
   * Whether {@code version} starts a new major line after {@code baseline}: 0.2.0 after 0.1.3,
   * 1.0.0 after 0.9.0, 2.0.0 after 1.4.1; not 0.1.1 after 0.1.0, nor 1.5.0 after 1.4.0.
   */
  static boolean majorRaised(String version, String baseline) {
    return !majorLine(version).equals(majorLine(baseline));
  }

  static String majorLine(String version) {
    Matcher m = MAJOR_LINE.matcher(version);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a version x.y.z: " + version);
    }
    return m.group(1);
  }

  private static void operation(ChangedOperation op, List<String> lines) {
    if (!op.isIncompatible()) {
      return;
    }
    String where = op.getHttpMethod() + " " + op.getPathUrl();
    ChangedParameters parameters = op.getParameters();
    if (incompatible(parameters)) {
      parameters.getIncreased().stream()
          .filter(p -> Boolean.TRUE.equals(p.getRequired()))
          .forEach(p -> lines.add(where + ": required " + p.getIn() + " parameter " + p.getName() + " added"));
      parameters.getMissing()
          .forEach(p -> lines.add(where + ": " + p.getIn() + " parameter " + p.getName() + " removed"));
      parameters.getChanged().stream()
          .filter(Changed::isIncompatible)
          .forEach(p -> lines.add(where + ": " + p.getIn() + " parameter " + p.getName() + " changed incompatibly"));
    }
    ChangedRequestBody body = op.getRequestBody();
    if (incompatible(body)) {
      if (body.isChangeRequired()) {
        lines.add(where + ": request body became required");
      }
      content(where + " request", body.getContent(), lines);
    }
    ChangedApiResponse responses = op.getApiResponses();
    if (incompatible(responses)) {
      responses.getMissing().keySet()
          .forEach(code -> lines.add(where + ": response " + code + " removed"));
      for (Map.Entry<String, ChangedResponse> e : responses.getChanged().entrySet()) {
        response(where + " response " + e.getKey(), e.getValue(), lines);
      }
    }
    if (incompatible(op.getSecurityRequirements())) {
      lines.add(where + ": security requirements changed incompatibly");
    }
  }

  private static void response(String where, ChangedResponse response, List<String> lines) {
    if (!response.isIncompatible()) {
      return;
    }
    ChangedHeaders headers = response.getHeaders();
    if (incompatible(headers)) {
      headers.getMissing().keySet().forEach(h -> lines.add(where + ": header " + h + " removed"));
      headers.getChanged().forEach((h, c) -> {
        if (c.isIncompatible()) {
          lines.add(where + ": header " + h + " changed incompatibly");
        }
      });
    }
    content(where, response.getContent(), lines);
  }

  private static void content(String where, ChangedContent content, List<String> lines) {
    if (!incompatible(content)) {
      return;
    }
    content.getMissing().keySet().forEach(m -> lines.add(where + ": media type " + m + " removed"));
    for (Map.Entry<String, ChangedMediaType> e : content.getChanged().entrySet()) {
      ChangedSchema schema = e.getValue().getSchema();
      if (incompatible(schema)) {
        schema(where + " (" + e.getKey() + ")", "", schema, lines);
      }
    }
  }

  private static void schema(String where, String path, ChangedSchema s, List<String> lines) {
    String at = path.isEmpty() ? where + ": " : where + ": property " + path + ": ";
    String prefix = path.isEmpty() ? "" : path + ".";
    int before = lines.size();
    if (s.isChangedType()) {
      lines.add(at + "type changed from " + type(s.getOldSchema()) + " to " + type(s.getNewSchema()));
    }
    if (s.isChangeFormat() && s.isIncompatible()) {
      lines.add(at + "format changed from " + s.getOldSchema().getFormat() + " to " + s.getNewSchema().getFormat());
    }
    s.getMissingProperties().keySet()
        .forEach(p -> lines.add(where + ": property " + prefix + p + " removed"));
    if (incompatible(s.getRequired())) {
      // A request that must carry more, or a response that promises less, breaks old clients.
      if (s.getRequired().getContext().isRequest()) {
        s.getRequired().getIncreased()
            .forEach(p -> lines.add(where + ": property " + prefix + p + " became required"));
      } else {
        s.getRequired().getMissing().stream()
            .filter(p -> !s.getMissingProperties().containsKey(p))
            .forEach(p -> lines.add(where + ": property " + prefix + p + " is no longer always present"));
      }
    }
    if (incompatible(s.getEnumeration())) {
      var values = s.getEnumeration();
      lines.add(at + (values.getOldValue().isEmpty()
          ? "values restricted to " + values.getNewValue()
          : "allowed values changed from " + values.getOldValue() + " to " + values.getNewValue()));
    }
    var range = s.getNumericRange();
    if (incompatible(range)) {
      lines.add(at + "range changed from " + range(range.getOldMinimumValue(), range.getOldMaximumValue())
          + " to " + range(range.getNewMinimumValue(), range.getNewMaximumValue()));
    }
    addIfIncompatible(at, "maxLength", s.getMaxLength(), lines);
    addIfIncompatible(at, "minLength", s.getMinLength(), lines);
    addIfIncompatible(at, "pattern", s.getPattern(), lines);
    addIfIncompatible(at, "nullable", s.getNullable(), lines);
    addIfIncompatible(at, "readOnly", s.getReadOnly(), lines);
    addIfIncompatible(at, "writeOnly", s.getWriteOnly(), lines);
    for (Map.Entry<String, ChangedSchema> e : s.getChangedProperties().entrySet()) {
      if (incompatible(e.getValue())) {
        schema(where, prefix + e.getKey(), e.getValue(), lines);
      }
    }
    if (incompatible(s.getItems())) {
      schema(where, prefix + "[]", s.getItems(), lines);
    }
    if (lines.size() == before && s.isCoreChanged().isIncompatible()) {
      lines.add(at + "schema changed incompatibly");
    }
  }

  private static void addIfIncompatible(String at, String what, Changed changed, List<String> lines) {
    if (incompatible(changed)) {
      lines.add(at + what + " changed incompatibly");
    }
  }

  private static boolean incompatible(Changed changed) {
    return changed != null && changed.isIncompatible();
  }

  private static String range(Object min, Object max) {
    return "[" + Objects.toString(min, "") + ".." + Objects.toString(max, "") + "]";
  }

  private static String type(Schema<?> schema) {
    if (schema == null) {
      return "none";
    }
    return schema.getFormat() == null ? schema.getType() : schema.getType() + " (" + schema.getFormat() + ")";
  }

  private static String render(ChangedOpenApi diff) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStreamWriter writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      new ConsoleRender().render(diff, writer);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
