package io.github.poaauth.client;

import feign.Capability;
import feign.Client;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Feign {@link Client} decorator that recovers from a {@code 401} of one of POA's APIs: when
 * the request carried a bearer token and may carry one (see
 * {@link PoaApiAuthorization#mayCarryToken(java.net.URI)}), that exact token is invalidated and
 * the request is sent once more with a fresh token. A second {@code 401}, and every other answer,
 * goes back to the caller unchanged. The token itself is added by a
 * {@link BearerTokenInterceptor} for the same hosts.
 *
 * <pre>{@code
 * PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, "api.poa.example.com");
 * PartnerApi api = Feign.builder()
 *     .requestInterceptor(BearerTokenInterceptor.forHosts(tokens, "api.poa.example.com"))
 *     .addCapability(UnauthorizedRecoveringClient.capability(poa))   // or .client(new ...)
 *     .target(PartnerApi.class, "https://api.poa.example.com");
 * }</pre>
 * With Spring Cloud OpenFeign, the starter registers the capability as a bean.
 *
 * <p>Thread-safe when the delegate is. Concurrent 401s with one token cause one token request
 * (see {@link PoaApiAuthorization}). Throws what {@link PoaTokenProvider#token()} throws when no
 * fresh token can be had.
 */
public final class UnauthorizedRecoveringClient implements Client {
  private static final String AUTHORIZATION = "Authorization";

  private final Client delegate;
  private final PoaApiAuthorization authorization;
  /** The options last given and their copy that does not follow redirects (one-entry cache). */
  private volatile NoRedirects noRedirects;

  private record NoRedirects(Request.Options given, Request.Options copy) {
  }

  /**
   * @param delegate the client that sends the requests
   * @param authorization the hosts that may receive the token, and the provider
   */
  public UnauthorizedRecoveringClient(Client delegate, PoaApiAuthorization authorization) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.authorization = Objects.requireNonNull(authorization, "authorization");
  }

  /**
   * @param authorization the hosts that may receive the token, and the provider
   * @return a Feign capability that wraps the builder's client in this decorator
   */
  public static Capability capability(PoaApiAuthorization authorization) {
    return new RecoveringCapability(authorization);
  }

  /**
   * Wraps a Feign builder's client in an {@link UnauthorizedRecoveringClient}. Public only
   * because Feign finds {@code enrich} methods by reflection.
   */
  public static final class RecoveringCapability implements Capability {
    private final PoaApiAuthorization authorization;

    private RecoveringCapability(PoaApiAuthorization authorization) {
      this.authorization = Objects.requireNonNull(authorization, "authorization");
    }

    /** @return the client wrapped in the decorator, once */
    @Override
    public Client enrich(Client client) {
      return client instanceof UnauthorizedRecoveringClient
          ? client : new UnauthorizedRecoveringClient(client, authorization);
    }

    @Override
    public String toString() {
      return "UnauthorizedRecoveringClient.capability(" + authorization + ')';
    }
  }

  @Override
  public Response execute(Request request, Request.Options given) throws IOException {
    if (!authorization.mayCarryToken(request.url())) {
      return delegate.execute(request, given);
    }
    // A request that carries the token is never redirected: a redirect would carry the header
    // to wherever it points, allowed host or not (Feign's default options follow redirects).
    Request.Options options = given.isFollowRedirects() ? withoutRedirects(given) : given;
    Response response = delegate.execute(request, options);
    if (response.status() != 401) {
      return response;
    }
    Optional<AccessToken> retry;
    try {
      retry = authorization.tokenForRetry(authorizationOf(request));
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
    if (retry.isEmpty()) {
      return response;
    }
    response.close();
    Map<String, Collection<String>> headers = new LinkedHashMap<>();
    request.headers().forEach((name, values) -> {
      if (!name.equalsIgnoreCase(AUTHORIZATION)) {
        headers.put(name, values);
      }
    });
    headers.put(AUTHORIZATION, List.of(retry.get().authorizationHeader()));
    Request again = Request.create(request.httpMethod(), request.url(), headers, request.body(),
        request.charset(), request.requestTemplate());
    return delegate.execute(again, options);
  }

  /** Feign hands the same options for every request of a method: copy them once. */
  private Request.Options withoutRedirects(Request.Options given) {
    NoRedirects cached = noRedirects;
    if (cached != null && cached.given() == given) {
      return cached.copy();
    }
    Request.Options copy = new Request.Options(given.connectTimeoutMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS, given.readTimeoutMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS, false);
    noRedirects = new NoRedirects(given, copy);
    return copy;
  }

  private static String authorizationOf(Request request) {
    for (Map.Entry<String, Collection<String>> header : request.headers().entrySet()) {
      if (header.getKey().equalsIgnoreCase(AUTHORIZATION) && !header.getValue().isEmpty()) {
        return header.getValue().iterator().next();
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "UnauthorizedRecoveringClient{" + authorization + ", delegate=" + delegate + '}';
  }
}
