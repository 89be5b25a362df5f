package io.github.poaauth.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal token endpoint on the JDK's HTTP server, bound to loopback: every POST to the token
 * path is answered, after a fixed added latency, with a new Bearer token of a fixed lifetime.
 * Credentials are not checked: the benchmarks measure the client, not the endpoint.
 *
 * <p>It stands in for {@code poa-auth-sandbox} until that module is on the benchmarks' branch;
 * both count token requests on arrival, which is all the harness reads.
 *
 * <p>Thread-safe.
 */
final class LoopbackTokenServer implements TokenServer {
  static final String TOKEN_PATH = "/v2/auth/cybrillarta/token";
  /**
   * Token values are JWT-sized, as POA's Keycloak tokens are: what is done with the value per
   * request (Feign scans a header value for template expressions) grows with its length.
   */
  static final int TOKEN_LENGTH = 1024;
  private static final String FILLER = filler(TOKEN_LENGTH);

  private final HttpServer server;
  private final ExecutorService pool;
  private final long lifetimeSeconds;
  private final long latencyMillis;
  /** Token requests seen; also numbers the tokens, so every token value is distinct. */
  private final AtomicInteger requests = new AtomicInteger();
  /** Requests not yet answered: the harness waits for zero before it reads the count. */
  private final AtomicInteger inFlight = new AtomicInteger();

  private LoopbackTokenServer(Duration lifetime, Duration latency) throws IOException {
    if (lifetime.getNano() != 0 || lifetime.getSeconds() < 1) {
      throw new IllegalArgumentException(
          "lifetime must be whole seconds, at least 1 (expires_in is an integer) but was " + lifetime);
    }
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative but was " + latency);
    }
    this.lifetimeSeconds = lifetime.getSeconds();
    this.latencyMillis = latency.toMillis();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "loopback-token-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext(TOKEN_PATH, this::answer);
    server.start();
  }

  /**
   * @param lifetime the {@code expires_in} of every token, whole seconds
   * @param latency added before every answer
   */
  static LoopbackTokenServer start(Duration lifetime, Duration latency) {
    try {
      return new LoopbackTokenServer(lifetime, latency);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a loopback token server", e);
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    int n = requests.incrementAndGet();
    inFlight.incrementAndGet();
    try {
      exchange.getRequestBody().readAllBytes();
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      if (latencyMillis > 0) {
        try {
          Thread.sleep(latencyMillis);
        } catch (InterruptedException e) {
          // The server is stopping: drop the answer.
          Thread.currentThread().interrupt();
          return;
        }
      }
      String token = n + "." + FILLER;
      token = token.substring(0, TOKEN_LENGTH);
      byte[] body = ("{\"access_token\":\"" + token + "\",\"expires_in\":"
          + lifetimeSeconds + ",\"refresh_expires_in\":0,\"token_type\":\"Bearer\","
          + "\"not-before-policy\":0,\"scope\":\"partner\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
      inFlight.decrementAndGet();
    }
  }

  /** Base64url characters, the same on every run. */
  private static String filler(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    Random random = new Random(42);
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public String clientId() {
    return "bench-partner";
  }

  @Override
  public String clientSecret() {
    return "bench-secret";
  }

  @Override
  public int tokenRequests() {
    return requests.get();
  }

  @Override
  public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (inFlight.get() > 0) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  @Override
  public String toString() {
    return "LoopbackTokenServer{" + baseUrl() + ", expires_in=" + lifetimeSeconds
        + ", latency=" + latencyMillis + "ms}";
  }
}
