package io.github.poaauth.spring.boot.autoconfigure;

import feign.Capability;
import io.github.poaauth.client.PoaApiAuthorization;
import io.github.poaauth.client.PoaTokenListener;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import javax.net.ssl.SSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.cloud.openfeign.FeignClientSpecification;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configures a {@link PoaTokenProvider} from {@code poa.auth.*} and hands its tokens to the
 * HTTP clients present: Spring Cloud OpenFeign clients, every {@code RestClient.Builder} and
 * every {@code WebClient.Builder}, for the hosts of {@code poa.auth.api-hosts} only, with
 * recovery from a 401 and without following a redirect (see {@link PoaApiAuthorization}).
 * Every bean backs off when the application defines its own.
 *
 * <p>Tokens never reach a log: Feign clients log {@code Authorization: Bearer ****} at
 * {@code HEADERS} and {@code FULL} ({@link PoaTokenMaskingFeignLogger}, unless the application
 * has its own {@code feign.Logger} or {@code FeignLoggerFactory}); the {@code RestClient}
 * interceptor and {@code WebClient} filter log nothing.
 *
 * <p>Resilience4j's {@link CircuitBreakerRegistry} and {@link RetryRegistry}, when they are
 * beans (resilience4j-spring-boot3, Spring Cloud CircuitBreaker), receive the provider's breaker
 * and retry, so that Actuator and Micrometer show them. {@link PoaTokenListener} beans receive
 * the provider's events.
 */
@AutoConfiguration
@ConditionalOnClass(PoaTokenProvider.class)
@ConditionalOnProperty(prefix = PoaAuthProperties.PREFIX, name = "enabled", havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(PoaAuthProperties.class)
public class PoaAuthAutoConfiguration {

  /**
   * The provider, closed with the context.
   *
   * @throws PoaAuthConfigurationException naming the property that is missing or invalid
   */
  @Bean
  @ConditionalOnMissingBean
  PoaAuthRegistries poaAuthRegistries(ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry,
      ObjectProvider<RetryRegistry> retryRegistry) {
    return PoaAuthRegistries.of(circuitBreakerRegistry.getIfUnique(), retryRegistry.getIfUnique());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public PoaTokenProvider poaTokenProvider(PoaAuthProperties properties,
      PoaAuthRegistries registries,
      ObjectProvider<PoaTokenListener> listeners,
      ObjectProvider<SslBundles> sslBundles) {
    SSLContext sslContext = null;
    String bundle = properties.getSslBundle();
    if (bundle != null && !bundle.isBlank()) {
      SslBundles bundles = sslBundles.getIfAvailable();
      if (bundles == null) {
        throw new PoaAuthConfigurationException(PoaAuthProperties.PREFIX + ".ssl-bundle",
            "names bundle '" + bundle + "' but the application has no SSL bundles",
            "Define it under spring.ssl.bundle, or remove poa.auth.ssl-bundle.");
      }
      try {
        sslContext = bundles.getBundle(bundle.trim()).createSslContext();
      } catch (RuntimeException e) {
        throw new PoaAuthConfigurationException(PoaAuthProperties.PREFIX + ".ssl-bundle",
            "bundle '" + bundle + "' is not usable: " + e.getMessage(),
            "Define a bundle of that name under spring.ssl.bundle.jks or spring.ssl.bundle.pem.");
      }
    }
    return PoaTokenProviderFactory.create(properties, registries.circuitBreakers(),
        registries.retries(),
        PoaTokenProviderFactory.combine(listeners.orderedStream().toList()), sslContext);
  }

  /**
   * Which hosts may receive the token ({@code poa.auth.api-hosts}, default the base URL's host),
   * and the 401 recovery every HTTP client integration shares.
   */
  @Bean
  @ConditionalOnMissingBean
  public PoaApiAuthorization poaApiAuthorization(PoaTokenProvider tokens,
      PoaAuthProperties properties) {
    return PoaTokenProviderFactory.authorization(tokens, properties);
  }

  /**
   * Spring Cloud OpenFeign: one capability (OpenFeign applies {@code Capability} beans to every
   * client) adds the token, turns redirects off and recovers from a 401, for requests to the
   * allowed hosts only.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"feign.Capability",
      "org.springframework.cloud.openfeign.FeignClientFactoryBean"})
  static class OpenFeignConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "poaFeignCapability")
    Capability poaFeignCapability(PoaApiAuthorization authorization) {
      return authorization.feignCapability();
    }

    /**
     * Feign's request log never shows the token: every client's context gets
     * {@link FeignClientTokenMasking}, which has Spring Cloud OpenFeign's default logger print
     * {@code Authorization: Bearer ****} ({@link PoaTokenMaskingFeignLogger}); an application's
     * own {@code feign.Logger} or {@code FeignLoggerFactory} is left as it is.
     */
    @Bean
    @ConditionalOnClass(name = "feign.slf4j.Slf4jLogger")
    @ConditionalOnMissingBean(name = "poaFeignClientTokenMasking")
    FeignClientSpecification poaFeignClientTokenMasking() {
      return FeignClientTokenMasking.specification();
    }
  }

  /**
   * {@code RestClient}: every builder Spring Boot hands out gets the bearer interceptor, and a
   * request factory that sends token-bearing requests without following redirects.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({RestClient.class, RestClientCustomizer.class,
      ClientHttpRequestFactoryBuilder.class})
  static class RestClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PoaBearerClientHttpRequestInterceptor poaBearerClientHttpRequestInterceptor(
        PoaApiAuthorization authorization) {
      return new PoaBearerClientHttpRequestInterceptor(authorization);
    }

    @Bean
    @ConditionalOnMissingBean(name = "poaRestClientCustomizer")
    RestClientCustomizer poaRestClientCustomizer(
        PoaBearerClientHttpRequestInterceptor interceptor, PoaApiAuthorization authorization,
        ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factoryBuilder,
        ObjectProvider<HttpClientSettings> settings) {
      // The builder and settings Spring Boot built the builder's request factory with.
      return builder -> builder.requestInterceptor(interceptor)
          .requestFactory(TokenRequestFactory.of(authorization,
              factoryBuilder.getIfAvailable(ClientHttpRequestFactoryBuilder::detect),
              settings.getIfAvailable(HttpClientSettings::defaults)));
    }
  }

  /**
   * {@code WebClient} (WebFlux): every builder gets the non-blocking bearer filter, and a
   * connector that sends token-bearing requests without following redirects. Runs after Spring
   * Boot's own connector customizer (ordered 0), which it keeps for every other request.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({WebClient.class, WebClientCustomizer.class,
      ClientHttpConnectorBuilder.class})
  static class WebClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PoaBearerExchangeFilterFunction poaBearerExchangeFilterFunction(
        PoaApiAuthorization authorization) {
      return new PoaBearerExchangeFilterFunction(authorization);
    }

    @Bean
    @ConditionalOnMissingBean(name = "poaWebClientCustomizer")
    WebClientCustomizer poaWebClientCustomizer(PoaBearerExchangeFilterFunction filter,
        PoaApiAuthorization authorization, ObjectProvider<ClientHttpConnector> connector,
        ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
        ObjectProvider<HttpClientSettings> settings) {
      return builder -> {
        ClientHttpConnectorBuilder<?> connectors =
            connectorBuilder.getIfAvailable(ClientHttpConnectorBuilder::detect);
        HttpClientSettings configured = settings.getIfAvailable(HttpClientSettings::defaults);
        builder.filter(filter).clientConnector(TokenConnector.of(
            authorization, connector.getIfAvailable(() -> connectors.build(configured)),
            connectors, configured));
      };
    }
  }

  /** Actuator: the client secret is masked in env and configprops, even with show-values. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SanitizingFunction.class)
  static class SanitizingConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "poaAuthSanitizingFunction")
    SanitizingFunction poaAuthSanitizingFunction() {
      return new PoaAuthSanitizingFunction();
    }
  }
}
