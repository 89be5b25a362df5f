package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.client.PoaTokenStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the POA token provider, from {@link PoaTokenProvider#status()}: it never calls the
 * token endpoint. UP while a token is cached, with the time until it expires; DOWN while the
 * endpoint rejects the credentials (with the OAuth error code, never the secret) or the circuit
 * breaker is open; UNKNOWN before the first token (and after one expired unused). Registered as
 * {@code poaAuth}.
 */
public class PoaAuthHealthIndicator implements HealthIndicator {
  private final PoaTokenProvider tokens;
  private final Clock clock;

  /** @param tokens the provider */
  public PoaAuthHealthIndicator(PoaTokenProvider tokens) {
    this(tokens, Clock.systemUTC());
  }

  PoaAuthHealthIndicator(PoaTokenProvider tokens, Clock clock) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Health health() {
    PoaTokenStatus status = tokens.status();
    Health.Builder health = switch (status.state()) {
      case VALID -> Health.up();
      case REJECTED -> Health.down().withDetail("reason", "credentials rejected");
      case UNAVAILABLE -> Health.down().withDetail("reason", "token endpoint unavailable");
      case CLOSED -> Health.down().withDetail("reason", "provider closed");
      case NO_TOKEN -> Health.unknown().withDetail("reason", "no token yet");
    };
    health.withDetail("state", status.state().name());
    status.tokenExpiresAt().ifPresent(expiresAt -> {
      health.withDetail("tokenExpiresAt", expiresAt.toString());
      Duration left = Duration.between(clock.instant(), expiresAt);
      health.withDetail("tokenExpiresIn", (left.isNegative() ? Duration.ZERO : left).toString());
    });
    status.rejectionErrorCode().ifPresent(code -> health.withDetail("error", code));
    health.withDetail("circuitBreaker", status.circuitBreakerState());
    return health.build();
  }
}
