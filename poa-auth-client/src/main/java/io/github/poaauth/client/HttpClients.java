package io.github.poaauth.client;

import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * The {@link HttpClient} of a provider's token request: shared by every provider with the JVM's
 * default proxy and TLS settings and the same connect timeout (one selector thread for all of
 * them), or the provider's own when it has its own proxy or {@link SSLContext}. Redirects are
 * never followed; HTTP/1.1 only.
 *
 */
final class HttpClients {
  private static final Map<Duration, HttpClient> SHARED = new ConcurrentHashMap<>();

  /** A client and whether the provider owns it (and so closes it). */
  record Lease(HttpClient client, boolean owned) {
    /** Ends the client's threads where the JDK can (JDK 21 made HttpClient AutoCloseable). */
    void release() {
      if (owned && client instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // Closing only ends threads; nothing is lost if it fails.
        }
      }
    }
  }

  private HttpClients() {
  }

  static Lease forSettings(Settings s) {
    if (s.proxy() == null && s.sslContext() == null) {
      return new Lease(SHARED.computeIfAbsent(s.connectTimeout(),
          timeout -> build(timeout, ProxySelector.getDefault(), null)), false);
    }
    ProxySelector proxy = s.proxy() != null ? s.proxy() : ProxySelector.getDefault();
    return new Lease(build(s.connectTimeout(), proxy, s.sslContext()), true);
  }

  private static HttpClient build(Duration connectTimeout, ProxySelector proxy, SSLContext ssl) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .executor(SharedThreads.http());
    if (proxy != null) {
      b.proxy(proxy);
    }
    if (ssl != null) {
      b.sslContext(ssl);
    }
    return b.build();
  }
}
