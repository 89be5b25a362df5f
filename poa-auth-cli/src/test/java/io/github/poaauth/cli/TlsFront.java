package io.github.poaauth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS server on loopback: it ends TLS with the given context and passes the bytes on to a
 * plain HTTP server (the sandbox) on loopback, as a load balancer in front of POA would.
 */
final class TlsFront implements AutoCloseable {

  private final ServerSocket server;
  private final int backendPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  TlsFront(SSLContext context, int backendPort) throws IOException {
    this.backendPort = backendPort;
    this.server = context.getServerSocketFactory().createServerSocket(0, 50,
        InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "tls-front-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread connection = new Thread(() -> serve((SSLSocket) client), "tls-front-connection");
        connection.setDaemon(true);
        connection.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SSLSocket client) {
    try {
      client.startHandshake();
      Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
      open.add(backend);
      Pipes.both(client, backend);
    } catch (IOException e) {
      // the client gave up the handshake (the doctor's TLS step does, after looking)
      Pipes.closeQuietly(client);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(Pipes::closeQuietly);
  }

  /** Copies bytes both ways between two sockets until either side ends. */
  static final class Pipes {
    private Pipes() {}

    static void both(Socket a, Socket b) {
      Thread there = new Thread(() -> copy(a, b), "pipe");
      there.setDaemon(true);
      there.start();
      copy(b, a);
    }

    private static void copy(Socket from, Socket to) {
      byte[] buffer = new byte[8192];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) != -1) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side ended
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }

    static void closeQuietly(Socket socket) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing
      }
    }
  }
}
