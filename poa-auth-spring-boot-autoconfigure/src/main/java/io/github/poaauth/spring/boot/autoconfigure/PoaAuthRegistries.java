package io.github.poaauth.spring.boot.autoconfigure;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;

/**
 * Where the provider's circuit breaker and retry live: the application's Resilience4j registries
 * (Actuator and Resilience4j's Spring integration see them), or registries of the starter's own,
 * whose meters {@link PoaAuthMetricsAutoConfiguration} binds.
 *
 * @param circuitBreakers the breaker's registry
 * @param retries the retry's registry
 * @param own whether the registries are the starter's own
 */
record PoaAuthRegistries(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
    boolean own) {

  static PoaAuthRegistries of(CircuitBreakerRegistry breakers, RetryRegistry retries) {
    return breakers != null && retries != null ? new PoaAuthRegistries(breakers, retries, false)
        : new PoaAuthRegistries(breakers != null ? breakers : CircuitBreakerRegistry.ofDefaults(),
            retries != null ? retries : RetryRegistry.ofDefaults(), breakers == null);
  }
}
