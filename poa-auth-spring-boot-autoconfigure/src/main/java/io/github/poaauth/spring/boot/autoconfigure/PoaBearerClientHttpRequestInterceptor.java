package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaApiAuthorization;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

/**
 * Bearer tokens for {@code RestClient} (and {@code RestTemplate}) requests to POA's APIs, with
 * recovery from a {@code 401}: a request that
 * {@linkplain PoaApiAuthorization#mayCarryToken(java.net.URI) may carry the token} gets
 * {@code Authorization: Bearer <token>} (any other one replaced); when it is answered 401, that
 * exact token is invalidated and the request is sent once more with a fresh one. A second 401
 * goes back to the caller unchanged; requests to other hosts are not touched.
 *
 * <p>The starter adds it to every {@code RestClient.Builder} through a
 * {@code RestClientCustomizer}; for a builder of your own:
 * {@code builder.requestInterceptor(interceptor)}. Thread-safe.
 */
public class PoaBearerClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {
  private final PoaApiAuthorization authorization;

  /** @param authorization the hosts that may receive the token, and the provider */
  public PoaBearerClientHttpRequestInterceptor(PoaApiAuthorization authorization) {
    this.authorization = Objects.requireNonNull(authorization, "authorization");
  }

  @Override
  public ClientHttpResponse intercept(HttpRequest request, byte[] body,
      ClientHttpRequestExecution execution) throws IOException {
    if (!authorization.mayCarryToken(request.getURI())) {
      return execution.execute(request, body);
    }
    AccessToken used = authorization.tokens().token();
    ClientHttpResponse response = execution.execute(withToken(request, used), body);
    if (response.getStatusCode().value() != 401) {
      return response;
    }
    Optional<AccessToken> retry;
    try {
      retry = authorization.tokenForRetry(used.authorizationHeader());
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
    if (retry.isEmpty()) {
      return response;
    }
    response.close();
    return execution.execute(withToken(request, retry.get()), body);
  }

  private static HttpRequest withToken(HttpRequest request, AccessToken token) {
    HttpHeaders headers = new HttpHeaders();
    headers.putAll(request.getHeaders());
    headers.set(HttpHeaders.AUTHORIZATION, token.authorizationHeader());
    return new HttpRequestWrapper(request) {
      @Override
      public HttpHeaders getHeaders() {
        return headers;
      }
    };
  }

  @Override
  public String toString() {
    return "PoaBearerClientHttpRequestInterceptor{" + authorization + '}';
  }
}
