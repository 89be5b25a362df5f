package io.github.poaauth.keycloak.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Just enough of Keycloak's admin REST API for the Pact state handlers to make a provider state
 * true: make sure a partner client is registered with a given secret, or is not registered.
 *
 * <p>Authenticates as the temporary admin service account Keycloak creates at first start from
 * {@code KC_BOOTSTRAP_ADMIN_CLIENT_ID}/{@code _SECRET} (client credentials on realm
 * {@code master}); a new admin token per call keeps this class free of expiry bookkeeping, and
 * the handlers make a handful of calls per build.
 *
 * <p>Thread-safe (immutable; {@link HttpClient} is).
 */
public final class KeycloakAdmin {

  /** Test-only credentials of Keycloak's temporary admin service account, fake like the others. */
  public static final String CLIENT_ID = "poa-test-admin";
  public static final String CLIENT_SECRET = "poa-test-admin-secret-not-real";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI keycloak;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  public KeycloakAdmin(URI keycloak) {
    this.keycloak = keycloak;
  }

  /**
   * Registers {@code clientId} as a partner client with {@code secret}, or gives the registered
   * one that secret; does nothing when both already hold. A new client is a copy of the realm
   * file's partner client, so it is configured exactly like the partners the realm registers.
   */
  public void ensurePartnerClient(String clientId, String secret) {
    Optional<ObjectNode> existing = findClient(clientId);
    if (existing.isEmpty()) {
      ObjectNode client = CybrillartaRealm.client(CybrillartaRealm.PARTNER_CLIENT_ID)
          .orElseThrow(() -> new IllegalStateException("The realm file registers no "
              + CybrillartaRealm.PARTNER_CLIENT_ID + " to copy a partner client from"))
          .deepCopy();
      client.put("clientId", clientId).put("secret", secret);
      expect(201, send("POST", clientsPath(), client));
      return;
    }
    ObjectNode client = existing.get();
    if (!secret.equals(client.path("secret").asText(null))
        || !client.path("enabled").asBoolean(false)) {
      client.put("secret", secret).put("enabled", true);
      expect(204, send("PUT", clientsPath() + "/" + client.path("id").asText(), client));
    }
  }

  /**
   * Registers a client exactly as given, replacing any client with the same {@code clientId}:
   * for tests of how Keycloak treats clients configured unlike the partners.
   */
  public void replaceClient(ObjectNode representation) {
    ensureNoClient(representation.path("clientId").asText());
    expect(201, send("POST", clientsPath(), representation));
  }

  /** Deletes the client {@code clientId} if the realm has one. */
  public void ensureNoClient(String clientId) {
    findClient(clientId).ifPresent(client ->
        expect(204, send("DELETE", clientsPath() + "/" + client.path("id").asText(), null)));
  }

  /** @return the client's representation (secret included), if the realm registers it */
  public Optional<ObjectNode> findClient(String clientId) {
    HttpResponse<String> answer = send("GET", clientsPath() + "?clientId="
        + URLEncoder.encode(clientId, StandardCharsets.UTF_8), null);
    expect(200, answer);
    for (JsonNode client : parse(answer.body())) {
      // The query is a search; keep only the exact match.
      if (clientId.equals(client.path("clientId").asText(null))) {
        return Optional.of((ObjectNode) client);
      }
    }
    return Optional.empty();
  }

  /**
   * Rotates the realm's RS256 signing key as an operator does: a new generated RSA key provider,
   * active, with a higher priority than any other, so that Keycloak signs with it from now on;
   * then every other {@code rsa-generated} provider is removed, so that the old key leaves the
   * realm's JWKS and tokens signed with it no longer verify anywhere.
   *
   * @param name the new provider's name
   * @return the new key's {@code kid}
   */
  public String rotateSigningKey(String name) {
    String realmId = parse(expectOk(send("GET", realmPath(), null)).body()).path("id").asText();
    JsonNode providers = parse(expectOk(send("GET", realmPath()
        + "/components?type=org.keycloak.keys.KeyProvider", null)).body());
    long priority = 100;
    for (JsonNode provider : providers) {
      priority = Math.max(priority, provider.path("config").path("priority").path(0).asLong(0));
    }
    ObjectNode component = JSON.createObjectNode()
        .put("name", name)
        .put("providerId", "rsa-generated")
        .put("providerType", "org.keycloak.keys.KeyProvider")
        .put("parentId", realmId);
    ObjectNode config = component.putObject("config");
    config.putArray("priority").add(Long.toString(priority + 100));
    config.putArray("enabled").add("true");
    config.putArray("active").add("true");
    config.putArray("keySize").add("2048");
    config.putArray("algorithm").add("RS256");
    HttpResponse<String> created = send("POST", realmPath() + "/components", component);
    expect(201, created);
    String location = created.headers().firstValue("Location").orElseThrow(() ->
        new IllegalStateException("Keycloak created the key provider without a Location"));
    String componentId = location.substring(location.lastIndexOf('/') + 1);
    for (JsonNode provider : providers) {
      if ("rsa-generated".equals(provider.path("providerId").asText())) {
        expect(204, send("DELETE", realmPath() + "/components/" + provider.path("id").asText(),
            null));
      }
    }
    for (JsonNode key : parse(expectOk(send("GET", realmPath() + "/keys", null)).body())
        .path("keys")) {
      if (componentId.equals(key.path("providerId").asText())) {
        return key.path("kid").asText();
      }
    }
    throw new IllegalStateException("Keycloak lists no key of the new provider " + componentId);
  }

  /** @return the {@code kid} Keycloak signs RS256 tokens with now */
  public String activeSigningKid() {
    return parse(expectOk(send("GET", realmPath() + "/keys", null)).body())
        .path("active").path("RS256").asText();
  }

  private String realmPath() {
    return "/admin/realms/" + CybrillartaRealm.NAME;
  }

  private static HttpResponse<String> expectOk(HttpResponse<String> answer) {
    expect(200, answer);
    return answer;
  }

  private String clientsPath() {
    return "/admin/realms/" + CybrillartaRealm.NAME + "/clients";
  }

  private HttpResponse<String> send(String method, String path, JsonNode body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(keycloak.resolve(path))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + adminToken())
        .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    return exchange(request.build());
  }

  private String adminToken() {
    String form = "grant_type=client_credentials&client_id=" + CLIENT_ID + "&client_secret="
        + CLIENT_SECRET;
    HttpResponse<String> answer = exchange(HttpRequest.newBuilder(
            keycloak.resolve("/realms/master/protocol/openid-connect/token"))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build());
    expect(200, answer);
    return parse(answer.body()).path("access_token").asText();
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("Keycloak admin API: " + request.method() + " "
          + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while calling Keycloak's admin API", e);
    }
  }

  private static void expect(int status, HttpResponse<String> answer) {
    if (answer.statusCode() != status) {
      throw new IllegalStateException("Keycloak admin API: " + answer.request().method() + " "
          + answer.request().uri().getPath() + " answered " + answer.statusCode() + " (expected "
          + status + "): " + answer.body());
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("Keycloak admin API answered no JSON: " + json, e);
    }
  }
}
