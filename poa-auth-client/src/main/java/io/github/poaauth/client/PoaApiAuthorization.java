package io.github.poaauth.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Bearer tokens for requests to POA's APIs, with recovery from a {@code 401}: which requests may
 * carry a token, and which token to re-send a rejected request with. One instance serves every
 * HTTP client of an application: {@link #send java.net.http}, Feign through
 * {@link UnauthorizedRecoveringClient}, and the Spring Boot starter's {@code RestClient} and
 * {@code WebClient} filters.
 *
 * <h2>Where the token goes</h2>
 * Only to a request whose host is one of the allowed hosts (compared without case, exactly: a
 * sub-domain is another host; and its port, if one was given), without user info, and only over
 * {@code https}, or {@code http} to a loopback host ({@code localhost}, {@code 127.0.0.0/8},
 * {@code [::1]}) for tests against the sandbox: the rule of {@link BearerTokenInterceptor}. Any
 * other request is sent as it is, and asks the provider for nothing.
 *
 * <h2>A 401</h2>
 * When a request that carried a token is answered {@code 401}, POA has revoked or no longer
 * accepts that token, although it has not expired by our count. Then exactly that token is
 * {@linkplain PoaTokenProvider#invalidate(AccessToken) invalidated}, and the request is sent
 * once more with a fresh token. If another request already replaced the token, the cached
 * (newer) token is used without invalidating anything: so any number of concurrent 401s with
 * one token cost one token request. A second 401 is returned to the caller unchanged.
 *
 * <pre>{@code
 * PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, "api.poa.example.com");
 * HttpResponse<String> r = poa.send(http, request, BodyHandlers.ofString());
 * }</pre>
 *
 * <p>Immutable and thread-safe. Methods that need a token throw what
 * {@link PoaTokenProvider#token()} throws.
 */
public final class PoaApiAuthorization {
  private static final String AUTHORIZATION = "Authorization";
  private static final String BEARER = "Bearer ";

  private final PoaTokenProvider tokens;
  /** Who may receive the token: the rule {@link BearerTokenInterceptor} applies too. */
  private final AllowedHosts hosts;

  private PoaApiAuthorization(PoaTokenProvider tokens, AllowedHosts hosts) {
    this.tokens = tokens;
    this.hosts = hosts;
  }

  /**
   * @param tokens where tokens come from
   * @param hosts host names that may receive the token, each optionally with a port
   *     ({@code api.poa.example.com} or {@code api.poa.example.com:8443}), as
   *     {@link BearerTokenInterceptor#forHosts} takes them; at least one
   * @return the authorization
   * @throws IllegalArgumentException when no host, a blank one, or a URL is given
   */
  public static PoaApiAuthorization forHosts(PoaTokenProvider tokens, String... hosts) {
    return forHosts(tokens, hosts == null ? List.of() : Arrays.asList(hosts));
  }

  /**
   * @param tokens where tokens come from
   * @param hosts host names that may receive the token, each optionally with a port; at least
   *     one
   * @return the authorization
   * @throws IllegalArgumentException when no host, a blank one, or a URL is given
   */
  public static PoaApiAuthorization forHosts(PoaTokenProvider tokens, Collection<String> hosts) {
    Objects.requireNonNull(tokens, "tokens");
    return new PoaApiAuthorization(tokens, AllowedHosts.of(hosts));
  }

  /** @return the provider the tokens come from */
  public PoaTokenProvider tokens() {
    return tokens;
  }

  /** @return the allowed hosts as given (lower case), ports included */
  public Set<String> hosts() {
    return hosts.given();
  }

  /**
   * @param uri the request's URI
   * @return whether a request to it may carry the token: an allowed host (and port, if one was
   *     given), over {@code https} (or {@code http} to a loopback host), no user info
   */
  public boolean mayCarryToken(URI uri) {
    return hosts.allows(uri);
  }

  /**
   * Like {@link #mayCarryToken(URI)}, for a URL as a string; a malformed one may not.
   *
   * @param url the request's absolute URL
   * @return whether a request to it may carry the token
   */
  public boolean mayCarryToken(String url) {
    return hosts.allows(url);
  }

  /**
   * The token to re-send a request with after it was answered {@code 401}: when the request
   * carried the token cached now, that token is invalidated and a fresh one fetched (blocking,
   * as {@link PoaTokenProvider#token()}); when the cache already holds another token, that one.
   *
   * @param sentAuthorization the {@code Authorization} header the rejected request carried
   * @return the token to retry with; empty when the request carried no bearer token, or the
   *     endpoint handed out the rejected token again (then the 401 stands)
   */
  public Optional<AccessToken> tokenForRetry(String sentAuthorization) {
    if (!isBearer(sentAuthorization)) {
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
   * Like {@link #tokenForRetry(String)} without blocking the caller: for event-loop threads.
   *
   * @param sentAuthorization the {@code Authorization} header the rejected request carried
   * @return a future of the token to retry with, completed exceptionally as
   *     {@link PoaTokenProvider#tokenAsync()} is
   */
  public CompletableFuture<Optional<AccessToken>> tokenForRetryAsync(String sentAuthorization) {
    if (!isBearer(sentAuthorization)) {
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
   * Sends a request with {@link HttpClient}, with a bearer token when {@link #mayCarryToken(URI)}
   * (replacing any {@code Authorization} header), and once more with a fresh token after a
   * {@code 401}. Other requests are sent unchanged. The request's body publisher must be
   * repeatable ({@code ofString}, {@code ofByteArray}, {@code noBody} are); the first response's
   * body is read by the handler before the retry, or closed if it is an {@link InputStream}.
   *
   * @param http the client
   * @param request the request
   * @param handler the body handler
   * @param <T> the body type
   * @return the response; the second one after a recovered 401
   * @throws IOException as {@link HttpClient#send} does
   * @throws InterruptedException as {@link HttpClient#send} does
   * @throws IllegalArgumentException when {@code http} follows redirects and the request would
   *     carry the token
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
      // A redirect would carry the Authorization header to wherever it points.
      throw new IllegalArgumentException("the HttpClient follows redirects ("
          + http.followRedirects() + "): build it with followRedirects(HttpClient.Redirect.NEVER)"
          + " (the default) to send POA's bearer token with it");
    }
    AccessToken used = tokens.token();
    HttpResponse<T> response = http.send(withToken(request, used), handler);
    if (response.statusCode() != 401) {
      return response;
    }
    Optional<AccessToken> retry = tokenForRetry(used.authorizationHeader());
    if (retry.isEmpty()) {
      return response;
    }
    if (response.body() instanceof AutoCloseable body) {
      try {
        body.close();
      } catch (Exception ignored) {
        // The first answer is discarded; failing to close its stream changes nothing for the retry.
      }
    }
    return http.send(withToken(request, retry.get()), handler);
  }

  /**
   * @param request a request for one of POA's APIs
   * @param token the token
   * @return a copy with {@code Authorization: Bearer <token>}, any other one removed
   */
  static HttpRequest withToken(HttpRequest request, AccessToken token) {
    // setHeader replaces any Authorization header of the copy, whatever its case.
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
