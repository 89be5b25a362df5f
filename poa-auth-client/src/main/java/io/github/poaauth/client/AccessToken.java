package io.github.poaauth.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A bearer token issued by POA's token endpoint. Its lifetime counts from when the token request
 * was sent, not from when the answer arrived. {@link #toString()} never shows the value;
 * {@link #equals(Object)} compares all fields, the value included.
 * @param value the secret {@code access_token}; never log it
 * @param tokenType the {@code token_type} as the endpoint sent it ({@code Bearer})
 * @param scope the scopes granted, space separated, if the endpoint sent any
 * @param issuedAt when the token request was sent: the start of the lifetime as we count it
 * @param lifetime the lifetime the endpoint granted ({@code expires_in})
 */
public record AccessToken(String value, String tokenType, Optional<String> scope,
    Instant issuedAt, Duration lifetime) {
  /** RFC 6750's {@code b64token}: no control characters, spaces or non-ASCII in a header. */
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

  /**
   * Checks the fields.
   * @param value the {@code access_token}, an RFC 6750 {@code b64token}
   * @param tokenType the {@code token_type}, not null
   * @param scope the granted {@code scope}, not null (empty when none was sent)
   * @param issuedAt when the token request was sent, not null
   * @param lifetime the {@code expires_in} the endpoint granted, positive
   * @throws IllegalArgumentException if value is not a {@code b64token} or lifetime not positive
   */
  public AccessToken {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("access token value is blank");
    }
    if (!B64TOKEN.matcher(value).matches()) {
      throw new IllegalArgumentException("access token value is not an RFC 6750 b64token "
          + "(letters, digits, - . _ ~ + /, then = padding)");
    }
    if (lifetime == null || lifetime.isZero() || lifetime.isNegative()) {
      throw new IllegalArgumentException("token lifetime must be positive but was " + lifetime);
    }
    Objects.requireNonNull(tokenType, "tokenType");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(issuedAt, "issuedAt");
  }

  /**
   * {@return a token} Used by the provider, and by partners' tests that need a token value.
   * @param value the {@code access_token}
   * @param tokenType the {@code token_type} ({@code Bearer})
   * @param scope the granted {@code scope}, or {@code null} when the endpoint sent none
   * @param issuedAt when the token request was sent
   * @param lifetime the {@code expires_in} the endpoint granted, positive
   * @throws IllegalArgumentException as the constructor does
   */
  public static AccessToken of(String value, String tokenType, String scope, Instant issuedAt,
      Duration lifetime) {
    return new AccessToken(value, tokenType, Optional.ofNullable(scope), issuedAt, lifetime);
  }

  /** {@return the nominal expiry: {@link #issuedAt()} plus {@link #lifetime()}} */
  public Instant expiresAt() {
    return issuedAt.plus(lifetime);
  }

  /** {@return {@code "Bearer <value>"}, ready for the {@code Authorization} header} */
  public String authorizationHeader() {
    return "Bearer " + value;
  }

  /** Lists type, scope and times; the value is masked. */
  @Override
  public String toString() {
    return "AccessToken{value=****, tokenType=" + tokenType + ", scope=" + scope.orElse(null)
        + ", issuedAt=" + issuedAt + ", expiresAt=" + expiresAt() + '}';
  }
}
