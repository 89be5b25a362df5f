package io.github.poaauth.keycloak.support;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * POA's gateway in miniature: serves {@value CybrillartaRealm#POA_TOKEN_PATH} on a loopback
 * port by forwarding each request to Keycloak's token endpoint of the realm, and Keycloak's
 * answer back, unchanged: method, query, headers and body one way; status, headers and body the
 * other. Only what HTTP itself owns per connection is left out (hop-by-hop headers,
 * {@code Host}, {@code Content-Length}, which each side recomputes). Any other path is answered
 * 404 without asking Keycloak.
 *
 * <p>If Keycloak cannot be reached the gateway answers 502 with no body, as a gateway does.
 *
 * <p>Thread-safe; each exchange runs on its own daemon thread.
 */
public final class TokenPathGateway implements AutoCloseable {

  /**
   * Not forwarded: hop-by-hop headers (RFC 9110 section 7.6.1) and those the JDK client or server
   * sets itself.
   */
  private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive",
      "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
      "transfer-encoding", "upgrade", "host", "content-length", "expect", "date");
  private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(30);

  private final LoopbackServer server;
  private final HttpClient upstream;
  private final URI upstreamTokenEndpoint;
  /** Requests received on the token path, forwarded or not: what a test counts. */
  private final AtomicInteger tokenRequests = new AtomicInteger();

  private TokenPathGateway(LoopbackServer server, URI upstreamTokenEndpoint) {
    this.server = server;
    this.upstreamTokenEndpoint = upstreamTokenEndpoint;
    this.upstream = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .executor(server.executor())
        .build();
  }

  /**
   * @param upstreamTokenEndpoint Keycloak's token endpoint, such as
   *     {@code http://127.0.0.1:8080/realms/cybrillarta/protocol/openid-connect/token}
   * @return a gateway listening on a free loopback port
   */
  public static TokenPathGateway start(URI upstreamTokenEndpoint) throws IOException {
    TokenPathGateway gateway = new TokenPathGateway(LoopbackServer.create("poa-gateway"),
        upstreamTokenEndpoint);
    gateway.server.start(gateway::handle);
    return gateway;
  }

  /** @return {@code http://127.0.0.1:<port>}: the base URL a POA client is given */
  public String baseUrl() {
    return "http://" + server.hostAndPort();
  }

  public int port() {
    return server.port();
  }

  /** @return how many requests arrived on the token path since the gateway started */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  @Override
  public void close() {
    server.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    // HttpExchange is AutoCloseable only from Java 18 on.
    try {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      URI uri = exchange.getRequestURI();
      if (!CybrillartaRealm.POA_TOKEN_PATH.equals(uri.getRawPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      tokenRequests.incrementAndGet();
      HttpResponse<byte[]> answer;
      try {
        answer = upstream.send(forward(exchange, uri, body), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        exchange.sendResponseHeaders(502, -1);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      Headers headers = exchange.getResponseHeaders();
      answer.headers().map().forEach((name, values) -> {
        if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
          headers.put(name, values);
        }
      });
      byte[] answerBody = answer.body();
      boolean noBody = answerBody.length == 0 || "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(answer.statusCode(), noBody ? -1 : answerBody.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answerBody);
        }
      }
    } finally {
      exchange.close();
    }
  }

  private HttpRequest forward(HttpExchange exchange, URI uri, byte[] body) {
    URI target = uri.getRawQuery() == null ? upstreamTokenEndpoint
        : URI.create(upstreamTokenEndpoint + "?" + uri.getRawQuery());
    HttpRequest.Builder request = HttpRequest.newBuilder(target)
        .timeout(UPSTREAM_TIMEOUT)
        .method(exchange.getRequestMethod(), body.length == 0
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      if (NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        continue;
      }
      for (String value : header.getValue()) {
        request.header(header.getKey(), value);
      }
    }
    return request.build();
  }
}
