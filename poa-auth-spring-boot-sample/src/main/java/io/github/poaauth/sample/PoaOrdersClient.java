package io.github.poaauth.sample;

import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** One of POA's APIs, as a plain Spring Cloud OpenFeign client: the starter adds the token. */
@FeignClient(name = "poa-orders", url = "${partner.poa-api-url}")
public interface PoaOrdersClient {

  @GetMapping("/orders/{id}")
  String order(@PathVariable("id") String id);
}
