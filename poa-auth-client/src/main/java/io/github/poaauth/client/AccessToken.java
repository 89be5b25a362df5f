package io.github.poaauth.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A bearer token issued by POA's token endpoint. Immutable and thread-safe. Its lifetime counts
 * from when the token request was sent, not from when the answer arrived. {@link #toString()}
 * never shows the value; {@link #equals(Object)} compares all fields, the value included.
 *
 * <pre>{@code
 * AccessToken token = provider.token();
 * request.header("Authorization", token.authorizationHeader());
 * }</pre>
 */
public final class AccessToken {
  /** RFC 6750's {@code b64token}: no control characters, spaces or non-ASCII in a header. */
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

  private final String value;
  private final String tokenType;
  private final String scope;
  private final Instant issuedAt;
  private final Duration lifetime;
  private final Instant expiresAt;
  /** Built once: {@link #authorizationHeader()} is on every request's path. */
  private final String authorizationHeader;

  private AccessToken(String value, String tokenType, String scope, Instant issuedAt,
      Duration lifetime) {
    this.value = Objects.requireNonNull(value, "value");
    this.tokenType = Objects.requireNonNull(tokenType, "tokenType");
    this.scope = scope;
    this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    this.expiresAt = issuedAt.plus(lifetime);
    this.authorizationHeader = "Bearer " + value;
  }

  /**
   * Creates a token; used by the provider, and by partners' tests that need a token value.
   *
   * @param value the {@code access_token}, not blank
   * @param tokenType the {@code token_type} as sent by the endpoint ({@code Bearer})
   * @param scope the granted {@code scope}, or {@code null} when the endpoint sent none
   * @param issuedAt when the token request was sent
   * @param lifetime the {@code expires_in} the endpoint granted, positive
   * @return the token
   * @throws IllegalArgumentException if value is blank or not an RFC 6750 {@code b64token}, or
   *     lifetime is not positive
   */
  public static AccessToken of(String value, String tokenType, String scope, Instant issuedAt,
      Duration lifetime) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("access token value must not be blank");
    }
    if (!B64TOKEN.matcher(value).matches()) {
      throw new IllegalArgumentException("access token value is not an RFC 6750 b64token "
          + "(letters, digits, - . _ ~ + /, then = padding)");
    }
    if (lifetime == null || lifetime.isZero() || lifetime.isNegative()) {
      throw new IllegalArgumentException("token lifetime must be positive but was " + lifetime);
    }
    return new AccessToken(value, tokenType, scope, issuedAt, lifetime);
  }

  /** {@return the secret token value ({@code access_token})}; never log it. */
  public String value() {
    return value;
  }

  /** {@return the token type as the endpoint sent it, {@code Bearer}} */
  public String tokenType() {
    return tokenType;
  }

  /** {@return the scopes granted, space separated, if the endpoint sent any} */
  public Optional<String> scope() {
    return Optional.ofNullable(scope);
  }

  /** {@return when the token request was sent: the start of the lifetime as we count it} */
  public Instant issuedAt() {
    return issuedAt;
  }

  /** {@return the lifetime the endpoint granted ({@code expires_in})} */
  public Duration lifetime() {
    return lifetime;
  }

  /** {@return the nominal expiry: {@link #issuedAt()} plus {@link #lifetime()}} */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** {@return {@code "Bearer <value>"}, ready for the {@code Authorization} header} */
  public String authorizationHeader() {
    return authorizationHeader;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccessToken that && value.equals(that.value)
        && tokenType.equals(that.tokenType) && Objects.equals(scope, that.scope)
        && issuedAt.equals(that.issuedAt) && lifetime.equals(that.lifetime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, tokenType, scope, issuedAt, lifetime);
  }

  /** Lists type, scope and times; the value is masked. */
  @Override
  public String toString() {
    return "AccessToken{value=****, tokenType=" + tokenType + ", scope=" + scope
        + ", issuedAt=" + issuedAt + ", expiresAt=" + expiresAt + '}';
  }
}
