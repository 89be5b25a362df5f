package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaApiAuthorization;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * {@link PoaApiAuthorization}'s policy for {@code WebClient}, as
 * {@link PoaBearerClientHttpRequestInterceptor} applies it to {@code RestClient}, without
 * blocking: tokens come from {@code tokenAsync()}, so an event-loop thread never waits for the
 * token endpoint. A second 401 goes back to the caller; requests to other hosts are not touched.
 *
 * <p>The starter adds it to every {@code WebClient.Builder} through a
 * {@code WebClientCustomizer}, together with a connector that sends token-bearing requests
 * without following redirects. For a builder of your own: {@code builder.filter(filter)}, and a
 * connector that does not follow redirects for POA's hosts. Thread-safe.
 */
public class PoaBearerExchangeFilterFunction implements ExchangeFilterFunction {
  private final PoaApiAuthorization authorization;

  /**
   * Creates the filter.
   *
   * @param authorization the hosts that may receive the token, and the provider
   */
  public PoaBearerExchangeFilterFunction(PoaApiAuthorization authorization) {
    this.authorization = Objects.requireNonNull(authorization, "authorization");
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    if (!authorization.mayCarryToken(request.url())) {
      return next.exchange(request);
    }
    return Mono.fromFuture(() -> authorization.tokens().tokenAsync())
        .flatMap(used -> next.exchange(withToken(request, used))
            .flatMap(response -> retry(request, next, used, response)));
  }

  private Mono<ClientResponse> retry(ClientRequest request, ExchangeFunction next,
      AccessToken used, ClientResponse answered) {
    return Mono.fromFuture(() -> authorization.tokenForRetryAsync(
            answered.statusCode().value(), used.authorizationHeader()))
        .onErrorResume(e -> answered.releaseBody().then(Mono.error(e)))
        .flatMap(retry -> retry.isEmpty()
            ? Mono.just(answered)
            : answered.releaseBody().then(next.exchange(withToken(request, retry.get()))));
  }

  private static ClientRequest withToken(ClientRequest request, AccessToken token) {
    return ClientRequest.from(request)
        .headers(h -> h.set(HttpHeaders.AUTHORIZATION, token.authorizationHeader()))
        .build();
  }

  @Override
  public String toString() {
    return "PoaBearerExchangeFilterFunction{" + authorization + '}';
  }
}
