package io.github.poaauth.contract.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP interaction of a pact file, read with Jackson rather than with Pact JVM's model.
 *
 * <p>Why by hand: swagger-request-validator-pact reads pacts through {@code au.com.dius.pact:provider}
 * 4.6.x and fails with {@code NoSuchMethodError} next to Pact JVM 4.7.5. The pact JSON format is
 * small and specified, so this reads the example values straight from the file that is published,
 * in both the V4 layout (typed interactions, header values as arrays, body as
 * {@code {content, contentType, encoded}}) and the V3 layout (header values as strings, raw body).
 *
 * @param pactFile    file name, for messages
 * @param description the interaction's description
 * @param type        the V4 interaction type ({@code Synchronous/HTTP} for V3 files)
 * @param providerStates the names of the interaction's provider states
 * @param request     null unless {@link #isHttp()}
 * @param response    null unless {@link #isHttp()}
 */
public record PactInteraction(String pactFile, String description, String type,
    List<String> providerStates, Request request, Response response) {

  static final String HTTP = "Synchronous/HTTP";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The request a consumer sends, with the pact's example values. */
  public record Request(String method, String path, Map<String, List<String>> query,
      Map<String, List<String>> headers, Optional<String> body) {}

  /** The response the consumer relies on, with the pact's example values. */
  public record Response(int status, Map<String, List<String>> headers, Optional<String> body) {}

  public boolean isHttp() {
    return HTTP.equals(type);
  }

  /** Every interaction in {@code pactFile}, HTTP or not (callers decide what to do with others). */
  public static List<PactInteraction> readAll(Path pactFile) {
    JsonNode pact;
    try {
      pact = JSON.readTree(Files.readString(pactFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read pact file " + pactFile, e);
    }
    String file = pactFile.getFileName().toString();
    List<PactInteraction> interactions = new ArrayList<>();
    for (JsonNode interaction : pact.path("interactions")) {
      String type = interaction.path("type").asText(HTTP);
      String description = interaction.path("description").asText("<no description>");
      List<String> states = new ArrayList<>();
      interaction.path("providerStates").forEach(state -> states.add(state.path("name").asText()));
      if (interaction.hasNonNull("providerState")) {
        states.add(interaction.get("providerState").asText()); // V2 layout
      }
      if (!HTTP.equals(type)) {
        interactions.add(new PactInteraction(file, description, type, states, null, null));
        continue;
      }
      JsonNode request = interaction.path("request");
      JsonNode response = interaction.path("response");
      interactions.add(new PactInteraction(file, description, type, states,
          new Request(
              request.path("method").asText("GET").toUpperCase(Locale.ROOT),
              request.path("path").asText("/"),
              query(request.path("query")),
              headers(request),
              body(request.path("body"))),
          new Response(
              response.path("status").asInt(200),
              headers(response),
              body(response.path("body")))));
    }
    return interactions;
  }

  /**
   * Header values as lists; a V4 body's {@code contentType} fills in a missing Content-Type, as
   * the Pact mock server does when it answers.
   */
  private static Map<String, List<String>> headers(JsonNode part) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    part.path("headers").properties().forEach(e -> headers.put(e.getKey(), values(e.getValue())));
    String bodyContentType = part.path("body").path("contentType").asText("");
    boolean hasContentType = headers.keySet().stream().anyMatch("Content-Type"::equalsIgnoreCase);
    if (!hasContentType && !bodyContentType.isEmpty()) {
      headers.put("Content-Type", List.of(bodyContentType));
    }
    return headers;
  }

  private static Map<String, List<String>> query(JsonNode query) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (query.isObject()) {
      query.properties().forEach(e -> params.put(e.getKey(), values(e.getValue())));
    } else if (query.isTextual() && !query.asText().isEmpty()) {
      // V2 pacts stored the raw query string.
      for (String pair : query.asText().split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    return params;
  }

  private static List<String> values(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(v -> values.add(v.asText()));
    } else {
      values.add(node.asText());
    }
    return values;
  }

  private static Optional<String> body(JsonNode body) {
    if (body.isMissingNode() || body.isNull()) {
      return Optional.empty();
    }
    boolean v4Body = body.isObject() && body.has("content")
        && (body.has("contentType") || body.has("encoded"));
    if (!v4Body) {
      return Optional.of(body.isTextual() ? body.asText() : body.toString());
    }
    JsonNode content = body.get("content");
    JsonNode encoded = body.path("encoded");
    if (encoded.isTextual() && encoded.asText().equalsIgnoreCase("base64")) {
      return Optional.of(new String(Base64.getDecoder().decode(content.asText()), StandardCharsets.UTF_8));
    }
    if (encoded.isTextual() && encoded.asText().equalsIgnoreCase("json")) {
      return Optional.of(content.asText());
    }
    return Optional.of(content.isTextual() ? content.asText() : content.toString());
  }
}
