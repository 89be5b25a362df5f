package io.github.poaauth.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import feign.Feign;
import feign.form.FormEncoder;
import feign.jackson.JacksonDecoder;
import feign.jackson.JacksonEncoder;
import io.github.poaauth.api.model.TokenResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generated Feign interface sends the token request the provider page documents. */
class GeneratedTokenApiWireTest {

  record Recorded(String method, String path, String contentType, List<String> accept, String body) {}

  private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private String baseUrl;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      recorded.add(new Recorded(
          exchange.getRequestMethod(),
          exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Content-Type"),
          exchange.getRequestHeaders().get("Accept"),
          body));
      byte[] answer = TokenResponseModelTest.pageSample().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
    baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void createPartnerToken_postsFormEncodedCredentials_andReadsToken() throws IOException {
    TokenApi api = Feign.builder()
        .encoder(new FormEncoder(new JacksonEncoder()))
        .decoder(new JacksonDecoder())
        .target(TokenApi.class, baseUrl);

    TokenResponse token = api.createPartnerToken("partner-1", "s3cr&t=+ é", "client_credentials");

    assertThat(token.getExpiresIn()).isEqualTo(1800);
    assertThat(token.getTokenType()).isEqualTo("Bearer");
    assertThat(recorded).hasSize(1);
    Recorded request = recorded.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo(specTokenPath());
    assertThat(request.contentType()).startsWith("application/x-www-form-urlencoded");
    assertThat(request.accept()).containsExactly("application/json");
    assertThat(decodeForm(request.body())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "client_id", "partner-1",
        "client_secret", "s3cr&t=+ é",
        "grant_type", "client_credentials"));
  }

  /**
   * The one path of {@code openapi/poa-auth.yaml}, read from the spec rather than written here
   * again (the first key under {@code paths:}).
   */
  private static String specTokenPath() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "openapi", "poa-auth.yaml"), StandardCharsets.UTF_8);
    String path = lines.get(lines.indexOf("paths:") + 1).strip();
    assertThat(path).as("first path of the spec").startsWith("/").endsWith(":");
    return path.substring(0, path.length() - 1);
  }

  private static Map<String, String> decodeForm(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return fields;
  }
}
