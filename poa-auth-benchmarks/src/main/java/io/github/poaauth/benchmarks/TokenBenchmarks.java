package io.github.poaauth.benchmarks;

import feign.RequestTemplate;
import feign.Target;
import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.BearerTokenInterceptor;
import io.github.poaauth.client.PoaTokenProvider;
import java.time.Clock;
import java.time.Duration;
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
 * cache is bound by and the naive {@code synchronized} cache, plus the Feign interceptor that
 * carries the token onto a request. Run with {@code -t 1} and {@code -t 2}, and {@code -prof gc}
 * for bytes allocated per call.
 *
 * <pre>{@code
 * java -jar poa-auth-benchmarks/target/benchmarks.jar -t 2 -prof gc TokenBenchmarks
 * }</pre>
 *
 * <p>The provider is warmed against {@code poa-auth-sandbox} with POA's 1800 s lifetime and
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

  /** Only the type of a Feign target is needed, never an implementation. */
  interface PartnerApi {
  }

  private TokenServer server;
  private PoaTokenProvider provider;
  private BearerTokenInterceptor interceptor;
  private VolatileCache volatileCache;
  private VolatileClockCache volatileClockCache;
  private SynchronizedCache synchronizedCache;
  private String fixedHeader;
  private feign.Client bareClient;
  private feign.Client recoveringClient;
  private feign.Request apiRequest;
  private final feign.Request.Options options = new feign.Request.Options();

  /** A Feign request template per benchmark thread: {@link RequestTemplate} is not thread-safe. */
  @State(Scope.Thread)
  public static class FeignRequest {
    RequestTemplate template;

    @Setup(Level.Trial)
    public void setUp() {
      template = new RequestTemplate()
          .method(feign.Request.HttpMethod.GET)
          .uri("/v1/partners/me/folios")
          .feignTarget(new Target.HardCodedTarget<>(PartnerApi.class, "https://" + API_HOST));
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    server = TokenServer.start(POA_LIFETIME, Duration.ZERO);
    provider = PoaTokenProvider.builder()
        .baseUrl(server.baseUrl())
        .clientId(server.clientId())
        .clientSecret(server.clientSecret())
        .build();
    AccessToken warm = provider.token();
    interceptor = BearerTokenInterceptor.forHosts(provider, API_HOST);
    volatileCache = new VolatileCache(warm);
    volatileClockCache = new VolatileClockCache(Clock.systemUTC(), () -> warm);
    synchronizedCache = new SynchronizedCache(Clock.systemUTC(), () -> warm);
    fixedHeader = warm.authorizationHeader();
    apiRequest = feign.Request.create(feign.Request.HttpMethod.GET,
        "https://" + API_HOST + "/v1/partners/me/folios",
        java.util.Map.of("Authorization", java.util.List.of(fixedHeader)), null,
        java.nio.charset.StandardCharsets.UTF_8, null);
    feign.Response ok = feign.Response.builder().status(200).reason("OK").request(apiRequest)
        .headers(java.util.Map.of()).body(new byte[0]).build();
    bareClient = (request, opts) -> ok;
    recoveringClient = new io.github.poaauth.client.UnauthorizedRecoveringClient(bareClient,
        io.github.poaauth.client.PoaApiAuthorization.forHosts(provider, API_HOST));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    provider.close();
    server.close();
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

  /** {@code BearerTokenInterceptor.apply} on a template with a relative URL and a target. */
  @Benchmark
  public RequestTemplate interceptorApply(FeignRequest request) {
    interceptor.apply(request.template);
    return request.template;
  }

  /**
   * Reference for {@link #interceptorApply}: only Feign's own header replacement, with the same
   * header value but no token lookup and no host check. The difference is what the interceptor
   * adds.
   */
  @Benchmark
  public RequestTemplate feignHeaderOnly(FeignRequest request) {
    request.template.removeHeader("Authorization");
    request.template.header("Authorization", fixedHeader);
    return request.template;
  }

  /**
   * Reference for {@link #interceptorApply} as the performance target states it: Feign's own
   * header replacement with the token from {@code token()}, without the host check.
   */
  @Benchmark
  public RequestTemplate feignHeaderPlusToken(FeignRequest request) {
    request.template.removeHeader("Authorization");
    request.template.header("Authorization", provider.token().authorizationHeader());
    return request.template;
  }

  /**
   * {@code UnauthorizedRecoveringClient} around a client that answers 200 at once: what the
   * 401 recovery costs a request that succeeds (Feign's default options, which follow
   * redirects, so the wrapper's no-redirect copy of them is on this path too).
   */
  @Benchmark
  public feign.Response feignClientRecovering() throws java.io.IOException {
    return recoveringClient.execute(apiRequest, options);
  }

  /** Reference for {@link #feignClientRecovering}: the wrapped client alone. */
  @Benchmark
  public feign.Response feignClientBare() throws java.io.IOException {
    return bareClient.execute(apiRequest, options);
  }

  /** A {@code java.net.http} request for one of POA's APIs, built once. */
  private static final java.net.http.HttpRequest API_REQUEST = java.net.http.HttpRequest
      .newBuilder(java.net.URI.create("https://" + API_HOST + "/v1/partners/me/folios"))
      .header("Accept", "application/json").build();

  /** {@code BearerTokenInterceptor.authorize(HttpRequest)}: host check, token, copy with the header. */
  @Benchmark
  public java.net.http.HttpRequest httpRequestAuthorize() {
    return interceptor.authorize(API_REQUEST);
  }

  /** Reference for {@link #httpRequestAuthorize}: a bare copy of the request with one header set. */
  @Benchmark
  public java.net.http.HttpRequest httpRequestCopyWithHeader() {
    return java.net.http.HttpRequest.newBuilder(API_REQUEST, (name, value) -> true)
        .setHeader("Authorization", fixedHeader).build();
  }
}
