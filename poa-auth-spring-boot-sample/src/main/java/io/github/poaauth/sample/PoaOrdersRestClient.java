package io.github.poaauth.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/** The same API through {@link RestClient}: the builder Spring Boot injects carries the token. */
@Component
public class PoaOrdersRestClient {
  private final RestClient client;

  public PoaOrdersRestClient(RestClient.Builder builder,
      @Value("${partner.poa-api-url}") String poaApiUrl) {
    this.client = builder.baseUrl(poaApiUrl).build();
  }

  public String order(String id) {
    return client.get().uri("/orders/{id}", id).retrieve().body(String.class);
  }
}
