package io.github.poaauth.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP token endpoint on loopback whose answers a test scripts one by one, recording
 * every request it saw. Replies queued with {@link #enqueue} are used in order; after that the
 * default reply answers.
 */
final class ScriptedTokenServer implements AutoCloseable {
  static final String TOKEN_PATH = "/v2/auth/cybrillarta/token";

  /** One scripted answer. */
  interface Reply {
    void send(HttpExchange exchange) throws IOException;
  }

  /** What the server saw of one request. */
  record Recorded(String method, String path, Map<String, List<String>> headers,
      Map<String, String> form, long receivedNanos) {}

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "scripted-token-server");
    t.setDaemon(true);
    return t;
  });
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
  private final Semaphore requestsSeen = new Semaphore(0);
  private volatile Reply fallback;
  private final AtomicInteger tokenCounter = new AtomicInteger();

  ScriptedTokenServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    fallback = token(1800);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      recorded.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), decodeForm(body), System.nanoTime()));
      requestsSeen.release();
      Reply reply = script.poll();
      try {
        (reply != null ? reply : fallback).send(exchange);
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  ScriptedTokenServer enqueue(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  ScriptedTokenServer otherwise(Reply reply) {
    fallback = reply;
    return this;
  }

  int requestCount() {
    return recorded.size();
  }

  List<Recorded> requests() {
    return new ArrayList<>(recorded);
  }

  /** Waits until the server has seen {@code n} more requests than were awaited so far. */
  boolean awaitRequests(int n, Duration timeout) throws InterruptedException {
    return requestsSeen.tryAcquire(n, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  // ---- replies ---------------------------------------------------------------------------

  /** A valid token with a unique value ("token-1", "token-2", ...). */
  Reply token(int expiresIn) {
    return exchange -> json(200, "{\"access_token\":\"token-" + tokenCounter.incrementAndGet()
        + "\",\"expires_in\":" + expiresIn + ",\"refresh_expires_in\":0,\"token_type\":\"Bearer\","
        + "\"not-before-policy\":0,\"scope\":\"partner\"}").send(exchange);
  }

  static Reply json(int status, String body, String... headerPairs) {
    return raw(status, "application/json", body, headerPairs);
  }

  static Reply raw(int status, String contentType, String body, String... headerPairs) {
    return exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      if (contentType != null) {
        exchange.getResponseHeaders().add("Content-Type", contentType);
      }
      for (int i = 0; i < headerPairs.length; i += 2) {
        exchange.getResponseHeaders().add(headerPairs[i], headerPairs[i + 1]);
      }
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    };
  }

  static Reply oauthError(int status, String error) {
    return json(status, "{\"error\":\"" + error
        + "\",\"error_description\":\"Invalid client or Invalid client credentials\"}");
  }

  /** Holds the reply until {@code release} is counted down (bounded, so no test hangs). */
  static Reply heldUntil(CountDownLatch release, Reply then) {
    return exchange -> {
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      then.send(exchange);
    };
  }

  static Reply delayed(Duration delay, Reply then) {
    return exchange -> {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      then.send(exchange);
    };
  }

  /** Closes the connection without any response. */
  static Reply dropConnection() {
    return exchange -> {
      exchange.getResponseBody().close();
      exchange.close();
    };
  }

  private static Map<String, String> decodeForm(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      form.put(URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return form;
  }
}
