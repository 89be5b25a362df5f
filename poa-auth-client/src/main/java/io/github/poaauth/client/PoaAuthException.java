package io.github.poaauth.client;

/**
 * Root of every exception that {@link PoaTokenProvider} throws for a token it could not get:
 * unchecked and sealed. {@link CredentialsRejectedException}: the endpoint rejected the
 * credentials. {@link TokenEndpointUnavailableException}: no token, for its
 * {@link TokenEndpointUnavailableException#reason() reason()}.
 * {@link InvalidTokenResponseException}: the endpoint answered, but not with a usable token.
 *
 * <p>Each caller gets its own instance, with the caller's stack trace; a failure shared by
 * waiting callers is its cause. Messages never hold the client secret, a token value or text
 * the server sent; causes hold no HTTP library object. Serializable.
 */
public abstract sealed class PoaAuthException extends RuntimeException
    permits CredentialsRejectedException, TokenEndpointUnavailableException,
    InvalidTokenResponseException {
  private static final long serialVersionUID = 2L;

  PoaAuthException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A copy for one caller: same type, message and fields, this one as cause, its stack. */
  abstract PoaAuthException forCaller();
}
