package io.github.poaauth.keycloak.support;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JDK {@link HttpServer} on a free port of 127.0.0.1 with a cached pool of daemon threads, each
 * exchange on its own thread: what {@link TokenPathGateway} and {@link JwksProtectedApi} run on.
 * Created unstarted, so that its owner can prepare before {@link #start} and use
 * {@link #executor()} meanwhile.
 */
final class LoopbackServer implements AutoCloseable {

  static final String LOOPBACK = "127.0.0.1";

  private final HttpServer server;
  private final ExecutorService executor;

  private LoopbackServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** @param threadName the name of the server's threads */
  static LoopbackServer create(String threadName) throws IOException {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0), 0);
    ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    return new LoopbackServer(server, executor);
  }

  /** Serves every path with {@code handler}, from now on. */
  void start(HttpHandler handler) {
    server.createContext("/", handler);
    server.start();
  }

  ExecutorService executor() {
    return executor;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** @return {@code 127.0.0.1:<port>} */
  String hostAndPort() {
    return LOOPBACK + ':' + port();
  }

  /** Stops at once (exchanges in progress are cut) and ends the threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
