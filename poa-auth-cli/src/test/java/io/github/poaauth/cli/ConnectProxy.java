package io.github.poaauth.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A forward proxy on loopback that knows only {@code CONNECT host:port}: it opens the tunnel to
 * that port on loopback, whatever the host (so a test can use a name nothing resolves), and
 * records each request line. Built {@link #silent}, it accepts connections and never answers.
 */
final class ConnectProxy implements AutoCloseable {

  private final ServerSocket server;
  private final boolean silent;
  final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  /** Counted down at each connection accepted. */
  final CountDownLatch accepted = new CountDownLatch(1);

  private ConnectProxy(boolean silent) throws IOException {
    this.silent = silent;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "connect-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static ConnectProxy tunnelling() throws IOException {
    return new ConnectProxy(false);
  }

  /** A proxy that takes the connection and then says nothing. */
  static ConnectProxy silent() throws IOException {
    return new ConnectProxy(true);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        accepted.countDown();
        if (silent) {
          continue;
        }
        Thread connection = new Thread(() -> serve(client), "connect-proxy-connection");
        connection.setDaemon(true);
        connection.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      InputStream in = client.getInputStream();
      String head = readHead(in);
      String requestLine = head.substring(0, head.indexOf("\r\n"));
      requests.add(requestLine);
      String[] parts = requestLine.split(" ");
      if (parts.length != 3 || !parts[0].equals("CONNECT")) {
        client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
        client.close();
        return;
      }
      int port = Integer.parseInt(parts[1].substring(parts[1].lastIndexOf(':') + 1));
      Socket target = new Socket(InetAddress.getLoopbackAddress(), port);
      open.add(target);
      client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      client.getOutputStream().flush();
      TlsFront.Pipes.both(client, target);
    } catch (IOException | RuntimeException e) {
      TlsFront.Pipes.closeQuietly(client);
    }
  }

  /** The request head, read byte by byte so that nothing of the tunnel is consumed. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      String text = head.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r\n\r\n")) {
        return text;
      }
    }
    throw new IOException("end of stream in the request head");
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(TlsFront.Pipes::closeQuietly);
  }
}
