package io.github.poaauth.client;

import java.time.Duration;
import java.util.Optional;

/**
 * No token could be had from the token endpoint: connection or read failures, timeouts, HTTP
 * 408, 429 or 5xx after the retries were used up, the circuit breaker being open, the call
 * timeout of {@link PoaTokenProvider#token()} running out; or, never retried, an endpoint that
 * cannot be the token endpoint (404, 405, a redirect, which is never followed, a status outside
 * HTTP's range) or a failed TLS handshake (certificate not trusted, wrong host name). The cause,
 * when there is one, is the last underlying failure, reduced to its type and a redacted message.
 */
public final class TokenEndpointUnavailableException extends PoaAuthException {
  private static final long serialVersionUID = 2L;

  /** Whether a later attempt may succeed. */
  private final boolean retryable;
  /** {@code Retry-After} in milliseconds, or -1; a long so that the exception serializes. */
  private final long retryAfterMillis;

  /**
   * A retryable failure without {@code Retry-After}.
   *
   * @param message what failed, without secrets
   * @param cause the last underlying failure, or {@code null}
   */
  public TokenEndpointUnavailableException(String message, Throwable cause) {
    this(message, cause, true, null);
  }

  /**
   * @param message what failed, without secrets
   * @param cause the last underlying failure, or {@code null}
   * @param retryable whether a later attempt may succeed (false for a misconfiguration)
   * @param retryAfter how long the endpoint asked callers to wait, or {@code null}
   */
  public TokenEndpointUnavailableException(String message, Throwable cause, boolean retryable,
      Duration retryAfter) {
    super(message, cause);
    this.retryable = retryable;
    this.retryAfterMillis = retryAfter == null ? -1 : retryAfter.toMillis();
  }

  /**
   * @return true when the failure was transient (I/O error, timeout, 408, 429, 5xx, circuit
   *     breaker open) and a later call may succeed; false when the configuration must change
   *     first (wrong address, TLS failure)
   */
  public boolean isRetryable() {
    return retryable;
  }

  /** @return how long the endpoint asked to wait ({@code Retry-After}, at most 30 s), if it did */
  public Optional<Duration> retryAfter() {
    return retryAfterMillis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(retryAfterMillis));
  }

  @Override
  TokenEndpointUnavailableException forCaller() {
    return new TokenEndpointUnavailableException(getMessage(), this, retryable,
        retryAfter().orElse(null));
  }
}
