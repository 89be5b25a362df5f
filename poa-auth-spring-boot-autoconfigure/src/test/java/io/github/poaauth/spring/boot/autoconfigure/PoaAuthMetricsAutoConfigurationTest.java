package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.micrometer.PoaAuthMetrics;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The metrics auto-configuration's conditions, and meters that move with real token requests. */
class PoaAuthMetricsAutoConfigurationTest {

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PoaAuthAutoConfiguration.class,
            PoaAuthMetricsAutoConfiguration.class))
        .withPropertyValues("poa.auth.base-url=" + POA.sandbox().baseUrl(),
            "poa.auth.client-id=" + POA.sandbox().defaultClientId(),
            "poa.auth.client-secret=" + POA.sandbox().defaultClientSecret());
  }

  @Test
  void withAMeterRegistry_refreshesAreCounted_andTheProviderIsBound() {
    runner().withUserConfiguration(Meters.class).run(context -> {
      assertThat(context).hasSingleBean(PoaAuthMetrics.class);
      MeterRegistry meters = context.getBean(MeterRegistry.class);

      context.getBean(PoaTokenProvider.class).token();

      assertThat(meters.find(PoaAuthMetrics.REFRESHES).counters()).isNotEmpty();
      assertThat(meters.find(PoaAuthMetrics.TIME_TO_EXPIRY).gauge()).isNotNull();
      assertThat(meters.find(PoaAuthMetrics.TIME_TO_EXPIRY).gauge().value()).isPositive();
    });
  }

  @Test
  void withoutAMeterRegistry_noMetrics() {
    runner().run(context -> {
      assertThat(context).hasSingleBean(PoaTokenProvider.class);
      assertThat(context).doesNotHaveBean(PoaAuthMetrics.class);
    });
  }

  @Test
  void withoutPoaAuthMicrometer_noMetrics() {
    runner().withUserConfiguration(Meters.class)
        .withClassLoader(new FilteredClassLoader(PoaAuthMetrics.class)).run(context -> {
          assertThat(context).hasSingleBean(PoaTokenProvider.class);
          assertThat(context).doesNotHaveBean("poaAuthMetrics");
        });
  }

  @Test
  void closingTheContext_removesTheMeters() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    runner().withBean(MeterRegistry.class, () -> meters).run(context -> {
      context.getBean(PoaTokenProvider.class).token();
      assertThat(meters.find(PoaAuthMetrics.TIME_TO_EXPIRY).gauge()).isNotNull();
    });
    assertThat(meters.find(PoaAuthMetrics.TIME_TO_EXPIRY).gauge()).isNull();
  }

  @Configuration(proxyBeanMethods = false)
  static class Meters {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }
}
