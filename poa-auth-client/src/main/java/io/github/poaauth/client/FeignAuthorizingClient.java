package io.github.poaauth.client;

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
import java.util.concurrent.TimeUnit;

/**
 * {@link PoaApiAuthorization}'s policy for Feign, as a decorator of the client: it sees the
 * request's final URL, so the host rule needs nothing of Feign's template. Thread-safe when the
 * delegate is.
 */
final class FeignAuthorizingClient implements Client {
  private final Client delegate;
  private final PoaApiAuthorization authorization;

  FeignAuthorizingClient(Client delegate, PoaApiAuthorization authorization) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.authorization = Objects.requireNonNull(authorization, "authorization");
  }

  @Override
  public Response execute(Request request, Request.Options options) throws IOException {
    if (!authorization.mayCarryToken(request.url())) {
      return delegate.execute(request, options);
    }
    Request.Options noRedirects = options.isFollowRedirects()
        ? new Request.Options(options.connectTimeoutMillis(), TimeUnit.MILLISECONDS,
            options.readTimeoutMillis(), TimeUnit.MILLISECONDS, false)
        : options;
    AccessToken used = authorization.tokens().token();
    Response response = delegate.execute(withToken(request, used), noRedirects);
    Optional<AccessToken> retry;
    try {
      retry = authorization.tokenForRetry(response.status(), used.authorizationHeader());
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
    if (retry.isEmpty()) {
      return response;
    }
    response.close();
    return delegate.execute(withToken(request, retry.get()), noRedirects);
  }

  private static Request withToken(Request request, AccessToken token) {
    Map<String, Collection<String>> headers = new LinkedHashMap<>();
    request.headers().forEach((name, values) -> {
      if (!name.equalsIgnoreCase(PoaApiAuthorization.AUTHORIZATION)) {
        headers.put(name, values);
      }
    });
    headers.put(PoaApiAuthorization.AUTHORIZATION, List.of(token.authorizationHeader()));
    return Request.create(request.httpMethod(), request.url(), headers, request.body(),
        request.charset(), request.requestTemplate());
  }

  @Override
  public String toString() {
    return "FeignAuthorizingClient{" + authorization + ", delegate=" + delegate + '}';
  }
}
