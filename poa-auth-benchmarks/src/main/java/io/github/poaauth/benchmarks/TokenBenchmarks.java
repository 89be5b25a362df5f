package io.github.poaauth.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaApiAuthorization;
import io.github.poaauth.client.PoaTokenProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path: what one {@code token()} costs on a warm provider, against the two floors any
 * cache is bound by and the naive {@code synchronized} cache; and what
 * {@link PoaApiAuthorization}'s Feign capability adds to a request, against the bare client and
 * against a real request on loopback. Run with {@code -t 1} and {@code -t 2}, and
 * {@code -prof gc} for bytes allocated per call.
 *
 * <pre>{@code
 * java -jar poa-auth-benchmarks/target/benchmarks.jar -t 2 -prof gc TokenBenchmarks
 * }</pre>
 *
 * <p>The provider is warmed against a local token server with POA's 1800 s lifetime and
 * JWT-shaped tokens, so no refresh falls into a run: every call is the fresh-token path. The
 * caches of the floors and the baseline hold the same token and use the same
 * {@code Clock.systemUTC()}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class TokenBenchmarks {
  /** POA's production {@code expires_in}. */
  static final Duration POA_LIFETIME = Duration.ofSeconds(1800);
  static final String API_HOST = "api.example";
  private static final String API_PATH = "/v1/partners/me/folios";
  private static final byte[] API_BODY = "{\"folios\":[]}".getBytes(
      java.nio.charset.StandardCharsets.UTF_8);

  private TokenServer server;
  private HttpServer api;
  private PoaTokenProvider provider;
  private PoaApiAuthorization authorization;
  private VolatileCache volatileCache;
  private VolatileClockCache volatileClockCache;
  private SynchronizedCache synchronizedCache;
  private String fixedHeader;
  private feign.Client bareClient;
  private feign.Client capabilityClient;
  private feign.Request apiRequest;
  private String apiUrl;
  private feign.Client loopbackBare;
  private feign.Client loopbackCapability;
  private feign.Request loopbackRequest;
  private final feign.Request.Options options = new feign.Request.Options();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    // Before any HttpServer exists (it reads this once): without TCP_NODELAY, the JDK server's
    // separate writes of head and body meet the client's delayed ACK, 40 ms a request.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = TokenServer.start(POA_LIFETIME, Duration.ZERO);
    provider = PoaTokenProvider.builder()
        .baseUrl(server.baseUrl())
        .clientId(server.clientId())
        .clientSecret(server.clientSecret())
        .build();
    AccessToken warm = provider.token();
    authorization = PoaApiAuthorization.forHosts(provider, API_HOST, "127.0.0.1");
    volatileCache = new VolatileCache(warm);
    volatileClockCache = new VolatileClockCache(Clock.systemUTC(), () -> warm);
    synchronizedCache = new SynchronizedCache(Clock.systemUTC(), () -> warm);
    fixedHeader = warm.authorizationHeader();
    apiUrl = "https://" + API_HOST + API_PATH;
    apiRequest = get(apiUrl);
    feign.Response ok = feign.Response.builder().status(200).reason("OK").request(apiRequest)
        .headers(Map.of()).body(new byte[0]).build();
    bareClient = (request, opts) -> ok;
    capabilityClient = authorization.feignCapability().enrich(bareClient);

    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, API_BODY.length);
      exchange.getResponseBody().write(API_BODY);
      exchange.close();
    });
    api.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
    api.start();
    loopbackRequest = get("http://127.0.0.1:" + api.getAddress().getPort() + API_PATH);
    loopbackBare = new feign.Client.Default(null, null);
    loopbackCapability = authorization.feignCapability().enrich(loopbackBare);
  }

  private static feign.Request get(String url) {
    return feign.Request.create(feign.Request.HttpMethod.GET, url,
        Map.of("Accept", List.of("application/json")), null,
        java.nio.charset.StandardCharsets.UTF_8, null);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    provider.close();
    server.close();
    api.stop(0);
    ((java.util.concurrent.ExecutorService) api.getExecutor()).shutdownNow();
  }

  /** {@code PoaTokenProvider.token()} with a fresh token cached. */
  @Benchmark
  public AccessToken token() {
    return provider.token();
  }

  /** Floor 1: a volatile read of the cached object. */
  @Benchmark
  public AccessToken floorVolatileRead() {
    return volatileCache.get();
  }

  /** Floor 2: a volatile read plus one {@code Clock.systemUTC().millis()} comparison. */
  @Benchmark
  public AccessToken floorVolatileReadPlusClock() {
    return volatileClockCache.get();
  }

  /** Baseline: a {@code synchronized} check-expiry-and-return cache. */
  @Benchmark
  public AccessToken synchronizedCache() {
    return synchronizedCache.get();
  }

  /**
   * The host rule alone, uncached: parse the URL's origin and judge it. What a cache of the
   * last origin judged could save a request at most.
   */
  @Benchmark
  public boolean hostRule() {
    return authorization.mayCarryToken(apiUrl);
  }

  /**
   * The Feign capability's client around a client that answers 200 at once: host rule, token,
   * a copy of the request with the header, options that follow no redirect, the 401 decision.
   */
  @Benchmark
  public feign.Response feignCapabilityClient() throws IOException {
    return capabilityClient.execute(apiRequest, options);
  }

  /**
   * Reference for {@link #feignCapabilityClient}: the same client given a copy of the request
   * with the header set, as any client decorator that adds a header pays.
   */
  @Benchmark
  public feign.Response feignClientHeaderOnly() throws IOException {
    Map<String, java.util.Collection<String>> headers = new java.util.LinkedHashMap<>(
        apiRequest.headers());
    headers.put("Authorization", List.of(fixedHeader));
    return bareClient.execute(feign.Request.create(apiRequest.httpMethod(), apiRequest.url(),
        headers, apiRequest.body(), apiRequest.charset(), null), options);
  }

  /** Reference for {@link #feignCapabilityClient}: the wrapped client alone. */
  @Benchmark
  public feign.Response feignClientBare() throws IOException {
    return bareClient.execute(apiRequest, options);
  }

  /** A real request on loopback with Feign's default client: the scale a saving is judged on. */
  @Benchmark
  public int loopbackRequestBare() throws IOException {
    return readAndClose(loopbackBare.execute(loopbackRequest, options));
  }

  /** {@link #loopbackRequestBare} through the capability: token, host rule and all. */
  @Benchmark
  public int loopbackRequestCapability() throws IOException {
    return readAndClose(loopbackCapability.execute(loopbackRequest, options));
  }

  private static int readAndClose(feign.Response response) throws IOException {
    try (response; InputStream body = response.body().asInputStream()) {
      return body.readAllBytes().length + response.status();
    }
  }
}
