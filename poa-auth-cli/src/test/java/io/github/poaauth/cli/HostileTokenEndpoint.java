package io.github.poaauth.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A token endpoint on loopback that misbehaves in ways the sandbox, which answers as POA's
 * Keycloak does, never would: it answers every request with one scripted status and JSON body,
 * e.g. an error description that echoes the secret, or a token with control characters. For the
 * CLI's defences only; every well-behaved answer comes from the sandbox.
 */
final class HostileTokenEndpoint implements AutoCloseable {

  private final HttpServer server;
  private volatile int status = 200;
  private volatile String body = "{}";

  HostileTokenEndpoint() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  /** Every request from now on is answered with this status and JSON body. */
  HostileTokenEndpoint answer(int status, String jsonBody) {
    this.status = status;
    this.body = jsonBody;
    return this;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
