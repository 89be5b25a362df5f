package io.github.poaauth.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A raw HTTP client of the token endpoint (java.net.http): hand-made requests to POA's token
 * path, for what the client never sends.
 */
final class RawTokenClient {

  static final String FORM = "application/x-www-form-urlencoded";
  static final String REGISTERED = "client_id=" + CybrillartaRealm.PARTNER_CLIENT_ID
      + "&client_secret=" + CybrillartaRealm.PARTNER_CLIENT_SECRET;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  RawTokenClient(URI endpoint) {
    this.endpoint = endpoint;
  }

  /** POSTs {@code body} as a form, with {@code Accept: application/json}, as the page says. */
  HttpResponse<String> postForm(String body) {
    return send(request().header("Content-Type", FORM)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** @return a request to the token path with {@code Accept: application/json} and a timeout */
  HttpRequest.Builder request() {
    return HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(30))
        .header("Accept", "application/json");
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> answer) {
    try {
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + answer.body(), e);
    }
  }
}
