package io.github.poaauth.client;

/**
 * The token endpoint answered with HTTP 200, but the body is not a usable token: larger than
 * 64 KiB, not JSON, not one JSON object (duplicate keys and trailing data are refused), a
 * content type other than JSON, a missing or blank {@code access_token} or one that is not an
 * RFC 6750 {@code b64token}, a {@code token_type} other than {@code Bearer} (compared
 * case-insensitively), or an {@code expires_in} that is missing, not an integer, not positive
 * or absurdly large. Not retried: the message names the field, never its value.
 */
public final class InvalidTokenResponseException extends PoaAuthException {
  private static final long serialVersionUID = 2L;

  InvalidTokenResponseException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  InvalidTokenResponseException forCaller() {
    return new InvalidTokenResponseException(getMessage(), this);
  }
}
