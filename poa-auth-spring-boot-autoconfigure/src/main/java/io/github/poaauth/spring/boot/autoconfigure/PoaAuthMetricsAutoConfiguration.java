package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.client.PoaTokenListener;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.micrometer.PoaAuthMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters and observations of the provider ({@code poa-auth-micrometer}'s
 * {@link PoaAuthMetrics}), when that module and a {@link MeterRegistry} bean are present: its
 * listener reaches the provider as a {@link PoaTokenListener} bean, and once every singleton
 * exists the provider is bound (gauges), and the Resilience4j registries the starter made for it
 * (when the application has none) are bound with Resilience4j's own meters. Token requests
 * are observed in the application's {@link ObservationRegistry}, so tracing shows them.
 */
@AutoConfiguration(before = PoaAuthAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnClass({PoaAuthMetrics.class, MeterRegistry.class, PoaTokenProvider.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = PoaAuthProperties.PREFIX, name = "enabled", havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(PoaAuthProperties.class)
public class PoaAuthMetricsAutoConfiguration {

  /** The provider's meters, removed from the registry when the context closes. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public PoaAuthMetrics poaAuthMetrics(PoaAuthProperties properties, MeterRegistry meters,
      ObjectProvider<ObservationRegistry> observations) {
    ObservationRegistry observationRegistry = observations.getIfUnique();
    return observationRegistry == null
        ? PoaAuthMetrics.create(properties.getName(), meters)
        : PoaAuthMetrics.create(properties.getName(), meters, observationRegistry);
  }

  /** Passes the provider's events to the meters: the starter gives listener beans to it. */
  @Bean
  @ConditionalOnMissingBean(name = "poaAuthMetricsListener")
  public PoaTokenListener poaAuthMetricsListener(PoaAuthMetrics metrics) {
    return metrics.listener();
  }

  /**
   * Binds the provider once it exists. A provider of the application's own with another name
   * was not built with this listener, and is left alone.
   */
  @Bean
  static SmartInitializingSingleton poaAuthMetricsBinder(
      ObjectProvider<PoaAuthMetrics> metrics, ObjectProvider<PoaTokenProvider> tokens,
      ObjectProvider<PoaAuthProperties> properties, ObjectProvider<PoaAuthRegistries> registries,
      ObjectProvider<MeterRegistry> meters) {
    return () -> tokens.ifUnique(provider -> {
      PoaAuthProperties p = properties.getIfUnique();
      if (p != null && provider.name().equals(p.getName())) {
        metrics.ifUnique(m -> m.bind(provider));
        // Registries of the application's are bound by its own Resilience4j integration.
        registries.ifUnique(r -> meters.ifUnique(registry -> {
          if (r.own()) {
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(r.circuitBreakers())
                .bindTo(registry);
            TaggedRetryMetrics.ofRetryRegistry(r.retries()).bindTo(registry);
          }
        }));
      }
    });
  }
}
