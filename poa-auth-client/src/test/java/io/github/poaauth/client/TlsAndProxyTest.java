package io.github.poaauth.client;

import java.time.Duration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.poaauth.sandbox.PoaSandbox;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partners' networks: the token request over TLS the JVM does not trust (a TLS-inspecting
 * corporate proxy, a private CA), with the partner's own {@link SSLContext}, and through the
 * partner's proxy. A real {@link HttpsServer} with a certificate made by {@code keytool} for
 * this run, and a real forward proxy on loopback.
 */
class TlsAndProxyTest {
  private static final String TOKEN_JSON = "{\"access_token\":\"tls-token\",\"token_type\":\"Bearer\","
      + "\"expires_in\":1800}";
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir
  static Path dir;
  private static HttpsServer https;
  private static SSLContext trustingTestCa;
  private static final List<String> seenPaths = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startHttpsServer() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    keytool.getInputStream().readAllBytes();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, null);

    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks); // the self-signed certificate is its own CA
    trustingTestCa = SSLContext.getInstance("TLS");
    trustingTestCa.init(null, tmf.getTrustManagers(), null);

    https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    https.createContext("/", exchange -> {
      seenPaths.add(exchange.getRequestURI().getPath());
      exchange.getRequestBody().readAllBytes();
      byte[] body = TOKEN_JSON.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    https.start();
  }

  @AfterAll
  static void stop() {
    https.stop(0);
  }

  private static PoaTokenProvider.Builder builder(String host) {
    return PoaTokenProvider.builder()
        .baseUrl("https://" + host + ":" + https.getAddress().getPort())
        .clientId("partner-1").clientSecret("tls-secret").retry(4, Duration.ofMillis(200), Duration.ofSeconds(5));
  }

  @Test
  void untrustedCertificate_isATlsFailure_notRetried() {
    int before = seenPaths.size();
    try (PoaTokenProvider tokens = builder("localhost").build()) {
      assertThatThrownBy(tokens::token)
          .isInstanceOfSatisfying(TokenEndpointUnavailableException.class,
              e -> assertThat(e.isRetryable()).isFalse())
          .hasMessageContaining("TLS").hasMessageContaining("sslContext");
    }
    assertThat(seenPaths).hasSize(before);
  }

  @Test
  void partnersSslContext_trustsTheirCa() {
    try (PoaTokenProvider tokens = builder("localhost").sslContext(trustingTestCa).build()) {
      assertThat(tokens.token().value()).isEqualTo("tls-token");
    }
  }

  @Test
  void wrongHostName_isATlsFailure_notRetried() {
    // The certificate names localhost, not 127.0.0.1.
    try (PoaTokenProvider tokens = builder("127.0.0.1").sslContext(trustingTestCa).build()) {
      assertThatThrownBy(tokens::token)
          .isInstanceOfSatisfying(TokenEndpointUnavailableException.class,
              e -> assertThat(e.isRetryable()).isFalse())
          .hasMessageContaining("TLS");
    }
  }

  @Test
  void proxy_carriesTheTokenRequest() throws IOException {
    List<String> proxied = new CopyOnWriteArrayList<>();
    try (PoaSandbox origin = PoaSandbox.builder().start()) {
      // A forward proxy for plain http: takes the absolute-form request and forwards it.
      HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      HttpClient upstream = HttpClient.newHttpClient();
      proxy.createContext("/", exchange -> {
        URI target = exchange.getRequestURI();
        proxied.add(target.toString());
        byte[] body = exchange.getRequestBody().readAllBytes();
        try {
          HttpResponse<byte[]> answer = upstream.send(HttpRequest.newBuilder(target)
              .header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          exchange.sendResponseHeaders(502, -1);
        }
      });
      proxy.start();
      try (PoaTokenProvider tokens = PoaTokenProvider.builder().baseUrl(origin.baseUrl())
          .clientId(PoaSandbox.DEFAULT_CLIENT_ID).clientSecret(PoaSandbox.DEFAULT_CLIENT_SECRET)
          .proxy(ProxySelector.of(proxy.getAddress())).build()) {
        assertThat(origin.isValidToken(tokens.token().value())).isTrue();
      } finally {
        proxy.stop(0);
      }
      assertThat(proxied).singleElement().asString()
          .isEqualTo(origin.baseUrl() + PoaTokenProvider.DEFAULT_TOKEN_PATH);
      assertThat(origin.tokenRequestCount()).isEqualTo(1);
    }
  }
}
