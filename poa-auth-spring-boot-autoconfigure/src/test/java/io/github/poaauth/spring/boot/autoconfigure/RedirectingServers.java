package io.github.poaauth.spring.boot.autoconfigure;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Two loopback servers: one that answers every request with a redirect to the other, and the
 * other, which records the {@code Authorization} header of every request it gets.
 */
final class RedirectingServers implements AutoCloseable {
  private final HttpServer redirector;
  private final HttpServer target;
  private final List<Optional<String>> arrivedAtTarget = new CopyOnWriteArrayList<>();
  private final URI targetUri;

  /**
   * @param status the redirect status (301, 302, 303, 307, 308)
   * @param targetHost the name the redirect gives the other server: {@code localhost} for
   *     another host, {@code 127.0.0.1} for the same host on another port
   */
  RedirectingServers(int status, String targetHost) {
    try {
      InetAddress loopback = InetAddress.getLoopbackAddress();
      target = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
      target.createContext("/", exchange -> {
        arrivedAtTarget.add(Optional.ofNullable(
            exchange.getRequestHeaders().getFirst("Authorization")));
        byte[] body = "{\"redirected\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      targetUri = URI.create("http://" + targetHost + ":" + target.getAddress().getPort()
          + "/elsewhere");
      redirector = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
      redirector.createContext("/", exchange -> {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Location", targetUri.toString());
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
      });
      target.start();
      redirector.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The redirecting API, as {@code http://127.0.0.1:port/api/orders}. */
  URI api() {
    return api("127.0.0.1");
  }

  /** The redirecting API under another name, as {@code http://localhost:port/api/orders}. */
  URI api(String host) {
    return URI.create("http://" + host + ":" + redirector.getAddress().getPort() + "/api/orders");
  }

  /** Forgets what reached the other server. */
  void clear() {
    arrivedAtTarget.clear();
  }

  /** The allowed host of {@link #api()}, with its port: the other server's port is not. */
  String apiHost() {
    return "127.0.0.1:" + redirector.getAddress().getPort();
  }

  URI target() {
    return targetUri;
  }

  /** The Authorization header of each request that reached the other server. */
  List<Optional<String>> arrivedAtTarget() {
    return List.copyOf(arrivedAtTarget);
  }

  @Override
  public void close() {
    redirector.stop(0);
    target.stop(0);
  }
}
