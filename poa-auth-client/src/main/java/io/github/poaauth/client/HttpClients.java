package io.github.poaauth.client;

import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * What every provider in a JVM shares, so that N providers cost O(1) threads: one HTTP client
 * per connect timeout (a provider with its own proxy or {@link SSLContext} gets its own), and two
 * pools of at most 4 daemon threads each, idle threads ending after 30 s. Two pools, never one:
 * a refresh thread blocks on the HTTP exchange, which needs an HTTP thread to complete.
 * Redirects are never followed; HTTP/1.1 only.
 */
final class HttpClients {
  /** Runs background refreshes when the builder was given no executor. */
  static final ExecutorService REFRESH = pool("poa-auth-refresh");
  private static final ExecutorService HTTP = pool("poa-auth-http");
  private static final Map<Duration, HttpClient> SHARED = new ConcurrentHashMap<>();

  private HttpClients() {
  }

  /** A client, and whether the provider owns it (and so closes it). */
  record Lease(HttpClient client, boolean owned) {
    void release() {
      // HttpClient is AutoCloseable from JDK 21 on; closing only ends its threads.
      if (owned && client instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // Nothing is lost.
        }
      }
    }
  }

  static Lease forSettings(Settings s) {
    if (s.proxy() == null && s.sslContext() == null) {
      return new Lease(SHARED.computeIfAbsent(s.connectTimeout(), t -> build(t, null, null)),
          false);
    }
    return new Lease(build(s.connectTimeout(), s.proxy(), s.sslContext()), true);
  }

  private static HttpClient build(Duration connectTimeout, ProxySelector proxy, SSLContext ssl) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .executor(HTTP);
    ProxySelector selector = proxy != null ? proxy : ProxySelector.getDefault();
    if (selector != null) {
      b.proxy(selector);
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
