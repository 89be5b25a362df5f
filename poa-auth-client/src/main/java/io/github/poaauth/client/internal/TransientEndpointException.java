package io.github.poaauth.client.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure of one token request that a later attempt may not see: an I/O error, a timeout,
 * HTTP 408, 429 or 5xx. Created in one place ({@link TokenEndpoint}); the retry policy retries
 * exactly this type and honours {@link #retryAfter()}. Never leaves the provider: retries
 * exhausted become {@code TokenEndpointUnavailableException}.
 */
public final class TransientEndpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  TransientEndpointException(String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  /** @return how long the endpoint asked us to wait ({@code Retry-After}), if it did */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
