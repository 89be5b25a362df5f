package io.github.poaauth.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 token request on a raw socket, read byte by byte: shows exactly how the sandbox
 * delivered (or broke) its answer, which an HTTP client library would hide behind one exception.
 */
final class RawHttp implements AutoCloseable {

  /** What arrived: the head (up to the blank line), the body bytes, and how reading ended. */
  record Received(String head, byte[] body, int contentLength, IOException failure, boolean endOfStream) {

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;

  private RawHttp(Socket socket) {
    this.socket = socket;
  }

  /** Connects and sends a token request with the default client's credentials. */
  static RawHttp postToken(PoaSandbox sandbox, Duration readTimeout) throws IOException {
    URI uri = sandbox.tokenEndpoint();
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort());
    socket.setSoTimeout((int) readTimeout.toMillis());
    byte[] body = Wire.validForm(sandbox).getBytes(StandardCharsets.UTF_8);
    String head = "POST " + PoaSandbox.TOKEN_PATH + " HTTP/1.1\r\n"
        + "Host: " + uri.getHost() + ':' + uri.getPort() + "\r\n"
        + "Content-Type: " + Wire.FORM + "\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n\r\n";
    socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().write(body);
    socket.getOutputStream().flush();
    return new RawHttp(socket);
  }

  /**
   * Reads until the body is complete, the stream ends, or a read fails (reset, timeout); never
   * throws for those, it reports them.
   */
  Received read() throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int contentLength = -1;
    try {
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b == -1) {
          return new Received(head.toString(StandardCharsets.ISO_8859_1), body.toByteArray(), -1, null, true);
        }
        head.write(b);
      }
      contentLength = contentLength(head.toString(StandardCharsets.ISO_8859_1));
      while (body.size() < contentLength) {
        int b = in.read();
        if (b == -1) {
          return new Received(head.toString(StandardCharsets.ISO_8859_1), body.toByteArray(), contentLength, null, true);
        }
        body.write(b);
      }
      return new Received(head.toString(StandardCharsets.ISO_8859_1), body.toByteArray(), contentLength, null, false);
    } catch (IOException e) {
      return new Received(head.toString(StandardCharsets.ISO_8859_1), body.toByteArray(), contentLength, e, false);
    }
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
