package io.github.poaauth.client;

/**
 * Root of every exception that {@link PoaTokenProvider} throws for a token it could not get.
 *
 * <p>Unchecked. Catch a subclass to act on the reason:
 * <ul>
 *   <li>{@link CredentialsRejectedException}: the token endpoint rejected the client
 *       credentials; retrying with the same credentials will not help.</li>
 *   <li>{@link TokenEndpointUnavailableException}: the endpoint could not be reached or kept
 *       failing (retries exhausted, circuit breaker open, call timeout); try again later.</li>
 *   <li>{@link InvalidTokenResponseException}: the endpoint answered, but not with a usable
 *       token.</li>
 * </ul>
 * Messages never contain the client secret or a token value.
 */
public class PoaAuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, without secrets
   * @param cause the underlying failure, or {@code null}
   */
  public PoaAuthException(String message, Throwable cause) {
    super(message, cause);
  }
}
