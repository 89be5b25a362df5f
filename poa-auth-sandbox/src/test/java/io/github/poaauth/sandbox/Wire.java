package io.github.poaauth.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import feign.Feign;
import feign.Retryer;
import feign.form.FormEncoder;
import feign.http2client.Http2Client;
import feign.jackson.JacksonDecoder;
import feign.jackson.JacksonEncoder;
import io.github.poaauth.api.TokenApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.StringJoiner;

/** Test helpers: raw HTTP to the sandbox, the generated Feign client, and JSON/JWT reading. */
final class Wire {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String FORM = "application/x-www-form-urlencoded";

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Wire() {}

  /**
   * The generated client as a partner would build it, on Feign's default HttpURLConnection
   * client; Feign's own retries off.
   */
  static TokenApi tokenApi(PoaSandbox sandbox) {
    return feign().target(TokenApi.class, sandbox.baseUrl());
  }

  /** The generated client on feign-java11 ({@code java.net.http}); Feign's own retries off. */
  static TokenApi tokenApiOnJavaHttpClient(PoaSandbox sandbox) {
    return feign().client(new Http2Client()).target(TokenApi.class, sandbox.baseUrl());
  }

  private static Feign.Builder feign() {
    return Feign.builder()
        .encoder(new FormEncoder(new JacksonEncoder()))
        .decoder(new JacksonDecoder())
        .retryer(Retryer.NEVER_RETRY);
  }

  /** {@code name=value&...}, URL-encoded; pairs of strings. */
  static String form(String... namesAndValues) {
    StringJoiner joined = new StringJoiner("&");
    for (int i = 0; i < namesAndValues.length; i += 2) {
      joined.add(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8) + '='
          + URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
    }
    return joined.toString();
  }

  static String validForm(PoaSandbox sandbox) {
    return form("client_id", sandbox.defaultClientId(),
        "client_secret", sandbox.defaultClientSecret(),
        "grant_type", "client_credentials");
  }

  static HttpResponse<String> postForm(PoaSandbox sandbox, String body) throws IOException {
    return send(HttpRequest.newBuilder(sandbox.tokenEndpoint())
        .header("Content-Type", FORM)
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  static HttpRequest.Builder request(PoaSandbox sandbox, String path) {
    return HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path));
  }

  static HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  static HttpClient http() {
    return HTTP;
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The decoded claims of a JWT-shaped token. */
  static JsonNode claims(String token) {
    return json(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
        StandardCharsets.UTF_8));
  }

  static JsonNode header(String token) {
    return json(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]),
        StandardCharsets.UTF_8));
  }
}
