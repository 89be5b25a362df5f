package io.github.poaauth.reliability;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token endpoint on loopback built on plain sockets, so that it can misbehave in every way a
 * real network does: reset a connection before or during the body, drip a body byte by byte,
 * never finish, close without a byte, or answer anything a broken gateway might. Each request
 * is recorded; scripted faults are used in order, then the default behaviour answers.
 */
final class FaultServer implements AutoCloseable {

  /** What the server does with one request. */
  @FunctionalInterface
  interface Behaviour {
    void respond(Socket socket, OutputStream out) throws IOException, InterruptedException;
  }

  /** One request as received. */
  record Received(String method, String path, Map<String, String> headers, Map<String, String> form,
      long atNanos) {}

  private final InetAddress address;
  private volatile ServerSocket listener;
  private final int port;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-server");
    t.setDaemon(true);
    return t;
  });
  private final ConcurrentLinkedQueue<Behaviour> script = new ConcurrentLinkedQueue<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final AtomicInteger inProgress = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();
  private volatile Behaviour fallback;
  private volatile int tokenLifetimeSeconds = 1800;

  FaultServer() throws IOException {
    this(InetAddress.getLoopbackAddress());
  }

  FaultServer(InetAddress address) throws IOException {
    this.address = address;
    this.fallback = token();
    this.listener = listen(0);
    this.port = listener.getLocalPort();
  }

  String baseUrl() {
    return "http://" + address.getHostAddress() + ":" + port;
  }

  int port() {
    return port;
  }

  FaultServer then(Behaviour... behaviours) {
    script.addAll(List.of(behaviours));
    return this;
  }

  FaultServer otherwise(Behaviour behaviour) {
    fallback = behaviour;
    return this;
  }

  void tokenLifetime(int seconds) {
    tokenLifetimeSeconds = seconds;
  }

  int requests() {
    return received.size();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  int tokensIssued() {
    return tokensIssued.get();
  }

  /** The most requests that were ever being answered at the same time. */
  int maxConcurrentRequests() {
    return maxConcurrent.get();
  }

  /** Stops listening: new connections are refused until {@link #up()}. */
  synchronized void down() throws IOException {
    listener.close();
  }

  /** Listens again on the same port. */
  synchronized void up() throws IOException {
    if (listener.isClosed()) {
      listener = listen(port);
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    pool.shutdownNow();
  }

  private ServerSocket listen(int onPort) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(address, onPort), 200);
    ServerSocket mine = socket;
    pool.execute(() -> acceptLoop(mine));
    return socket;
  }

  private void acceptLoop(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        pool.execute(() -> serve(connection));
      } catch (IOException closed) {
        return;
      } catch (java.util.concurrent.RejectedExecutionException shutDown) {
        return;
      }
    }
  }

  private void serve(Socket connection) {
    try (Socket socket = connection) {
      socket.setSoTimeout(10_000);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        Received request = readRequest(in);
        if (request == null) {
          return;
        }
        received.add(request);
        int now = inProgress.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
        try {
          Behaviour behaviour = script.poll();
          (behaviour != null ? behaviour : fallback).respond(socket, out);
          out.flush();
        } finally {
          inProgress.decrementAndGet();
        }
        if (socket.isClosed() || socket.isOutputShutdown()) {
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client went away or the behaviour broke the connection on purpose
    }
  }

  private static Received readRequest(InputStream in) throws IOException {
    String requestLine = readLine(in);
    if (requestLine == null || requestLine.isEmpty()) {
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    String[] parts = requestLine.split(" ");
    return new Received(parts[0], parts.length > 1 ? parts[1] : "", headers,
        decodeForm(new String(body, StandardCharsets.UTF_8)), System.nanoTime());
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  private static Map<String, String> decodeForm(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (!body.isEmpty()) {
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  // ---- behaviours -------------------------------------------------------------------------

  /** A valid token, unique per request ("tok-N"), with the configured lifetime. */
  Behaviour token() {
    return (socket, out) -> {
      int n = tokensIssued.incrementAndGet();
      respond(200, "application/json", "{\"access_token\":\"tok-" + n + "-" + Long.toHexString(System.nanoTime())
          + "\",\"expires_in\":" + tokenLifetimeSeconds + ",\"refresh_expires_in\":0,"
          + "\"token_type\":\"Bearer\",\"not-before-policy\":0,\"scope\":\"partner\"}").respond(socket, out);
    };
  }

  static Behaviour respond(int status, String contentType, String body, String... headerPairs) {
    return (socket, out) -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      out.write(head(status, contentType, bytes.length, headerPairs));
      out.write(bytes);
    };
  }

  static Behaviour json(int status, String body, String... headerPairs) {
    return respond(status, "application/json", body, headerPairs);
  }

  /** A TCP reset as soon as the request is read. */
  static Behaviour resetBeforeResponse() {
    return (socket, out) -> reset(socket);
  }

  /** Status line, headers and half of a token body, then a TCP reset. */
  static Behaviour resetDuringBody() {
    return (socket, out) -> {
      byte[] body = "{\"access_token\":\"abc\",\"expires_in\":1800,\"token_type\":\"Bearer\"}"
          .getBytes(StandardCharsets.UTF_8);
      out.write(head(200, "application/json", body.length));
      out.write(body, 0, body.length / 2);
      out.flush();
      Thread.sleep(50);
      reset(socket);
    };
  }

  /** The connection is closed cleanly without a single byte of response. */
  static Behaviour closeWithoutResponse() {
    return (socket, out) -> socket.close();
  }

  /** Headers are sent, the body never comes (the connection stays open). */
  static Behaviour neverFinish() {
    return (socket, out) -> {
      out.write(head(200, "application/json", 100));
      out.write("{\"access_token\":".getBytes(StandardCharsets.UTF_8));
      out.flush();
      Thread.sleep(8_000);
      socket.close();
    };
  }

  /** A valid body, one byte every {@code gap}. */
  static Behaviour slowDrip(Duration gap) {
    return (socket, out) -> {
      byte[] body = "{\"access_token\":\"abc\",\"expires_in\":1800,\"token_type\":\"Bearer\"}"
          .getBytes(StandardCharsets.UTF_8);
      out.write(head(200, "application/json", body.length));
      out.flush();
      for (byte b : body) {
        out.write(b);
        out.flush();
        Thread.sleep(gap.toMillis());
      }
    };
  }

  static Behaviour delayed(Duration delay, Behaviour then) {
    return (socket, out) -> {
      Thread.sleep(delay.toMillis());
      then.respond(socket, out);
    };
  }

  private static void reset(Socket socket) throws SocketException, IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  private static byte[] head(int status, String contentType, int length, String... headerPairs) {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    if (contentType != null) {
      sb.append("Content-Type: ").append(contentType).append("\r\n");
    }
    sb.append("Content-Length: ").append(length).append("\r\n");
    sb.append("Cache-Control: no-store\r\n");
    for (int i = 0; i < headerPairs.length; i += 2) {
      sb.append(headerPairs[i]).append(": ").append(headerPairs[i + 1]).append("\r\n");
    }
    return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 302 -> "Found";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Status";
    };
  }
}
