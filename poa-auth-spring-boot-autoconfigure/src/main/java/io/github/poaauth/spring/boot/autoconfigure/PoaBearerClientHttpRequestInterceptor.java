package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaApiAuthorization;
import java.io.IOException;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

/**
 * {@link PoaApiAuthorization}'s policy for {@code RestClient} (and {@code RestTemplate}): a
 * request that {@linkplain PoaApiAuthorization#mayCarryToken(java.net.URI) may carry the token}
 * gets {@code Authorization: Bearer <token>} (any other one replaced), and is sent once more
 * with a fresh token after a {@code 401} ({@link PoaApiAuthorization#exchange}); a second 401
 * goes back to the caller. Requests to other hosts are not touched.
 *
 * <p>The starter adds it to every {@code RestClient.Builder} through a
 * {@code RestClientCustomizer}, together with a request factory that sends token-bearing
 * requests without following redirects (an interceptor cannot stop the client library below
 * it from following one). For a builder of your own: {@code builder.requestInterceptor(...)},
 * and a request factory that does not follow redirects for POA's hosts. Thread-safe.
 */
public class PoaBearerClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {
  private final PoaApiAuthorization authorization;

  /**
   * Creates the interceptor.
   *
   * @param authorization the hosts that may receive the token, and the provider
   */
  public PoaBearerClientHttpRequestInterceptor(PoaApiAuthorization authorization) {
    this.authorization = Objects.requireNonNull(authorization, "authorization");
  }

  @Override
  public ClientHttpResponse intercept(HttpRequest request, byte[] body,
      ClientHttpRequestExecution execution) throws IOException {
    if (!authorization.mayCarryToken(request.getURI())) {
      return execution.execute(request, body);
    }
    return authorization.exchange(token -> execution.execute(withToken(request, token), body),
        response -> response.getStatusCode().value(), ClientHttpResponse::close);
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
