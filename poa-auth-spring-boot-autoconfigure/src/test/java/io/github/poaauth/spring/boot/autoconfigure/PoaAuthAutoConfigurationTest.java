package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import feign.Capability;
import io.github.poaauth.client.PoaApiAuthorization;
import io.github.poaauth.client.PoaTokenEvent;
import io.github.poaauth.client.PoaTokenListener;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.cloud.openfeign.FeignClientFactoryBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/** Each condition of the auto-configuration, in an {@link ApplicationContextRunner}. */
class PoaAuthAutoConfigurationTest {

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  private ApplicationContextRunner runner() {
    PoaSandbox sandbox = POA.sandbox();
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PoaAuthAutoConfiguration.class,
            PoaAuthHealthAutoConfiguration.class))
        .withPropertyValues("poa.auth.base-url=" + sandbox.baseUrl(),
            "poa.auth.client-id=" + sandbox.defaultClientId(),
            "poa.auth.client-secret=" + sandbox.defaultClientSecret());
  }

  @Test
  void threeProperties_giveProviderAuthorizationAndEveryClientIntegration() {
    runner().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(PoaTokenProvider.class);
      assertThat(context).hasSingleBean(PoaApiAuthorization.class);
      assertThat(context).hasSingleBean(Capability.class);
      assertThat(context.getBean("poaFeignCapability").toString()).contains(
          java.net.URI.create(POA.sandbox().baseUrl()).getHost());
      assertThat(context).hasSingleBean(PoaBearerClientHttpRequestInterceptor.class);
      assertThat(context).hasBean("poaRestClientCustomizer");
      assertThat(context).hasSingleBean(PoaBearerExchangeFilterFunction.class);
      assertThat(context).hasBean("poaWebClientCustomizer");
      assertThat(context).hasBean("poaAuthSanitizingFunction");
      assertThat(context).hasSingleBean(PoaAuthHealthIndicator.class);
      // api-hosts defaults to the base URL's host.
      assertThat(context.getBean(PoaApiAuthorization.class).hosts())
          .containsExactly(java.net.URI.create(POA.sandbox().baseUrl()).getHost());
      // It works: a token from the sandbox.
      assertThat(POA.sandbox().isValidToken(context.getBean(PoaTokenProvider.class).token().value()))
          .isTrue();
    });
  }

  @Test
  void providerIsClosedWithTheContext() {
    PoaTokenProvider[] seen = new PoaTokenProvider[1];
    runner().run(context -> seen[0] = context.getBean(PoaTokenProvider.class));
    assertThat(seen[0].status().state().name()).isEqualTo("CLOSED");
  }

  @Test
  void enabledFalse_createsNothing() {
    runner().withPropertyValues("poa.auth.enabled=false").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(PoaTokenProvider.class);
      assertThat(context).doesNotHaveBean(PoaApiAuthorization.class);
      assertThat(context).doesNotHaveBean(PoaAuthHealthIndicator.class);
    });
  }

  @Test
  void withoutTheClientOnTheClasspath_backsOff() {
    runner().withClassLoader(new FilteredClassLoader(PoaTokenProvider.class)).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean("poaTokenProvider");
    });
  }

  @Test
  void withoutOpenFeign_noFeignBeans() {
    runner().withClassLoader(new FilteredClassLoader(FeignClientFactoryBean.class)).run(context -> {
      assertThat(context).hasSingleBean(PoaTokenProvider.class);
      assertThat(context).doesNotHaveBean(Capability.class);
    });
  }

  @Test
  void withoutRestClient_noRestClientBeans() {
    runner().withClassLoader(new FilteredClassLoader(RestClient.class)).run(context -> {
      assertThat(context).hasSingleBean(PoaTokenProvider.class);
      assertThat(context).doesNotHaveBean(PoaBearerClientHttpRequestInterceptor.class);
      assertThat(context).doesNotHaveBean(RestClientCustomizer.class);
    });
  }

  @Test
  void withoutWebFlux_noWebClientBeans() {
    runner().withClassLoader(new FilteredClassLoader(WebClient.class)).run(context -> {
      assertThat(context).hasSingleBean(PoaTokenProvider.class);
      assertThat(context).doesNotHaveBean(PoaBearerExchangeFilterFunction.class);
      assertThat(context).doesNotHaveBean(WebClientCustomizer.class);
    });
  }

  @Test
  void withoutActuator_noSanitizingFunction() {
    runner().withClassLoader(new FilteredClassLoader(SanitizingFunction.class)).run(context -> {
      assertThat(context).hasSingleBean(PoaTokenProvider.class);
      assertThat(context).doesNotHaveBean("poaAuthSanitizingFunction");
    });
  }

  @Test
  void withoutHealthSupport_noHealthIndicator() {
    runner().withClassLoader(new FilteredClassLoader(
        org.springframework.boot.health.contributor.HealthIndicator.class)).run(context -> {
          assertThat(context).hasSingleBean(PoaTokenProvider.class);
          assertThat(context).doesNotHaveBean(PoaAuthHealthIndicator.class);
        });
  }

  @Test
  void healthIndicatorDisabled_noHealthIndicator() {
    runner().withPropertyValues("management.health.poaauth.enabled=false").run(context -> {
      assertThat(context).hasSingleBean(PoaTokenProvider.class);
      assertThat(context).doesNotHaveBean(PoaAuthHealthIndicator.class);
    });
  }

  @Test
  void ownProvider_isUsed_andOursBacksOff() {
    runner().withUserConfiguration(OwnProvider.class).run(context -> {
      assertThat(context).hasSingleBean(PoaTokenProvider.class);
      assertThat(context.getBean(PoaTokenProvider.class).name()).isEqualTo("own");
      assertThat(context.getBean(PoaApiAuthorization.class).tokens())
          .isSameAs(context.getBean(PoaTokenProvider.class));
    });
  }

  @Test
  void ownBeans_replaceEachOfOurs() {
    runner().withUserConfiguration(OwnClientBeans.class).run(context -> {
      assertThat(context).hasSingleBean(PoaApiAuthorization.class);
      assertThat(context.getBean(PoaApiAuthorization.class).hosts()).containsExactly("own.example");
      assertThat(context.getBean("poaFeignCapability").toString()).contains("own.example");
      assertThat(context.getBean("poaRestClientCustomizer")).isSameAs(OwnClientBeans.REST);
      assertThat(context.getBean("poaWebClientCustomizer")).isSameAs(OwnClientBeans.WEB);
      assertThat(context).doesNotHaveBean(PoaAuthHealthIndicator.class);
      assertThat(context).hasBean("poaAuthHealthIndicator");
    });
  }

  @Test
  void resilience4jRegistryBeans_receiveTheBreakerAndRetry() {
    runner().withUserConfiguration(Registries.class).withPropertyValues("poa.auth.name=poa-partner")
        .run(context -> {
          assertThat(context.getBean(CircuitBreakerRegistry.class).find("poa-partner")).isPresent();
          assertThat(context.getBean(RetryRegistry.class).find("poa-partner")).isPresent();
        });
  }

  @Test
  void listenerBeans_receiveEvents() {
    runner().withUserConfiguration(Listeners.class).run(context -> {
      context.getBean(PoaTokenProvider.class).token();
      assertThat(Listeners.EVENTS).isNotEmpty();
    });
  }

  @Test
  void everyProperty_reachesTheProvider() {
    runner().withPropertyValues("poa.auth.api-hosts=api.poa.example.com,127.0.0.1",
        "poa.auth.name=tuned", "poa.auth.max-attempts=2",
        "poa.auth.circuit-breaker.failure-rate-threshold=25",
        "poa.auth.circuit-breaker.window-size=20", "poa.auth.circuit-breaker.minimum-calls=5",
        "poa.auth.circuit-breaker.open-duration=7s", "poa.auth.retry.initial-backoff=50ms",
        "poa.auth.retry.max-backoff=1s", "poa.auth.refresh-ahead=1m", "poa.auth.expiry-skew=5s",
        "poa.auth.connect-timeout=1s", "poa.auth.read-timeout=2s", "poa.auth.call-timeout=3s",
        "poa.auth.rejection-cooldown=0s").run(context -> {
          PoaTokenProvider tokens = context.getBean(PoaTokenProvider.class);
          assertThat(tokens.name()).isEqualTo("tuned");
          // The provider lists every setting it was built with.
          assertThat(tokens.toString()).contains("refreshAhead=PT1M", "expirySkew=PT5S",
              "connectTimeout=PT1S", "readTimeout=PT2S", "callTimeout=PT3S",
              "rejectionCooldown=PT0S", "maxAttempts=2", "retryBackoff=PT0.05S..PT1S",
              "circuitBreaker=25.0% of 20 (min 5), open PT7S");
          assertThat(context.getBean(PoaApiAuthorization.class).hosts())
              .containsExactlyInAnyOrder("api.poa.example.com", "127.0.0.1");
          assertThat(tokens.toString()).doesNotContain(POA.sandbox().defaultClientSecret());
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnProvider {
    @Bean(destroyMethod = "close")
    PoaTokenProvider myTokens() {
      return PoaTokenProvider.builder().name("own").baseUrl(POA.sandbox().baseUrl())
          .clientId(POA.sandbox().defaultClientId())
          .clientSecret(POA.sandbox().defaultClientSecret()).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnClientBeans {
    static final RestClientCustomizer REST = builder -> { };
    static final WebClientCustomizer WEB = builder -> { };

    @Bean
    PoaApiAuthorization myAuthorization(PoaTokenProvider tokens) {
      return PoaApiAuthorization.forHosts(tokens, "own.example");
    }

    @Bean
    RestClientCustomizer poaRestClientCustomizer() {
      return REST;
    }

    @Bean
    WebClientCustomizer poaWebClientCustomizer() {
      return WEB;
    }

    @Bean
    org.springframework.boot.health.contributor.HealthIndicator poaAuthHealthIndicator() {
      return org.springframework.boot.health.contributor.Health.up()::build;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Registries {
    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry() {
      return CircuitBreakerRegistry.ofDefaults();
    }

    @Bean
    RetryRegistry retryRegistry() {
      return RetryRegistry.ofDefaults();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Listeners {
    static final List<PoaTokenEvent> EVENTS = new CopyOnWriteArrayList<>();

    @Bean
    PoaTokenListener recordingListener() {
      return EVENTS::add;
    }
  }
}
