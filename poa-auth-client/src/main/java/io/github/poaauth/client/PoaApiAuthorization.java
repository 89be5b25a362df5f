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
 * The one policy for sending POA's bearer token to POA's APIs; {@link #send java.net.http},
 * Feign ({@link #feignCapability()}) and the Spring Boot starter's adapters delegate to it, the
 * blocking ones through {@link #exchange exchange}.
 *
 * <ul>
 *   <li><b>Hosts.</b> Only a request to an allowed host (exactly, any case; and port, if ports
 *       were given), without user info, over {@code https} (or {@code http} to a loopback host)
 *       carries the token. Any other request is sent unchanged.
 *   <li><b>Redirects.</b> A request that carries the token never follows a redirect: the
 *       {@code 3xx} goes back to the caller.
 *   <li><b>A 401.</b> The token sent is {@linkplain PoaTokenProvider#invalidate(AccessToken)
 *       invalidated} and the request sent once more with a fresh one (or with the newer token
 *       another request already got: concurrent 401s cost one token request). A second
 *       {@code 401} goes back to the caller.
 * </ul>
 *
 * <pre>{@code
 * PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, "api.poa.example.com");
 * HttpResponse<String> r = poa.send(http, request, BodyHandlers.ofString());
 * PartnerApi api = Feign.builder().addCapability(poa.feignCapability())
 *     .target(PartnerApi.class, "https://api.poa.example.com");
 * }</pre>
 *
 * <p>Immutable and thread-safe. Methods that need a token throw what
 * {@link PoaTokenProvider#token()} throws.
 */
public final class PoaApiAuthorization {
  static final String AUTHORIZATION = "Authorization";
  private static final String BEARER = "Bearer ";

  private final PoaTokenProvider tokens;
  private final Set<String> hosts;
  /** {@code host} (any port) or {@code host:port}, lower case, as {@link URI} parses them. */
  private final Set<String> allowed;

  private PoaApiAuthorization(PoaTokenProvider tokens, Set<String> hosts, Set<String> allowed) {
    this.tokens = tokens;
    this.hosts = hosts;
    this.allowed = allowed;
  }

  /**
   * Creates the policy for the given hosts.
   * @param tokens where tokens come from
   * @param hosts at least one host name, each optionally with a port
   *     ({@code api.poa.example.com:8443}); no scheme, no path
   * @return the authorization
   * @throws IllegalArgumentException when no host, a blank one, or a URL is given
   */
  public static PoaApiAuthorization forHosts(PoaTokenProvider tokens, String... hosts) {
    return forHosts(tokens, hosts == null ? List.of() : Arrays.asList(hosts));
  }

  /**
   * Creates the policy for the given hosts.
   * @param tokens where tokens come from
   * @param hosts at least one host name, each optionally with a port
   * @return the authorization
   * @throws IllegalArgumentException when no host, a blank one, or a URL is given
   */
  public static PoaApiAuthorization forHosts(PoaTokenProvider tokens, Collection<String> hosts) {
    Objects.requireNonNull(tokens, "tokens");
    if (hosts == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one allowed host is required, such as "
          + "\"api.poa.example.com\": the token is only sent to these hosts");
    }
    Set<String> given = new LinkedHashSet<>();
    Set<String> allowed = new HashSet<>();
    for (String host : hosts) {
      String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
      URI uri = bareHost(h);
      if (uri == null) {
        throw new IllegalArgumentException("allowed host must be a bare host name such as "
            + "\"api.poa.example.com\", optionally with a port, but was '" + host + "'");
      }
      given.add(h);
      allowed.add(uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ':' + uri.getPort());
    }
    return new PoaApiAuthorization(tokens, Collections.unmodifiableSet(given), allowed);
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

  /** {@return the provider the tokens come from} */
  public PoaTokenProvider tokens() {
    return tokens;
  }

  /** {@return the allowed hosts as given, lower case, ports included, in the order given} */
  public Set<String> hosts() {
    return hosts;
  }

  /**
   * Whether a request to this URI may carry the token, by the host rule above.
   * @param uri the request's URI
   * @return whether it may carry the token
   */
  public boolean mayCarryToken(URI uri) {
    if (uri == null || uri.getHost() == null || uri.getScheme() == null
        || uri.getRawUserInfo() != null) {
      return false;
    }
    boolean https = uri.getScheme().equalsIgnoreCase("https");
    if (!https && !(uri.getScheme().equalsIgnoreCase("http")
        && Settings.isLoopback(uri.getHost()))) {
      return false;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    return allowed.contains(host) || allowed.contains(host + ':' + port);
  }

  /**
   * Like {@link #mayCarryToken(URI)}, judged by the URL's {@code scheme://authority}, which
   * decides who receives the request; without one, or with a malformed one, false.
   * @param url the request's absolute URL
   * @return whether a request to it may carry the token
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
    int end = url == null ? -1 : url.indexOf("://");
    if (end <= 0) {
      return null;
    }
    for (end += 3; end < url.length() && "/?#".indexOf(url.charAt(end)) < 0; end++) {
      // to the path, query or fragment
    }
    return url.substring(0, end);
  }

  /**
   * The 401 decision: the token to send a request once more with, by the rule above; blocks as
   * {@link PoaTokenProvider#token()} does.
   * @param status the status the request was answered with
   * @param sentAuthorization the {@code Authorization} header the request carried, or null
   * @return the token to retry with; empty when the answer stands: not a 401, no bearer token
   *     sent, or the endpoint handed out the rejected token again
   */
  public Optional<AccessToken> tokenForRetry(int status, String sentAuthorization) {
    if (status != 401 || !isBearer(sentAuthorization)) {
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
   * Like {@link #tokenForRetry(int, String)}, without blocking: for event-loop threads.
   * @param status the status the request was answered with
   * @param sentAuthorization the {@code Authorization} header the request carried, or null
   * @return a future of the token to retry with, completed exceptionally as
   *     {@link PoaTokenProvider#tokenAsync()} is
   */
  public CompletableFuture<Optional<AccessToken>> tokenForRetryAsync(int status,
      String sentAuthorization) {
    if (status != 401 || !isBearer(sentAuthorization)) {
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
   * Sends a request that {@linkplain #mayCarryToken(URI) may carry the token}, for an adapter
   * of a blocking HTTP client: with the current token, and once more with the one
   * {@link #tokenForRetry tokenForRetry} gives after a 401. The first answer is discarded when
   * the request is sent again, or when reading its status or deciding fails.
   * @param send sends the request, without following redirects, with this token in its one
   *     {@code Authorization} header
   * @param status reads an answer's status
   * @param discard releases an answer that does not go back to the caller
   * @param <R> the answer type
   * @param <X> what sending and reading throw
   * @return the answer; the second one after a recovered 401
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
   * Sends a request by this policy; the token replaces any {@code Authorization} header. For
   * the 401 retry the body publisher must be repeatable ({@code ofString} and
   * {@code ofByteArray} are); a first answer's {@code InputStream} body is closed.
   * @param http the client; for a request that carries the token it must not follow redirects
   *     ({@link HttpClient.Redirect#NEVER}, the JDK's default)
   * @param request the request
   * @param handler the body handler
   * @param <T> the body type
   * @return the response; the second one after a recovered 401; a {@code 3xx} as it came
   * @throws IOException as {@link HttpClient#send} does
   * @throws InterruptedException as {@link HttpClient#send} does
   * @throws IllegalArgumentException when the request would carry the token and {@code http}
   *     follows redirects
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

  private static void closeBody(HttpResponse<?> response) {
    if (response.body() instanceof AutoCloseable body) {
      try {
        body.close();
      } catch (Exception ignored) {
        // The answer is discarded anyway.
      }
    }
  }

  /**
   * This policy for a Feign client, judged by each request's final URL; add it with
   * {@code Feign.builder().addCapability(...)} (the Spring Boot starter registers it as a bean).
   * @return the capability
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
      return authorization.exchange(
          token -> delegate.execute(withToken(request, token), noRedirects),
          Response::status, Response::close);
    }

    private static Request withToken(Request request, AccessToken token) {
      Map<String, Collection<String>> headers = new LinkedHashMap<>(request.headers());
      headers.keySet().removeIf(AUTHORIZATION::equalsIgnoreCase);
      headers.put(AUTHORIZATION, List.of(token.authorizationHeader()));
      return Request.create(request.httpMethod(), request.url(), headers, request.body(),
          request.charset(), request.requestTemplate());
    }
  }

  /** A copy of the request whose one {@code Authorization} header (any case) is the token. */
  static HttpRequest withToken(HttpRequest request, AccessToken token) {
    return HttpRequest.newBuilder(request, (name, value) -> true)
        .setHeader(AUTHORIZATION, token.authorizationHeader())
        .build();
  }

  private static boolean isBearer(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, BEARER, 0,
        BEARER.length());
  }

  private static Optional<AccessToken> differentFrom(String sent, AccessToken fresh) {
    return fresh.authorizationHeader().equals(sent) ? Optional.empty() : Optional.of(fresh);
  }

  @Override
  public String toString() {
    return "PoaApiAuthorization{hosts=" + hosts + '}';
  }
}
