package io.github.poaauth.spring.boot.autoconfigure;

import feign.Capability;
import io.github.poaauth.client.BearerTokenInterceptor;
import io.github.poaauth.client.PoaApiAuthorization;
import io.github.poaauth.client.PoaTokenListener;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.client.UnauthorizedRecoveringClient;
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
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.cloud.openfeign.FeignClientSpecification;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configures a {@link PoaTokenProvider} from {@code poa.auth.*} and hands its tokens to the
 * HTTP clients present: Spring Cloud OpenFeign clients, every {@code RestClient.Builder} and
 * every {@code WebClient.Builder}, for the hosts of {@code poa.auth.api-hosts} only, with
 * recovery from a 401. Every bean backs off when the application defines its own.
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
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public PoaTokenProvider poaTokenProvider(PoaAuthProperties properties,
      ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry,
      ObjectProvider<RetryRegistry> retryRegistry,
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
    return PoaTokenProviderFactory.create(properties, circuitBreakerRegistry.getIfUnique(),
        retryRegistry.getIfUnique(),
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
   * Spring Cloud OpenFeign: the bearer interceptor and the 401-recovering client decorator
   * reach every Feign client (OpenFeign applies {@code RequestInterceptor} and
   * {@code Capability} beans to each), and act only on requests to the allowed hosts.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"feign.Capability",
      "org.springframework.cloud.openfeign.FeignClientFactoryBean"})
  static class OpenFeignConfiguration {

    @Bean
    @ConditionalOnMissingBean
    BearerTokenInterceptor poaBearerTokenInterceptor(PoaApiAuthorization authorization) {
      return BearerTokenInterceptor.forHosts(authorization.tokens(),
          authorization.hosts().toArray(String[]::new));
    }

    @Bean
    @ConditionalOnMissingBean(name = "poaUnauthorizedRecoveryCapability")
    Capability poaUnauthorizedRecoveryCapability(PoaApiAuthorization authorization) {
      return UnauthorizedRecoveringClient.capability(authorization);
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

  /** {@code RestClient}: every builder Spring Boot hands out gets the bearer interceptor. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({RestClient.class, RestClientCustomizer.class})
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
        PoaBearerClientHttpRequestInterceptor interceptor) {
      return builder -> builder.requestInterceptor(interceptor);
    }
  }

  /** {@code WebClient} (WebFlux): every builder gets the non-blocking bearer filter. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({WebClient.class, WebClientCustomizer.class})
  static class WebClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PoaBearerExchangeFilterFunction poaBearerExchangeFilterFunction(
        PoaApiAuthorization authorization) {
      return new PoaBearerExchangeFilterFunction(authorization);
    }

    @Bean
    @ConditionalOnMissingBean(name = "poaWebClientCustomizer")
    WebClientCustomizer poaWebClientCustomizer(PoaBearerExchangeFilterFunction filter) {
      return builder -> builder.filter(filter);
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
