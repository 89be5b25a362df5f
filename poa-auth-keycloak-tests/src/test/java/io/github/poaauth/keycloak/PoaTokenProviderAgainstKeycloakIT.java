package io.github.poaauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import io.github.poaauth.keycloak.support.Jwt;
import io.github.poaauth.keycloak.support.KeycloakExtension;
import io.github.poaauth.keycloak.support.PoaKeycloak;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real {@link PoaTokenProvider} against Keycloak, through the gateway, as a partner uses it. */
@ExtendWith(KeycloakExtension.class)
class PoaTokenProviderAgainstKeycloakIT {

  private final PoaKeycloak keycloak;

  PoaTokenProviderAgainstKeycloakIT(PoaKeycloak keycloak) {
    this.keycloak = keycloak;
  }

  @Test
  void token_isKeycloaksJwt_withPartnerScope_andExpAgreeingWithExpiresAt() {
    try (PoaTokenProvider tokens = provider(CybrillartaRealm.PARTNER_CLIENT_SECRET)) {
      Instant before = Instant.now();
      AccessToken token = tokens.token();
      Instant after = Instant.now();

      assertThat(token.tokenType()).isEqualToIgnoringCase("Bearer");
      assertThat(token.scope()).hasValue(CybrillartaRealm.PARTNER_SCOPE);
      assertThat(token.lifetime())
          .isEqualTo(Duration.ofSeconds(CybrillartaRealm.ACCESS_TOKEN_LIFESPAN_SECONDS));
      assertThat(token.issuedAt()).isBetween(before, after);

      Jwt jwt = Jwt.decode(token.value());
      assertThat(jwt.header.path("alg").asText()).isEqualTo("RS256");
      assertThat(jwt.claims.path("azp").asText()).isEqualTo(CybrillartaRealm.PARTNER_CLIENT_ID);
      assertThat(jwt.claims.path("scope").asText()).isEqualTo(CybrillartaRealm.PARTNER_SCOPE);
      assertThat(jwt.claims.path("iss").asText()).endsWith("/realms/" + CybrillartaRealm.NAME);
      long exp = jwt.claims.path("exp").asLong();
      long iat = jwt.claims.path("iat").asLong();
      assertThat(exp - iat).isEqualTo(CybrillartaRealm.ACCESS_TOKEN_LIFESPAN_SECONDS);
      // expiresAt counts from when the request was sent, exp from when Keycloak issued it (in
      // whole seconds): exp may be up to 1 s earlier (truncation) and later by the transit
      // time, which must stay well inside the skew the provider keeps before expiry.
      Duration expMinusExpiresAt = Duration.between(token.expiresAt(), Instant.ofEpochSecond(exp));
      assertThat(expMinusExpiresAt)
          .isGreaterThan(Duration.ofSeconds(-1))
          .isLessThan(PoaTokenProvider.DEFAULT_EXPIRY_SKEW);
    }
  }

  @Test
  void token_askedAgain_comesFromTheCache_withoutAnotherRequest() {
    try (PoaTokenProvider tokens = provider(CybrillartaRealm.PARTNER_CLIENT_SECRET)) {
      int before = keycloak.gateway().tokenRequests();

      AccessToken first = tokens.token();
      AccessToken second = tokens.token();

      assertThat(second).isSameAs(first);
      assertThat(keycloak.gateway().tokenRequests() - before).isEqualTo(1);
    }
  }

  @Test
  void token_afterInvalidate_isANewOneFromKeycloak() {
    try (PoaTokenProvider tokens = provider(CybrillartaRealm.PARTNER_CLIENT_SECRET)) {
      AccessToken first = tokens.token();
      int before = keycloak.gateway().tokenRequests();

      tokens.invalidate(first);
      AccessToken second = tokens.token();

      assertThat(second.value()).isNotEqualTo(first.value());
      assertThat(keycloak.gateway().tokenRequests() - before).isEqualTo(1);
    }
  }

  @Test
  void token_withWrongSecret_isRejectedWithKeycloaksUnauthorizedClient_andNotRetried() {
    try (PoaTokenProvider tokens = provider(CybrillartaRealm.WRONG_CLIENT_SECRET)) {
      int before = keycloak.gateway().tokenRequests();

      CredentialsRejectedException rejected =
          catchThrowableOfType(CredentialsRejectedException.class, tokens::token);

      assertThat(rejected).isNotNull();
      assertThat(rejected.httpStatus()).isEqualTo(401);
      assertThat(rejected.errorCode()).hasValue("unauthorized_client");
      assertThat(rejected.errorDescription())
          .hasValue("Invalid client or Invalid client credentials");
      assertThat(rejected.getMessage()).doesNotContain(CybrillartaRealm.WRONG_CLIENT_SECRET);
      assertThat(keycloak.gateway().tokenRequests() - before).isEqualTo(1);
    }
  }

  @Test
  void token_forUnknownClient_isRejectedWithKeycloaksInvalidClient() {
    try (PoaTokenProvider tokens = PoaTokenProvider.builder()
        .baseUrl(keycloak.baseUrl())
        .clientId(CybrillartaRealm.UNKNOWN_CLIENT_ID)
        .clientSecret(CybrillartaRealm.PARTNER_CLIENT_SECRET)
        .build()) {
      CredentialsRejectedException rejected =
          catchThrowableOfType(CredentialsRejectedException.class, tokens::token);

      assertThat(rejected).isNotNull();
      assertThat(rejected.httpStatus()).isEqualTo(401);
      assertThat(rejected.errorCode()).hasValue("invalid_client");
    }
  }

  private PoaTokenProvider provider(String secret) {
    return PoaTokenProvider.builder()
        .baseUrl(keycloak.baseUrl())
        .clientId(CybrillartaRealm.PARTNER_CLIENT_ID)
        .clientSecret(secret)
        .build();
  }
}
