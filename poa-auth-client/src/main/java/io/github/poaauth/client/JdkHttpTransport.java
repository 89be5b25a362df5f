package io.github.poaauth.client;

import feign.Client;
import feign.Request;
import feign.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feign transport on {@link HttpClient}, with one deadline for the whole exchange: the options'
 * connect plus read timeout. Not feign-java11's client, whose body stream ignores interrupts on
 * JDK 17 (an endless body would hold the refresh thread): here the HTTP client collects the body,
 * at most 64 KiB, and a late or interrupted exchange is cancelled.
 *
 * <p>Shared JVM-wide, so that N providers cost O(1) threads: an HTTP client per connect timeout
 * (one of its own, closed with it, for a provider with a proxy or {@link SSLContext}), and two
 * pools of at most 4 daemon threads, idle ones ending after 30 s; two, as a refresh thread waits
 * on an exchange that needs an HTTP thread. Redirects are never followed; HTTP/1.1 only.
 *
 * <p>Each exchange is one DEBUG line on logger {@code io.github.poaauth.client.http}: method, URL
 * (validated to hold no credentials), header names, then status, body size and time, or the
 * exception's type. Never a header value or a body: either may hold the secret or the token.
 */
final class JdkHttpTransport implements Client, AutoCloseable {
  /** Runs background refreshes when the builder was given no executor. */
  static final ExecutorService REFRESH = pool("poa-auth-refresh");
  private static final ExecutorService HTTP = pool("poa-auth-http");
  private static final Map<Duration, HttpClient> SHARED = new ConcurrentHashMap<>();
  private static final Logger LOG = LoggerFactory.getLogger("io.github.poaauth.client.http");
  /** Headers java.net.http sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED =
      Set.of("content-length", "host", "connection", "expect", "upgrade");
  /** Token and error bodies are a few hundred bytes: a body this large is not one. */
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final HttpClient http;
  private final boolean owned;

  private JdkHttpTransport(HttpClient http, boolean owned) {
    this.http = http;
    this.owned = owned;
  }

  static JdkHttpTransport forSettings(Settings s) {
    if (s.proxy() == null && s.sslContext() == null) {
      return new JdkHttpTransport(
          SHARED.computeIfAbsent(s.connectTimeout(), t -> build(t, null, null)), false);
    }
    return new JdkHttpTransport(build(s.connectTimeout(), s.proxy(), s.sslContext()), true);
  }

  @Override
  public Response execute(Request request, Request.Options options) throws IOException {
    Duration timeout = Duration.ofMillis(options.connectTimeoutMillis())
        .plusMillis(options.readTimeoutMillis());
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(request.url()))
        .timeout(timeout);
    request.headers().forEach((name, values) -> {
      if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(value -> builder.header(name, value));
      }
    });
    byte[] body = request.body();
    builder.method(request.httpMethod().name(), body == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    long started = System.nanoTime();
    HttpResponse<byte[]> response;
    try {
      response = await(http.sendAsync(builder.build(), info -> new CappedBody()), timeout);
    } catch (IOException | InvalidTokenResponseException e) {
      log(request, started, e.getClass().getSimpleName());
      throw e;
    }
    if (LOG.isDebugEnabled()) {
      log(request, started, "HTTP " + response.statusCode() + ", " + response.body().length
          + "-byte body");
    }
    return Response.builder()
        .status(response.statusCode())
        .reason("")
        .headers(new LinkedHashMap<String, Collection<String>>(response.headers().map()))
        .body(response.body())
        .request(request)
        .build();
  }

  /** The exchange's response; its failure as an I/O exception, or the body cap's. */
  private static HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> exchange,
      Duration timeout) throws IOException {
    try {
      return exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new HttpTimeoutException("no complete answer within " + timeout);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the token endpoint");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InvalidTokenResponseException tooLarge) {
        throw tooLarge;
      }
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /** The exchange's one DEBUG line: what was sent, and its outcome. */
  private static void log(Request request, long started, String outcome) {
    LOG.debug("{} {} {} -> {} ({} ms)", request.httpMethod(), request.url(),
        request.headers().keySet(), outcome, (System.nanoTime() - started) / 1_000_000);
  }

  /** Collects a body of at most {@link #MAX_BODY_BYTES}; a larger one fails the exchange. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        bytes.writeBytes(chunk);
      }
      if (bytes.size() > MAX_BODY_BYTES && !result.isDone()) {
        subscription.cancel();
        result.completeExceptionally(
            Failures.invalidResponse("is larger than " + MAX_BODY_BYTES / 1024 + " KiB"));
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }

  /** Closes an HTTP client of this provider's own (AutoCloseable from JDK 21 on). */
  @Override
  public void close() {
    if (owned && http instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // Closing only ends its threads: nothing is lost.
      }
    }
  }

  private static HttpClient build(Duration connectTimeout, ProxySelector proxy, SSLContext ssl) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .executor(HTTP);
    if (proxy != null) {
      b.proxy(proxy);
    }
    if (ssl != null) {
      b.sslContext(ssl);
    }
    return b.build();
  }

  private static ExecutorService pool(String name) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), runnable -> {
          Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
