package io.github.poaauth.client;

/**
 * Why {@link PoaTokenProvider} has no token: the credentials were rejected, the endpoint is
 * unavailable (for a {@link TokenEndpointUnavailableException#reason() reason()}), or its answer
 * was not a usable token. Each caller gets its own instance with its own stack, the shared
 * failure as cause. Messages never hold the secret, a token or text the server sent; causes hold
 * no HTTP library object. Unchecked, sealed, serializable.
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
