package io.github.poaauth.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.openfeign.EnableFeignClients;

/**
 * A partner's service that calls one of POA's APIs, as the README's Spring Boot section shows:
 * the starter, three {@code poa.auth.*} properties, and an ordinary {@code @FeignClient} (or a
 * {@code RestClient}) that gets POA's bearer token without a line of token code.
 */
@SpringBootApplication
@EnableFeignClients
public class PartnerServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(PartnerServiceApplication.class, args);
  }
}
