package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.client.PoaApiAuthorization;
import java.net.URI;
import java.util.function.Function;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import reactor.core.publisher.Mono;

/**
 * The redirect rule of {@link PoaApiAuthorization} for {@code WebClient}, as
 * {@link TokenRequestFactory} applies it to {@code RestClient}: a request that may carry the
 * token goes through a connector built with {@link HttpRedirects#DONT_FOLLOW}, every other one
 * through the application's connector.
 */
record TokenConnector(PoaApiAuthorization authorization, ClientHttpConnector asConfigured,
    ClientHttpConnector notFollowing) implements ClientHttpConnector {

  static ClientHttpConnector of(PoaApiAuthorization authorization,
      ClientHttpConnector asConfigured, ClientHttpConnectorBuilder<?> builder,
      HttpClientSettings settings) {
    return new TokenConnector(authorization, asConfigured,
        builder.build(settings.withRedirects(HttpRedirects.DONT_FOLLOW)));
  }

  @Override
  public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
      Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
    return (authorization.mayCarryToken(uri) ? notFollowing : asConfigured)
        .connect(method, uri, requestCallback);
  }
}
