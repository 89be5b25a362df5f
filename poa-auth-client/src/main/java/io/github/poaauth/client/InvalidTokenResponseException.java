package io.github.poaauth.client;

/**
 * The token endpoint answered with HTTP 200, but the body is not a usable token: not JSON, not
 * a JSON object, a content type other than JSON, a missing or blank {@code access_token}, a
 * {@code token_type} other than {@code Bearer} (compared case-insensitively), or an
 * {@code expires_in} that is missing, not an integer, not positive or absurdly large. Not
 * retried: the message names the field, never its value.
 */
public final class InvalidTokenResponseException extends PoaAuthException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong with the response, naming the field and never a token value
   * @param cause the parse failure, or {@code null}
   */
  public InvalidTokenResponseException(String message, Throwable cause) {
    super(message, cause);
  }
}
