package io.github.poaauth.client;

import java.util.Optional;

/**
 * The token endpoint rejected the request with an OAuth 2.0 error (RFC 6749 section 5.2), for
 * example {@code invalid_client} (unknown client id) or {@code unauthorized_client} (wrong
 * secret, as Keycloak answers it).
 *
 * <p>Never retried: the same credentials get the same answer, and an identity provider may lock
 * out a client that keeps failing. After a rejection, {@link PoaTokenProvider} fails further
 * calls fast with a new instance of this exception (the first one as its cause) until its
 * rejection cool-down has passed, or at once when the client secret it reads has changed (see
 * {@link PoaTokenProvider.Builder#clientSecretSource(java.util.function.Supplier)}).
 *
 * <p>The error code and description are what the server sent, reduced to printable ASCII, the
 * code to RFC 6749's character set and 64 characters, the description to 200; the message
 * holds only the status and the code.
 */
public final class CredentialsRejectedException extends PoaAuthException {
  private static final long serialVersionUID = 2L;

  /** The HTTP status of the rejection. */
  private final int httpStatus;
  /** The OAuth {@code error}, checked against RFC 6749's syntax, or null. */
  private final String errorCode;
  /** The OAuth {@code error_description}, printable ASCII, at most 200 characters, or null. */
  private final String errorDescription;

  CredentialsRejectedException(int httpStatus, String errorCode, String errorDescription,
      Throwable cause) {
    super(message(httpStatus, errorCode, errorDescription), cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.errorDescription = errorDescription;
  }

  private static String message(int status, String code, String description) {
    StringBuilder sb = new StringBuilder("POA token endpoint rejected the client credentials: HTTP ")
        .append(status);
    if (code != null) {
      sb.append(' ').append(code);
    }
    return sb.toString();
  }

  /**
   * The HTTP status of the rejection.
   *
   * @return 400, 401 or 403
   */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * The OAuth {@code error} code.
   *
   * @return such as {@code invalid_client}, if the body had one
   */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /**
   * The OAuth {@code error_description}.
   *
   * @return the description, if the body had one
   */
  public Optional<String> errorDescription() {
    return Optional.ofNullable(errorDescription);
  }

  @Override
  CredentialsRejectedException forCaller() {
    return new CredentialsRejectedException(httpStatus, errorCode, errorDescription, this);
  }
}
