package io.github.poaauth.client;

import feign.Client;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Feign transport on {@link java.net.http.HttpClient} with one deadline for the whole exchange,
 * connect to last body byte.
 *
 * <p>Why not feign-java11's {@code Http2Client}: it hands Feign the body as a stream, and on
 * JDK 17 a read blocked on that stream ignores interrupts, so a body that drips or never ends
 * holds the refresh thread far past any timeout. Here the body is collected by the HTTP
 * client's own non-blocking machinery, capped in size, and the caller waits for it with a
 * deadline; a late exchange is cancelled. Redirects are never followed (the client is built
 * with {@code Redirect.NEVER}), and a POST is never silently re-sent, unlike
 * {@code HttpURLConnection}.
 */
final class JdkHttpTransport implements Client {
  /** Headers java.net.http sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED =
      Set.of("content-length", "host", "connection", "expect", "upgrade");

  /** A body larger than the cap: not a token answer, and not worth another attempt. */
  static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(int max) {
      super("response body is larger than " + max + " bytes");
    }
  }

  private final HttpClient http;
  private final int maxBodyBytes;

  JdkHttpTransport(HttpClient http, int maxBodyBytes) {
    this.http = http;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Sends the request; the exchange ends at the options' connect plus read timeout. (The TCP
   * connect itself is bounded by the client's connect timeout, the same setting: java.net.http
   * sets it per client, not per request.)
   */
  @Override
  public Response execute(Request request, Request.Options options) throws IOException {
    Duration timeout = Duration.ofMillis(options.connectTimeoutMillis())
        .plusMillis(options.readTimeoutMillis());
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(request.url()))
        .timeout(timeout);
    for (Map.Entry<String, Collection<String>> header : request.headers().entrySet()) {
      if (!RESTRICTED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        header.getValue().forEach(value -> builder.header(header.getKey(), value));
      }
    }
    byte[] body = request.body();
    builder.method(request.httpMethod().name(), body == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));

    CompletableFuture<HttpResponse<byte[]>> exchange =
        http.sendAsync(builder.build(), info -> new CappedBody(maxBodyBytes));
    HttpResponse<byte[]> response;
    try {
      response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new HttpTimeoutException("no complete answer within " + timeout);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the token endpoint");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      throw new IOException(cause);
    }
    return Response.builder()
        .status(response.statusCode())
        .reason("")
        .headers(headers(response.headers()))
        .body(response.body())
        .request(request)
        .build();
  }

  private static Map<String, Collection<String>> headers(HttpHeaders headers) {
    Map<String, Collection<String>> out = new LinkedHashMap<>();
    headers.map().forEach((name, values) -> out.put(name, new ArrayList<>(values)));
    return out;
  }

  /** Collects a body of at most {@code max} bytes; a larger one fails the exchange. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final List<ByteBuffer> parts = new ArrayList<>();
    private Flow.Subscription subscription;
    private int size;

    CappedBody(int max) {
      this.max = max;
    }

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
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        size += item.remaining();
        parts.add(item);
      }
      if (size > max) {
        subscription.cancel();
        result.completeExceptionally(new BodyTooLargeException(max));
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      byte[] bytes = new byte[size];
      int at = 0;
      for (ByteBuffer part : parts) {
        int n = part.remaining();
        part.get(bytes, at, n);
        at += n;
      }
      result.complete(bytes);
    }
  }
}
