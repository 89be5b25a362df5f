package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.client.PoaApiAuthorization;
import java.io.IOException;
import java.net.URI;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * The redirect rule of {@link PoaApiAuthorization} for {@code RestClient}: a request that may
 * carry the token is created by a factory built with {@link HttpRedirects#DONT_FOLLOW}, so its
 * {@code 3xx} reaches the caller and the token never reaches wherever {@code Location} points;
 * every other request by the one built with the application's settings, redirects included.
 * Both come from the application's {@link ClientHttpRequestFactoryBuilder}, so timeouts, SSL
 * bundle and client library stay the application's. An interceptor cannot do this: the
 * redirect is followed below it, inside the client library.
 */
record TokenRequestFactory(PoaApiAuthorization authorization,
    ClientHttpRequestFactory asConfigured, ClientHttpRequestFactory notFollowing)
    implements ClientHttpRequestFactory {

  static ClientHttpRequestFactory of(PoaApiAuthorization authorization,
      ClientHttpRequestFactoryBuilder<?> builder, HttpClientSettings settings) {
    ClientHttpRequestFactory notFollowing =
        builder.build(settings.withRedirects(HttpRedirects.DONT_FOLLOW));
    if (settings.redirects() == HttpRedirects.DONT_FOLLOW) {
      return notFollowing;
    }
    return new TokenRequestFactory(authorization, builder.build(settings), notFollowing);
  }

  @Override
  public ClientHttpRequest createRequest(URI uri, HttpMethod method) throws IOException {
    return (authorization.mayCarryToken(uri) ? notFollowing : asConfigured)
        .createRequest(uri, method);
  }
}
