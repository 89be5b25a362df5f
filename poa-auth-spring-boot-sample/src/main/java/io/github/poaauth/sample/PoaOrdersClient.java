package io.github.poaauth.sample;

import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * One of POA's APIs, as a plain Spring Cloud OpenFeign client: the starter adds the token. Its
 * URL is a property ({@code spring.cloud.openfeign.client.config.poa-orders.url}, in
 * application.yml), not the annotation's {@code url}: a service processed ahead of time (Spring
 * AOT, native images) fixes an annotation's {@code url} at build time, while the property is
 * read when the service starts.
 */
@FeignClient(name = "poa-orders")
public interface PoaOrdersClient {

  @GetMapping("/orders/{id}")
  String order(@PathVariable("id") String id);
}
