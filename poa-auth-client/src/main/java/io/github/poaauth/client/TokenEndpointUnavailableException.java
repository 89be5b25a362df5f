package io.github.poaauth.client;

/**
 * No token could be had from the token endpoint for a reason that may pass: connection or read
 * failures, timeouts, HTTP 5xx or 429 after the retries were used up, the circuit breaker being
 * open, the call timeout of {@link PoaTokenProvider#token()} running out, or an endpoint that
 * answers at the wrong address (404, 405, a redirect, which is never followed). The cause, when
 * there is one, is the last underlying failure.
 */
public final class TokenEndpointUnavailableException extends PoaAuthException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, without secrets
   * @param cause the last underlying failure, or {@code null}
   */
  public TokenEndpointUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
