package io.github.poaauth.sandbox;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server on plain sockets, bound to loopback: persistent connections,
 * {@code Content-Length} and chunked request bodies, {@code Expect: 100-continue}. It exists
 * instead of the JDK's {@code com.sun.net.httpserver} because faults need the socket itself: a
 * TCP reset in the middle of a body, a body that never ends, a body dripped byte by byte.
 *
 * <p>Each connection is served by one thread of a cached daemon pool; the handler gets the
 * parsed request and an {@link Exchange} that writes the answer or breaks the connection.
 *
 * <p>Thread-safe. {@link #refuseConnections()} closes the listening socket (connects are
 * refused) and the open connections, and {@link #acceptConnections()} listens again on the same
 * port.
 */
final class LoopbackHttpServer implements AutoCloseable {

  /** Longest request head (request line and headers) accepted, as a guard against garbage. */
  private static final int MAX_HEAD_BYTES = 64 * 1024;
  /** Longest request body accepted: a token request is a few hundred bytes. */
  private static final int MAX_BODY_BYTES = 1024 * 1024;
  /** An idle persistent connection is closed after this long, as the JDK's server does. */
  private static final int IDLE_TIMEOUT_MILLIS = 30_000;

  /** Answers one request. */
  @FunctionalInterface
  interface Handler {
    void handle(Request request, Exchange exchange) throws IOException, InterruptedException;
  }

  /** A request as read from the wire; header names are case-insensitive. */
  record Request(String method, String target, Map<String, List<String>> headers, byte[] body) {

    /** The path of the request target, without the query. */
    String rawPath() {
      int query = target.indexOf('?');
      return query < 0 ? target : target.substring(0, query);
    }

    /** The first value of a header, or null. */
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  private final InetAddress address;
  private final int port;
  /** Set once by {@link #start}, before the first connection is accepted. */
  private volatile Handler handler;
  private final ExecutorService threads;
  /** Open connections, closed by {@link #close()} so that no handler outlives the server. */
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  /** Guarded by this; replaced by {@link #acceptConnections()}. */
  private ServerSocket listener;
  /** The thread accepting on {@link #listener}; guarded by this. */
  private Future<?> acceptLoop = CompletableFuture.completedFuture(null);
  private volatile boolean closed;

  /** Binds the port; connections wait in the backlog until {@link #start}. */
  LoopbackHttpServer(InetAddress address, int port, String threadPrefix) throws IOException {
    this.address = address;
    AtomicInteger count = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(task -> {
      // Daemon: a sandbox a test forgot to close must not keep the JVM alive.
      Thread thread = new Thread(task, threadPrefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.listener = bind(port);
    this.port = listener.getLocalPort();
  }

  /** Starts accepting connections; each request goes to the handler. */
  synchronized void start(Handler requestHandler) {
    this.handler = requestHandler;
    ServerSocket socket = listener;
    acceptLoop = threads.submit(() -> acceptLoop(socket));
  }

  int port() {
    return port;
  }

  /**
   * Closes the listening socket and every open connection, as a server that went down: new
   * connections are refused, pooled ones fail at their next use. Returns
   * once the socket is really closed: the JDK defers that until the thread blocked in
   * {@code accept()} has left it, and until then the kernel would still complete connects.
   */
  synchronized void refuseConnections() {
    closeQuietly(listener);
    awaitAcceptLoop();
    connections.forEach(LoopbackHttpServer::closeQuietly);
  }

  /** Listens again, on the same port, after {@link #refuseConnections()}. */
  synchronized void acceptConnections() {
    if (closed || !listener.isClosed()) {
      return;
    }
    try {
      listener = bind(port);
      ServerSocket socket = listener;
      acceptLoop = threads.submit(() -> acceptLoop(socket));
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen again on " + address.getHostAddress() + ':'
          + port + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops at once. The accept loop is awaited before the open connections are closed: a
   * connection it accepted while closing would otherwise stay open with nobody to serve it, and
   * its client would wait for an answer forever.
   */
  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      closeQuietly(listener);
      awaitAcceptLoop();
    }
    threads.shutdownNow();
    connections.forEach(LoopbackHttpServer::closeQuietly);
  }

  /** Waits (bounded) for the accept loop to leave {@code accept()}; caller holds the lock. */
  private void awaitAcceptLoop() {
    try {
      acceptLoop.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the sandbox's listening socket did not close: " + e, e);
    }
  }

  private ServerSocket bind(int onPort) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, onPort), 200);
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
    return socket;
  }

  private void acceptLoop(ServerSocket socket) {
    while (!socket.isClosed()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException closed) {
        return;
      }
      connections.add(connection);
      try {
        threads.execute(() -> serve(connection));
      } catch (RejectedExecutionException closing) {
        // Accepted while the server closes: close it, or its client would wait forever.
        connections.remove(connection);
        closeQuietly(connection);
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        Request request = readRequest(in, out);
        if (request == null) {
          return;
        }
        Exchange exchange = new Exchange(socket, in, out, request);
        handler.handle(request, exchange);
        out.flush();
        if (exchange.connectionEnded || exchange.closeAfter) {
          return;
        }
      }
    } catch (IOException e) {
      // The client went away, or an idle connection timed out: nobody is left to tell.
    } catch (InterruptedException e) {
      // The server is closing while a handler waits: drop the request.
      Thread.currentThread().interrupt();
    } finally {
      connections.remove(socket);
    }
  }

  /** The next request, or null at a clean end of the connection; answers 400 to garbage. */
  private static Request readRequest(InputStream in, OutputStream out) throws IOException {
    String requestLine = readLine(in);
    while (requestLine != null && requestLine.isEmpty()) {
      requestLine = readLine(in); // RFC 9112 2.2: ignore empty lines before a request
    }
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      badRequest(out);
      return null;
    }
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    int headBytes = requestLine.length();
    for (String line = readLine(in); ; line = readLine(in)) {
      if (line == null) {
        return null;
      }
      if (line.isEmpty()) {
        break;
      }
      headBytes += line.length();
      int colon = line.indexOf(':');
      if (colon <= 0 || headBytes > MAX_HEAD_BYTES) {
        badRequest(out);
        return null;
      }
      headers.computeIfAbsent(line.substring(0, colon).trim(), name -> new java.util.ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    headers.replaceAll((name, values) -> List.copyOf(values));
    Request head = new Request(parts[0], parts[1], Collections.unmodifiableMap(headers), new byte[0]);
    if ("100-continue".equalsIgnoreCase(head.header("Expect"))) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    byte[] body;
    String transferEncoding = head.header("Transfer-Encoding");
    if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      body = readChunked(in);
    } else {
      String length = head.header("Content-Length");
      long contentLength;
      try {
        contentLength = length == null ? 0 : Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        contentLength = -1;
      }
      if (contentLength < 0 || contentLength > MAX_BODY_BYTES) {
        badRequest(out);
        return null;
      }
      body = in.readNBytes((int) contentLength);
      if (body.length < contentLength) {
        return null;
      }
    }
    return new Request(head.method(), head.target(), head.headers(), body);
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      if (sizeLine == null) {
        throw new IOException("chunked body ended early");
      }
      int semicolon = sizeLine.indexOf(';');
      int size;
      try {
        size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size", e);
      }
      if (size < 0 || body.size() + (long) size > MAX_BODY_BYTES) {
        throw new IOException("chunked body too large");
      }
      if (size == 0) {
        for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
          // trailers are read and ignored
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine(in);
    }
  }

  /** One line without its CR LF (ISO-8859-1), or null at end of stream before any byte. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      if (line.size() > MAX_HEAD_BYTES) {
        throw new IOException("line too long");
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  private static void badRequest(OutputStream out) throws IOException {
    out.write(("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }

  /**
   * The answer to one request: a whole response ({@link #send}), or a response head and a body
   * written piece by piece, or a broken connection. Not thread-safe: one handler thread uses it.
   */
  static final class Exchange {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final boolean head;
    /** The client asked to close after this answer, or spoke HTTP/1.0. */
    private final boolean closeAfter;
    private boolean connectionEnded;

    private Exchange(Socket socket, InputStream in, OutputStream out, Request request) {
      this.socket = socket;
      this.in = in;
      this.out = out;
      this.head = "HEAD".equals(request.method());
      String connection = request.header("Connection");
      this.closeAfter = connection != null && connection.equalsIgnoreCase("close");
    }

    /** Writes the status line and headers; {@code Content-Length} is added from the length. */
    void sendHead(int status, Map<String, String> headers, int contentLength) throws IOException {
      StringBuilder text = new StringBuilder(256)
          .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
      headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
      text.append("Content-Length: ").append(contentLength).append("\r\n");
      if (closeAfter) {
        text.append("Connection: close\r\n");
      }
      out.write(text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A whole response; no body bytes for {@code HEAD}. */
    void send(int status, Map<String, String> headers, byte[] body) throws IOException {
      sendHead(status, headers, body.length);
      if (!head) {
        out.write(body);
      }
      out.flush();
    }

    /** Part of a body announced by {@link #sendHead}; flushed at once. */
    void sendBodyPart(byte[] body, int offset, int length) throws IOException {
      if (!head) {
        out.write(body, offset, length);
      }
      out.flush();
    }

    boolean isHead() {
      return head;
    }

    /** Closes the connection with a FIN: the client reads the end of the stream. */
    void closeConnection() throws IOException {
      connectionEnded = true;
      out.flush();
      socket.close();
    }

    /** Closes the connection with a TCP RST: the client's next read fails with a reset. */
    void resetConnection() throws IOException {
      connectionEnded = true;
      out.flush();
      socket.setSoLinger(true, 0);
      socket.close();
    }

    /**
     * Writes nothing more and waits until the client hangs up (or the server closes): a body
     * that never ends, seen from the client.
     */
    void stallUntilClientHangsUp() throws IOException {
      out.flush();
      connectionEnded = true;
      while (true) {
        try {
          if (in.read() == -1) {
            return;
          }
        } catch (SocketTimeoutException stillThere) {
          // the client is still waiting: keep it waiting
        }
      }
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 302 -> "Found";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Status " + status;
    };
  }
}
