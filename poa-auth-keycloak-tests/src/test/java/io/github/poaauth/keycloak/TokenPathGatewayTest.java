package io.github.poaauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import io.github.poaauth.keycloak.support.TokenPathGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway against a scripted upstream on loopback: no Keycloak needed. */
class TokenPathGatewayTest {

  private static final String FORM =
      "client_id=a-client&client_secret=a-secret&grant_type=client_credentials";

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private ScriptedUpstream upstream;
  private TokenPathGateway gateway;

  @BeforeEach
  void start() throws IOException {
    upstream = ScriptedUpstream.start();
    gateway = TokenPathGateway.start(upstream.uri(CybrillartaRealm.KEYCLOAK_TOKEN_PATH));
  }

  @AfterEach
  void stop() {
    gateway.close();
    upstream.close();
  }

  @Test
  void post_onPoaPath_reachesKeycloakPath_withMethodHeadersAndBodyUnchanged() throws Exception {
    upstream.answer(200, Map.of("Content-Type", "application/json"), "{}");

    send(HttpRequest.newBuilder(gatewayUri(CybrillartaRealm.POA_TOKEN_PATH))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .header("Authorization", "Basic YTpi")
        .POST(HttpRequest.BodyPublishers.ofString(FORM)));

    Received received = upstream.received();
    assertThat(received.method).isEqualTo("POST");
    assertThat(received.pathAndQuery).isEqualTo(CybrillartaRealm.KEYCLOAK_TOKEN_PATH);
    assertThat(received.headers.getFirst("Content-Type"))
        .isEqualTo("application/x-www-form-urlencoded");
    assertThat(received.headers.getFirst("Accept")).isEqualTo("application/json");
    assertThat(received.headers.getFirst("Authorization")).isEqualTo("Basic YTpi");
    assertThat(received.body).isEqualTo(FORM);
  }

  @Test
  void answer_comesBackUnchanged_statusHeadersAndBody() throws Exception {
    String error = "{\"error\":\"unauthorized_client\","
        + "\"error_description\":\"Invalid client or Invalid client credentials\"}";
    upstream.answer(401, Map.of("Content-Type", "application/json", "Cache-Control", "no-store",
        "Pragma", "no-cache", "X-Frame-Options", "SAMEORIGIN"), error);

    HttpResponse<String> answer = send(HttpRequest.newBuilder(
            gatewayUri(CybrillartaRealm.POA_TOKEN_PATH))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(FORM)));

    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.body()).isEqualTo(error);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(answer.headers().firstValue("Pragma")).hasValue("no-cache");
    assertThat(answer.headers().firstValue("X-Frame-Options")).hasValue("SAMEORIGIN");
  }

  @Test
  void otherMethods_andQueries_areForwardedToo_soKeycloakAnswersThem() throws Exception {
    upstream.answer(405, Map.of("Content-Type", "application/json"),
        "{\"error\":\"HTTP 405 Method Not Allowed\"}");

    HttpResponse<String> answer = send(HttpRequest.newBuilder(
            gatewayUri(CybrillartaRealm.POA_TOKEN_PATH + "?a=b%20c"))
        .GET());

    assertThat(answer.statusCode()).isEqualTo(405);
    Received received = upstream.received();
    assertThat(received.method).isEqualTo("GET");
    assertThat(received.pathAndQuery).isEqualTo(CybrillartaRealm.KEYCLOAK_TOKEN_PATH + "?a=b%20c");
    assertThat(received.body).isEmpty();
  }

  @Test
  void otherPaths_are404_andNeverReachKeycloak() throws Exception {
    HttpResponse<String> keycloakPath = send(HttpRequest.newBuilder(
            gatewayUri(CybrillartaRealm.KEYCLOAK_TOKEN_PATH))
        .POST(HttpRequest.BodyPublishers.ofString(FORM)));
    HttpResponse<String> pagesCurlPath = send(HttpRequest.newBuilder(gatewayUri("/poa/auth/token"))
        .POST(HttpRequest.BodyPublishers.ofString(FORM)));

    assertThat(keycloakPath.statusCode()).isEqualTo(404);
    assertThat(pagesCurlPath.statusCode()).isEqualTo(404);
    assertThat(upstream.requests).isEmpty();
    assertThat(gateway.tokenRequests()).isZero();
  }

  @Test
  void tokenRequests_countsEveryRequestOnThePoaPath() throws Exception {
    upstream.answer(200, Map.of("Content-Type", "application/json"), "{}");

    for (int i = 0; i < 3; i++) {
      send(HttpRequest.newBuilder(gatewayUri(CybrillartaRealm.POA_TOKEN_PATH))
          .POST(HttpRequest.BodyPublishers.ofString(FORM)));
    }

    assertThat(gateway.tokenRequests()).isEqualTo(3);
    assertThat(upstream.requests).hasSize(3);
  }

  @Test
  void upstreamDown_is502() throws Exception {
    upstream.close();

    HttpResponse<String> answer = send(HttpRequest.newBuilder(
            gatewayUri(CybrillartaRealm.POA_TOKEN_PATH))
        .POST(HttpRequest.BodyPublishers.ofString(FORM)));

    assertThat(answer.statusCode()).isEqualTo(502);
  }

  private URI gatewayUri(String pathAndQuery) {
    return URI.create(gateway.baseUrl() + pathAndQuery);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What the upstream received. */
  private static final class Received {
    final String method;
    final String pathAndQuery;
    final Headers headers;
    final String body;

    Received(String method, String pathAndQuery, Headers headers, String body) {
      this.method = method;
      this.pathAndQuery = pathAndQuery;
      this.headers = headers;
      this.body = body;
    }
  }

  /** A loopback server that records each request and answers with what the test scripted. */
  private static final class ScriptedUpstream implements AutoCloseable {
    final BlockingQueue<Received> requests = new LinkedBlockingQueue<>();
    private final HttpServer server;
    private volatile int status = 500;
    private volatile Map<String, String> headers = Map.of();
    private volatile String body = "";

    private ScriptedUpstream(HttpServer server) {
      this.server = server;
    }

    static ScriptedUpstream start() throws IOException {
      HttpServer server = HttpServer.create(
          new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
      ScriptedUpstream upstream = new ScriptedUpstream(server);
      server.createContext("/", exchange -> {
        try (InputStream in = exchange.getRequestBody()) {
          upstream.requests.add(new Received(exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null
                  ? "" : "?" + exchange.getRequestURI().getRawQuery()),
              exchange.getRequestHeaders(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
        upstream.headers.forEach(exchange.getResponseHeaders()::set);
        byte[] bytes = upstream.body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(upstream.status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
        exchange.close();
      });
      server.start();
      return upstream;
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    void answer(int status, Map<String, String> headers, String body) {
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    Received received() throws InterruptedException {
      Received received = requests.poll(5, TimeUnit.SECONDS);
      assertThat(received).as("a request reached the upstream").isNotNull();
      return received;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
