package io.github.poaauth.client;

import java.util.Optional;

/**
 * The token endpoint rejected the credentials with an OAuth 2.0 error (RFC 6749 5.2), such as
 * {@code invalid_client} (unknown id) or {@code unauthorized_client} (wrong secret, in Keycloak).
 * Never retried (an identity provider may lock out a client that keeps failing): the provider
 * repeats it without a request for the rejection cool-down, unless the secret changed. The
 * message holds only the status and the error code.
 */
public final class CredentialsRejectedException extends PoaAuthException {
  private static final long serialVersionUID = 2L;

  /** 400, 401 or 403. */
  private final int httpStatus;
  /** In RFC 6749's syntax, at most 64 characters; or null. */
  private final String errorCode;
  /** Printable ASCII, at most 200 characters; or null. */
  private final String errorDescription;

  CredentialsRejectedException(int httpStatus, String errorCode, String errorDescription,
      Throwable cause) {
    super("POA token endpoint rejected the client credentials: HTTP " + httpStatus
        + (errorCode == null ? "" : " " + errorCode), cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.errorDescription = errorDescription;
  }

  /** {@return the HTTP status of the rejection: 400, 401 or 403} */
  public int httpStatus() {
    return httpStatus;
  }

  /** {@return the OAuth {@code error}, such as {@code invalid_client}, if the body had one} */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** {@return the OAuth {@code error_description}, if the body had one} */
  public Optional<String> errorDescription() {
    return Optional.ofNullable(errorDescription);
  }

  @Override
  CredentialsRejectedException forCaller() {
    return new CredentialsRejectedException(httpStatus, errorCode, errorDescription, this);
  }
}
