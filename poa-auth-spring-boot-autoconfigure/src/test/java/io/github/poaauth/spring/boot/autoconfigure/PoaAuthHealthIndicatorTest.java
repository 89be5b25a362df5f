package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The poaAuth health indicator in each provider state; it never asks the token endpoint. */
class PoaAuthHealthIndicatorTest {

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  private ApplicationContextRunner runner(String secret) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PoaAuthAutoConfiguration.class,
            PoaAuthHealthAutoConfiguration.class))
        .withPropertyValues("poa.auth.base-url=" + POA.sandbox().baseUrl(),
            "poa.auth.client-id=" + POA.sandbox().defaultClientId(),
            "poa.auth.client-secret=" + secret);
  }

  @Test
  void beforeTheFirstToken_unknown_andNoTokenRequest() {
    runner(POA.sandbox().defaultClientSecret()).run(context -> {
      Health health = context.getBean(PoaAuthHealthIndicator.class).health();

      assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
      assertThat(health.getDetails()).containsEntry("state", "NO_TOKEN");
      assertThat(POA.sandbox().tokenRequestCount()).isZero();
    });
  }

  @Test
  void withACachedToken_up_withTimeUntilExpiry() {
    runner(POA.sandbox().defaultClientSecret()).run(context -> {
      context.getBean(PoaTokenProvider.class).token();

      Health health = context.getBean(PoaAuthHealthIndicator.class).health();

      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsKeys("tokenExpiresAt", "tokenExpiresIn")
          .containsEntry("circuitBreaker", "CLOSED");
      assertThat(java.time.Duration.parse((String) health.getDetails().get("tokenExpiresIn")))
          .isPositive().isLessThanOrEqualTo(POA.sandbox().tokenLifetime());
      assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    });
  }

  @Test
  void credentialsRejected_down_withTheOAuthErrorCode_neverTheSecret() {
    String wrong = "wrong-secret-1d9e";
    runner(wrong).run(context -> {
      PoaTokenProvider tokens = context.getBean(PoaTokenProvider.class);
      assertThatThrownBy(tokens::token).isInstanceOf(CredentialsRejectedException.class);

      Health health = context.getBean(PoaAuthHealthIndicator.class).health();

      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("state", "REJECTED").containsKey("error");
      assertThat(health.getDetails().toString()).doesNotContain(wrong);
    });
  }

  @Test
  void circuitOpen_down_unavailable() {
    runner(POA.sandbox().defaultClientSecret())
        .withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults).run(context -> {
      String name = context.getBean(PoaTokenProvider.class).name();
      context.getBean(CircuitBreakerRegistry.class).circuitBreaker(name)
          .transitionToForcedOpenState();

      Health health = context.getBean(PoaAuthHealthIndicator.class).health();

      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("state", "UNAVAILABLE")
          .containsEntry("circuitBreaker", "FORCED_OPEN");
      assertThat(POA.sandbox().tokenRequestCount()).isZero();
    });
  }
}
