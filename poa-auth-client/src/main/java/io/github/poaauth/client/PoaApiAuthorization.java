package io.github.poaauth.client;

import feign.Capability;
import feign.Client;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one policy for sending POA's bearer token to POA's APIs, applied by {@link #send send}
 * (java.net.http), {@link #feignCapability()} and the Spring Boot starter's adapters: the token
 * goes only to {@linkplain #mayCarryToken(URI) allowed hosts}, never follows a redirect (the
 * {@code 3xx} goes back to the caller), and after a 401 {@linkplain #tokenForRetry is renewed}
 * once. Immutable and thread-safe; methods that need a token throw what
 * {@link PoaTokenProvider#token()} throws.
 */
public final class PoaApiAuthorization {
  static final String AUTHORIZATION = "Authorization";
  private static final String BEARER = "Bearer ";

  private final PoaTokenProvider tokens;
  private final Set<String> hosts;
  /** {@code host} (any port) or {@code host:port}, lower case, as {@link URI} parses them. */
  private final Set<String> allowed = new HashSet<>();

  private PoaApiAuthorization(PoaTokenProvider tokens, Collection<String> given) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    if (given == null || given.isEmpty()) {
      throw new IllegalArgumentException("at least one allowed host is required, such as "
          + "\"api.poa.example.com\": the token is only sent to these hosts");
    }
    Set<String> hosts = new LinkedHashSet<>();
    for (String host : given) {
      String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
      URI uri = bareHost(h);
      if (uri == null) {
        throw new IllegalArgumentException("allowed host must be a bare host name such as "
            + "\"api.poa.example.com\", optionally with a port, but was '" + host + "'");
      }
      hosts.add(h);
      allowed.add(uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ':' + uri.getPort());
    }
    this.hosts = Collections.unmodifiableSet(hosts);
  }

  /** {@code https://host}, when {@code host} is a host name with an optional port; else null. */
  private static URI bareHost(String host) {
    try {
      URI uri = new URI("https://" + host);
      return host.contains("/") || host.contains("@") || uri.getHost() == null
          || uri.getPort() == 0 || uri.getPort() > 65535 ? null : uri;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /**
   * {@return the policy for the given hosts}
   * @param tokens where tokens come from
   * @param hosts at least one host name, each optionally with a port ({@code host:8443})
   * @throws IllegalArgumentException when no host, a blank one, or a URL is given
   */
  public static PoaApiAuthorization forHosts(PoaTokenProvider tokens, String... hosts) {
    return new PoaApiAuthorization(tokens, hosts == null ? null : Arrays.asList(hosts));
  }

  /**
   * {@return the policy for the given hosts}
   * @param tokens where tokens come from
   * @param hosts at least one host name, each optionally with a port ({@code host:8443})
   * @throws IllegalArgumentException when no host, a blank one, or a URL is given
   */
  public static PoaApiAuthorization forHosts(PoaTokenProvider tokens, Collection<String> hosts) {
    return new PoaApiAuthorization(tokens, hosts);
  }

  /** {@return the provider the tokens come from} */
  public PoaTokenProvider tokens() {
    return tokens;
  }

  /** {@return the allowed hosts as given, lower case, ports included, in the order given} */
  public Set<String> hosts() {
    return hosts;
  }

  /**
   * {@return whether a request to this URI may carry the token} Only one to an allowed host
   * (exactly, any case; and port, if ports were given), without user info, over {@code https}
   * (or {@code http} to a loopback host) may; any other request is sent unchanged.
   * @param uri the request's URI
   */
  public boolean mayCarryToken(URI uri) {
    if (uri == null || uri.getHost() == null || uri.getRawUserInfo() != null) {
      return false;
    }
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    boolean http = "http".equalsIgnoreCase(uri.getScheme());
    if (!https && !(http && Settings.isLoopback(uri.getHost()))) {
      return false;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int defaultPort = https ? 443 : 80;
    int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
    return allowed.contains(host) || allowed.contains(host + ':' + port);
  }

  /**
   * {@return whether a request to this URL may carry the token} Judged by the URL's
   * {@code scheme://authority}, who receives it; false without one or with a malformed one.
   * @param url the request's absolute URL
   */
  public boolean mayCarryToken(String url) {
    String origin = originOf(url);
    try {
      return origin != null && mayCarryToken(new URI(origin));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@code scheme://authority} as written at the start of {@code url}, or null. */
  static String originOf(String url) {
    int start = url == null ? -1 : url.indexOf("://");
    if (start <= 0) {
      return null;
    }
    int end = start + 3;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    return url.substring(0, end);
  }

  /**
   * {@return the token to send a request answered 401 once more with} The token sent is
   * {@linkplain PoaTokenProvider#invalidate(AccessToken) invalidated} and a fresh one fetched,
   * unless another request already got a newer one (concurrent 401s cost one token request).
   * Empty when the answer stands: not a 401, no bearer token sent, or the endpoint handed out the
   * rejected token again. Blocks as {@link PoaTokenProvider#token()} does.
   * @param status the status the request was answered with
   * @param sentAuthorization the {@code Authorization} header the request carried, or null
   */
  public Optional<AccessToken> tokenForRetry(int status, String sentAuthorization) {
    if (!isBearer401(status, sentAuthorization)) {
      return Optional.empty();
    }
    AccessToken current = tokens.token();
    if (!current.authorizationHeader().equals(sentAuthorization)) {
      return Optional.of(current);
    }
    tokens.invalidate(current);
    return differentFrom(sentAuthorization, tokens.token());
  }

  /**
   * {@return a future of {@link #tokenForRetry tokenForRetry}'s answer, for event-loop threads}
   * It does not block; it completes exceptionally as {@link PoaTokenProvider#tokenAsync()} does.
   * @param status the status the request was answered with
   * @param sentAuthorization the {@code Authorization} header the request carried, or null
   */
  public CompletableFuture<Optional<AccessToken>> tokenForRetryAsync(int status,
      String sentAuthorization) {
    if (!isBearer401(status, sentAuthorization)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return tokens.tokenAsync().thenCompose(current -> {
      if (!current.authorizationHeader().equals(sentAuthorization)) {
        return CompletableFuture.completedFuture(Optional.of(current));
      }
      tokens.invalidate(current);
      return tokens.tokenAsync().thenApply(fresh -> differentFrom(sentAuthorization, fresh));
    });
  }

  private static boolean isBearer401(int status, String sent) {
    return status == 401 && sent != null && sent.regionMatches(true, 0, BEARER, 0, BEARER.length());
  }

  private static Optional<AccessToken> differentFrom(String sent, AccessToken fresh) {
    return fresh.authorizationHeader().equals(sent) ? Optional.empty() : Optional.of(fresh);
  }

  /**
   * A step of {@link #exchange}: sends a request with a token, or reads an answer's status.
   * @param <T> the token, or the answer
   * @param <R> the answer, or its status
   * @param <X> what sending or reading throws
   */
  @FunctionalInterface
  public interface Step<T, R, X extends Exception> {
    /**
     * {@return the answer to the request sent with the token, or the answer's status}
     * @param input the token, or the answer
     * @throws X when sending or reading fails
     */
    R apply(T input) throws X;
  }

  /**
   * {@return the answer to a request that may carry the token; the second one after a recovered
   * 401} For an adapter of a blocking HTTP client: sends with the current token, and after a 401
   * once more with {@link #tokenForRetry tokenForRetry}'s.
   * @param send sends the request, without following redirects, with this token in its one
   *     {@code Authorization} header
   * @param status reads an answer's status
   * @param discard releases an answer that does not go back to the caller (on a retry, or
   *     when reading its status or deciding fails)
   * @param <R> the answer type
   * @param <X> what sending and reading throw
   * @throws X as {@code send} or {@code status} does
   */
  public <R, X extends Exception> R exchange(Step<AccessToken, R, X> send,
      Step<R, Integer, X> status, Consumer<R> discard) throws X {
    Objects.requireNonNull(send, "send");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(discard, "discard");
    AccessToken used = tokens.token();
    R answer = send.apply(used);
    Optional<AccessToken> retry;
    try {
      retry = tokenForRetry(status.apply(answer), used.authorizationHeader());
    } catch (Exception e) {
      discard.accept(answer);
      throw e;
    }
    if (retry.isEmpty()) {
      return answer;
    }
    discard.accept(answer);
    return send.apply(retry.get());
  }

  /**
   * {@return the response to a request sent by this policy; the second one after a recovered
   * 401} The token replaces any {@code Authorization} header. For the retry the body publisher
   * must be repeatable (as {@code ofString} and {@code ofByteArray} are); a first answer's
   * {@code InputStream} body is closed.
   * @param http the client; for a request that carries the token it must not follow redirects
   *     ({@link HttpClient.Redirect#NEVER}, the JDK's default)
   * @param request the request
   * @param handler the body handler
   * @param <T> the body type
   * @throws IOException as {@link HttpClient#send} does
   * @throws InterruptedException as {@link HttpClient#send} does
   * @throws IllegalArgumentException if {@code http} follows redirects and the token would go
   */
  public <T> HttpResponse<T> send(HttpClient http, HttpRequest request,
      HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
    if (!mayCarryToken(request.uri())) {
      return http.send(request, handler);
    }
    if (http.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException("the HttpClient follows redirects ("
          + http.followRedirects() + "), which would carry POA's bearer token to wherever a"
          + " redirect points: build it with followRedirects(HttpClient.Redirect.NEVER)"
          + " (the default)");
    }
    try {
      return exchange(token -> http.send(withToken(request, token), handler),
          HttpResponse::statusCode, PoaApiAuthorization::closeBody);
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e); // HttpClient.send throws no other checked exception
    }
  }

  /** A copy of the request whose one {@code Authorization} header (any case) is the token. */
  static HttpRequest withToken(HttpRequest request, AccessToken token) {
    return HttpRequest.newBuilder(request, (name, value) -> true)
        .setHeader(AUTHORIZATION, token.authorizationHeader())
        .build();
  }

  private static void closeBody(HttpResponse<?> response) {
    if (response.body() instanceof AutoCloseable body) {
      try {
        body.close();
      } catch (Exception ignored) {
        // discarded anyway
      }
    }
  }

  /**
   * {@return this policy for a Feign client, judged by each request's final URL} Add it with
   * {@code Feign.builder().addCapability(...)}; the Spring Boot starter registers it as a bean.
   */
  public Capability feignCapability() {
    return new FeignCapability(this);
  }

  /**
   * What {@link #feignCapability()} returns: wraps the Feign builder's client in the policy, once
   * only. Public because Feign calls it by reflection.
   */
  public static final class FeignCapability implements Capability {
    private final PoaApiAuthorization authorization;

    private FeignCapability(PoaApiAuthorization authorization) {
      this.authorization = authorization;
    }

    @Override
    public Client enrich(Client client) {
      return client instanceof AuthorizingClient
          ? client : new AuthorizingClient(Objects.requireNonNull(client, "client"), authorization);
    }

    @Override
    public String toString() {
      return "PoaApiAuthorization.feignCapability(" + authorization.hosts() + ')';
    }
  }

  /** The policy as a decorator of a Feign client, which sees each request's final URL. */
  private record AuthorizingClient(Client delegate, PoaApiAuthorization authorization)
      implements Client {
    @Override
    public Response execute(Request request, Request.Options options) throws IOException {
      if (!authorization.mayCarryToken(request.url())) {
        return delegate.execute(request, options);
      }
      Request.Options noRedirects = options.isFollowRedirects()
          ? new Request.Options(options.connectTimeoutMillis(), TimeUnit.MILLISECONDS,
              options.readTimeoutMillis(), TimeUnit.MILLISECONDS, false)
          : options;
      return authorization.exchange(token -> {
        Map<String, Collection<String>> headers = new LinkedHashMap<>(request.headers());
        headers.keySet().removeIf(AUTHORIZATION::equalsIgnoreCase);
        headers.put(AUTHORIZATION, List.of(token.authorizationHeader()));
        return delegate.execute(Request.create(request.httpMethod(), request.url(), headers,
            request.body(), request.charset(), request.requestTemplate()), noRedirects);
      }, Response::status, Response::close);
    }
  }

  @Override
  public String toString() {
    return "PoaApiAuthorization{hosts=" + hosts + '}';
  }
}
