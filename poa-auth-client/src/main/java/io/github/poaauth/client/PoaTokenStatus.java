package io.github.poaauth.client;

import java.time.Instant;
import java.util.Optional;

/**
 * What a {@link PoaTokenProvider} knows of its own health, read without a request: for health
 * checks and dashboards. Immutable; holds no secret and no token value.
 * @param state the overall state
 * @param tokenIssuedAt when the cached token was requested, if a token is cached
 * @param tokenExpiresAt the cached token's nominal expiry, if a token is cached
 * @param rejectionErrorCode the OAuth {@code error} of the rejection being repeated, while the
 *     rejection cool-down is on and the answer had one
 * @param circuitBreakerState the circuit breaker's state, such as {@code CLOSED} or {@code OPEN}
 */
public record PoaTokenStatus(State state, Optional<Instant> tokenIssuedAt,
    Optional<Instant> tokenExpiresAt, Optional<String> rejectionErrorCode,
    String circuitBreakerState) {
  /** Overall state, the first that applies in this order. */
  public enum State {
    /** {@link PoaTokenProvider#close()} was called. */
    CLOSED,
    /** The endpoint rejected the credentials and the rejection cool-down is on. */
    REJECTED,
    /** The circuit breaker is open: the endpoint kept failing. */
    UNAVAILABLE,
    /** A token is cached and may be handed out. */
    VALID,
    /** No token yet, or the last one expired: the next call asks the endpoint. */
    NO_TOKEN
  }
}
