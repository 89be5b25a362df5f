package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.client.PoaTokenProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code poaAuth} health indicator ({@link PoaAuthHealthIndicator}), when Spring Boot's
 * health support is present; {@code management.health.poaauth.enabled=false} turns it off.
 */
@AutoConfiguration(after = PoaAuthAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, PoaTokenProvider.class})
@ConditionalOnBean(PoaTokenProvider.class)
@ConditionalOnEnabledHealthIndicator("poaauth")
public class PoaAuthHealthAutoConfiguration {

  /** Registered as {@code poaAuth}: the bean name less {@code HealthIndicator}. */
  @Bean
  @ConditionalOnMissingBean(name = "poaAuthHealthIndicator")
  public PoaAuthHealthIndicator poaAuthHealthIndicator(PoaTokenProvider tokens) {
    return new PoaAuthHealthIndicator(tokens);
  }
}
