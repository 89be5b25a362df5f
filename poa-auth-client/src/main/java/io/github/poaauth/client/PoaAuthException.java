package io.github.poaauth.client;

/**
 * Root of every exception that {@link PoaTokenProvider} throws for a token it could not get.
 *
 * <p>Unchecked and sealed. Catch a subclass to act on the reason:
 * <ul>
 *   <li>{@link CredentialsRejectedException}: the token endpoint rejected the client
 *       credentials; retrying with the same credentials will not help.</li>
 *   <li>{@link TokenEndpointUnavailableException}: the endpoint could not be reached or kept
 *       failing, or the provider is closed; {@link TokenEndpointUnavailableException#reason()} says
 *       why and {@link TokenEndpointUnavailableException#isRetryable()} whether trying again
 *       later may help.</li>
 *   <li>{@link InvalidTokenResponseException}: the endpoint answered, but not with a usable
 *       token.</li>
 * </ul>
 * Each caller gets its own instance, whose stack trace shows the caller's frames; a failure
 * shared by several waiting callers is its cause. Messages never contain the client secret, a
 * token value or text the server sent; causes hold no HTTP library object (no request, no
 * body). Instances are serializable. Every instance is made in one package-private place
 * ({@code Failures}).
 */
public abstract sealed class PoaAuthException extends RuntimeException
    permits CredentialsRejectedException, TokenEndpointUnavailableException,
    InvalidTokenResponseException {
  private static final long serialVersionUID = 2L;

  PoaAuthException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A copy of this exception for one caller: same type, message and fields, this one as cause,
   * and the stack trace of the thread that creates it.
   */
  abstract PoaAuthException forCaller();
}
