package io.github.poaauth.client;

/**
 * The token endpoint answered HTTP 200 without a usable token: a body over 64 KiB, not a JSON
 * content type, not one strict JSON object (no duplicate keys or trailing data), or without a
 * valid {@code access_token} (an RFC 6750 {@code b64token}), {@code token_type} {@code Bearer}
 * (any case) or {@code expires_in} (1 s to 7 days). Not retried; the message names the field,
 * never its value.
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
