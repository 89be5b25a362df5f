package io.github.poaauth.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a {@link PoaTokenProvider} reports to its {@link PoaTokenListener}: immutable values
 * without secrets or token values, every field low-cardinality or a duration.
 */
public sealed interface PoaTokenEvent {
  /**
   * One token request (with its retries) starts.
   * @param background true when callers hold a valid token and only a renewal is due
   */
  record RefreshStarted(boolean background) implements PoaTokenEvent {}

  /**
   * The circuit breaker is open: no token request, no {@link RefreshStarted}; callers that
   * needed a token fail with {@link TokenEndpointUnavailableException.Reason#CIRCUIT_OPEN}.
   * @param background as in {@link RefreshStarted}
   */
  record RefreshRefused(boolean background) implements PoaTokenEvent {}

  /**
   * A token request succeeded.
   * @param background as in {@link RefreshStarted}
   * @param attempts HTTP attempts it took, 1 or more
   * @param duration from the start of the first attempt to the token
   * @param expiresAt the new token's nominal expiry
   */
  record RefreshSucceeded(boolean background, int attempts, Duration duration, Instant expiresAt)
      implements PoaTokenEvent {}

  /**
   * A token request failed for good: retries used up, or a failure never retried.
   * @param background as in {@link RefreshStarted}; callers keep the still-valid token
   * @param attempts HTTP attempts it took; 0 when the call timeout came first
   * @param duration from the start to the failure
   * @param errorType the public exception type callers get
   * @param errorCode the OAuth {@code error} of a rejection, if any
   */
  record RefreshFailed(boolean background, int attempts, Duration duration,
      Class<? extends PoaAuthException> errorType, Optional<String> errorCode)
      implements PoaTokenEvent {}

  /** {@link PoaTokenProvider#invalidate(AccessToken)} dropped the cached token. */
  record TokenInvalidated() implements PoaTokenEvent {}

  /**
   * The endpoint rejected the credentials: for {@code cooldown}, calls fail without a request
   * unless the client secret changes.
   * @param cooldown how long
   * @param errorCode the OAuth {@code error}, if the answer had one
   */
  record RejectionCooldownStarted(Duration cooldown, Optional<String> errorCode)
      implements PoaTokenEvent {}

  /**
   * The circuit breaker around the token request changed state.
   * @param from the state before, such as {@code CLOSED}
   * @param to the state now, such as {@code OPEN}
   */
  record CircuitBreakerStateChanged(String from, String to) implements PoaTokenEvent {}
}
