package io.github.poaauth.client;

/**
 * Root of every exception that {@link PoaTokenProvider} throws for a token it could not get.
 *
 * <p>Unchecked and sealed. Catch a subclass to act on the reason:
 * <ul>
 *   <li>{@link CredentialsRejectedException}: the token endpoint rejected the client
 *       credentials; retrying with the same credentials will not help.</li>
 *   <li>{@link TokenEndpointUnavailableException}: the endpoint could not be reached or kept
 *       failing (retries exhausted, circuit breaker open, call timeout, TLS failure, wrong
 *       address); {@link TokenEndpointUnavailableException#isRetryable()} says whether trying
 *       again later may help.</li>
 *   <li>{@link InvalidTokenResponseException}: the endpoint answered, but not with a usable
 *       token.</li>
 * </ul>
 * Each caller gets its own instance, whose stack trace shows the caller's frames; a failure
 * shared by several waiting callers is its cause. Messages never contain the client secret, a
 * token value or text the server sent; causes hold no HTTP library object (no request, no
 * body). Instances are serializable.
 */
public abstract sealed class PoaAuthException extends RuntimeException
    permits CredentialsRejectedException, TokenEndpointUnavailableException,
    InvalidTokenResponseException {
  private static final long serialVersionUID = 2L;

  /**
   * @param message what went wrong, without secrets
   * @param cause the underlying failure, or {@code null}
   */
  PoaAuthException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A copy of this exception for one caller: same type, message and fields, this one as cause,
   * and the stack trace of the thread that creates it.
   */
  abstract PoaAuthException forCaller();
}
