package io.github.poaauth.keycloak.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A POA API in miniature, as a resource server protected by Keycloak sees tokens: it accepts a
 * request (any path under {@value #BASE_PATH}, such as {@value #PATH}, any method) only with a
 * bearer token whose RS256 signature verifies against the realm's published keys and whose
 * {@code exp} has not passed, and answers it 200 {@value #ACCEPTED_BODY}; anything else is 401
 * with {@code WWW-Authenticate: Bearer error="invalid_token"}. Other paths are 404. JDK only, on
 * loopback.
 *
 * <p>{@link #rejectTokens(int)} makes it answer the next valid tokens 401 as if POA had revoked
 * them before their expiry: what a client's 401 recovery is for.
 *
 * <h2>Keys</h2>
 * Fetched from the realm's JWKS ({@code /realms/cybrillarta/protocol/openid-connect/certs},
 * straight from Keycloak) and cached, as resource-server libraries do:
 * <ul>
 *   <li>a token with an unknown {@code kid} makes the request fetch the JWKS again, at most once
 *       per {@link #MIN_REFETCH_INTERVAL} (so a flood of foreign tokens cannot hammer Keycloak);
 *   <li>keys older than {@code maxAge} are refetched in the background while the old ones keep
 *       serving, so a key removed from the realm stops verifying within about {@code maxAge};
 *   <li>a failed fetch (Keycloak stopped or down, {@link #FETCH_TIMEOUT} at most) keeps the keys
 *       it has: an outage of the authorization server does not take the API down.
 * </ul>
 *
 * <p>Thread-safe: the key set is one immutable map behind a volatile field, replaced whole; one
 * fetch at a time.
 */
public final class JwksProtectedApi implements AutoCloseable {

  /** Every path under it is the API. */
  public static final String BASE_PATH = "/partner/v1";
  public static final String PATH = BASE_PATH + "/ping";
  /** The body of every accepted request. */
  public static final String ACCEPTED_BODY = "{\"ok\":true}";
  public static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(1);
  public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

  /**
   * What the API decided about one request; {@code REVOKED}: a valid token rejected on request
   * ({@link #rejectTokens(int)}).
   */
  public enum Verdict { ACCEPTED, NO_TOKEN, MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED, REVOKED }

  /** The verified keys by {@code kid} and when they were fetched. */
  private record Keys(Map<String, PublicKey> byKid, long fetchedAtNanos) {
  }

  private final LoopbackServer server;
  private final HttpClient http;
  private final URI jwks;
  private final Duration maxAge;
  /** Replaced whole by a successful fetch; read without a lock by every request. */
  private volatile Keys keys;
  /** One fetch at a time; a request that finds one running just uses the keys it has. */
  private final Object fetchLock = new Object();
  /** When the last fetch was tried (success or not), under {@link #fetchLock}. */
  private long lastFetchAttemptNanos = System.nanoTime() - MIN_REFETCH_INTERVAL.toNanos();
  private final AtomicBoolean backgroundFetch = new AtomicBoolean();
  private final Map<Verdict, LongAdder> verdicts = new EnumMap<>(Verdict.class);
  private final LongAdder fetches = new LongAdder();
  private final LongAdder failedFetches = new LongAdder();
  /** How many more valid tokens to answer 401 ({@link #rejectTokens(int)}). */
  private final AtomicInteger toReject = new AtomicInteger();

  private JwksProtectedApi(LoopbackServer server, URI jwks, Duration maxAge) {
    this.server = server;
    this.jwks = jwks;
    this.maxAge = maxAge;
    this.http = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
    for (Verdict verdict : Verdict.values()) {
      verdicts.put(verdict, new LongAdder());
    }
  }

  /**
   * @param keycloak Keycloak's base URI ({@code http://127.0.0.1:<port>})
   * @param maxAge how long fetched keys are used before a background refetch
   * @return the API, listening on a free loopback port, with the realm's keys fetched
   * @throws IllegalStateException the first fetch of the keys failed
   */
  public static JwksProtectedApi start(URI keycloak, Duration maxAge) throws IOException {
    JwksProtectedApi api = new JwksProtectedApi(LoopbackServer.create("poa-api-stand-in"),
        keycloak.resolve("/realms/" + CybrillartaRealm.NAME + "/protocol/openid-connect/certs"),
        maxAge);
    if (!api.fetch()) {
      api.close();
      throw new IllegalStateException("could not fetch the realm's keys from " + api.jwks);
    }
    api.server.start(api::handle);
    return api;
  }

  /** @return {@code http://127.0.0.1:<port>}; the API is at {@link #BASE_PATH} below it */
  public String baseUrl() {
    return "http://" + hostAndPort();
  }

  /** @return {@code 127.0.0.1:<port>}: the one host a client should send the token to */
  public String hostAndPort() {
    return server.hostAndPort();
  }

  /**
   * The next {@code count} requests whose token would be accepted are answered 401
   * {@code invalid_token} instead (verdict {@link Verdict#REVOKED}), as POA answers a token it
   * revoked; later ones are accepted again. Replaces a count not used up yet.
   */
  public void rejectTokens(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    toReject.set(count);
  }

  public long verdicts(Verdict verdict) {
    return verdicts.get(verdict).sum();
  }

  public long keyFetches() {
    return fetches.sum();
  }

  public long failedKeyFetches() {
    return failedFetches.sum();
  }

  public boolean knowsKey(String kid) {
    return keys.byKid().containsKey(kid);
  }

  @Override
  public void close() {
    server.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      if (!exchange.getRequestURI().getRawPath().startsWith(BASE_PATH + "/")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      Verdict verdict = verify(exchange.getRequestHeaders().getFirst("Authorization"));
      if (verdict == Verdict.ACCEPTED
          && toReject.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
        verdict = Verdict.REVOKED;
      }
      verdicts.get(verdict).increment();
      byte[] body;
      if (verdict == Verdict.ACCEPTED) {
        body = ACCEPTED_BODY.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
      } else {
        body = ("{\"error\":\"invalid_token\",\"error_description\":\"" + verdict + "\"}")
            .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("WWW-Authenticate", verdict == Verdict.NO_TOKEN
            ? "Bearer realm=\"" + CybrillartaRealm.NAME + "\""
            : "Bearer realm=\"" + CybrillartaRealm.NAME + "\", error=\"invalid_token\"");
        exchange.sendResponseHeaders(401, body.length);
      }
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }

  /**
   * @param authorization a request's {@code Authorization} header, or null
   * @return what the API makes of it (not counted; {@link #rejectTokens(int)} aside)
   */
  public Verdict verify(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Verdict.NO_TOKEN;
    }
    String token = authorization.substring(7).trim();
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Verdict.MALFORMED;
    }
    JsonNode header;
    JsonNode claims;
    byte[] signature;
    try {
      header = JSON.readTree(B64URL.decode(parts[0]));
      claims = JSON.readTree(B64URL.decode(parts[1]));
      signature = B64URL.decode(parts[2]);
    } catch (IOException | IllegalArgumentException e) {
      return Verdict.MALFORMED;
    }
    if (!"RS256".equals(header.path("alg").asText()) || !header.path("kid").isTextual()
        || !claims.path("exp").canConvertToLong()) {
      return Verdict.MALFORMED;
    }
    String kid = header.path("kid").asText();
    PublicKey key = keyFor(kid);
    if (key == null) {
      return Verdict.UNKNOWN_KEY;
    }
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(key);
      rs256.update((parts[0] + '.' + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rs256.verify(signature)) {
        return Verdict.BAD_SIGNATURE;
      }
    } catch (GeneralSecurityException e) {
      return Verdict.BAD_SIGNATURE;
    }
    // RFC 7519 4.1.4: not accepted on or after exp.
    if (System.currentTimeMillis() >= claims.path("exp").asLong() * 1000) {
      return Verdict.EXPIRED;
    }
    return Verdict.ACCEPTED;
  }

  private PublicKey keyFor(String kid) {
    Keys current = keys;
    if (System.nanoTime() - current.fetchedAtNanos() > maxAge.toNanos()
        && backgroundFetch.compareAndSet(false, true)) {
      try {
        server.executor().execute(() -> {
          try {
            fetch();
          } finally {
            backgroundFetch.set(false);
          }
        });
      } catch (RuntimeException e) {
        backgroundFetch.set(false);
      }
    }
    PublicKey key = current.byKid().get(kid);
    if (key != null) {
      return key;
    }
    // An unknown kid: the realm may have rotated its key since the last fetch.
    fetch();
    return keys.byKid().get(kid);
  }

  /** @return whether keys were fetched; false when rate-limited, or when the fetch failed */
  private boolean fetch() {
    synchronized (fetchLock) {
      long now = System.nanoTime();
      if (now - lastFetchAttemptNanos < MIN_REFETCH_INTERVAL.toNanos()) {
        return false;
      }
      lastFetchAttemptNanos = now;
      fetches.increment();
      try {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(jwks)
            .timeout(FETCH_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
          failedFetches.increment();
          return false;
        }
        Map<String, PublicKey> byKid = new HashMap<>();
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        for (JsonNode jwk : JSON.readTree(answer.body()).path("keys")) {
          if ("RSA".equals(jwk.path("kty").asText())
              && !"enc".equals(jwk.path("use").asText())) {
            byKid.put(jwk.path("kid").asText(), rsa.generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, B64URL.decode(jwk.path("n").asText())),
                new BigInteger(1, B64URL.decode(jwk.path("e").asText())))));
          }
        }
        keys = new Keys(Map.copyOf(byKid), System.nanoTime());
        return true;
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        failedFetches.increment();
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failedFetches.increment();
        return false;
      }
    }
  }
}
