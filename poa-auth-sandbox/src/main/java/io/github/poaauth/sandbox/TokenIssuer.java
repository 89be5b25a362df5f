package io.github.poaauth.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks the sandbox's JWT-shaped access tokens.
 *
 * <p>Claims follow a Keycloak 26 client-credentials token ({@code exp}, {@code iat}, {@code jti},
 * {@code iss}, {@code sub}, {@code typ}, {@code azp}, {@code scope}, {@code client_id},
 * {@code preferred_username}). Keycloak signs with RS256 and publishes the key; the sandbox signs
 * with HS256 under a random key that never leaves the instance, since nobody but the sandbox
 * itself verifies its tokens.
 *
 * <p>Thread-safe: the key is immutable and every signature gets its own {@link Mac}.
 */
final class TokenIssuer {

  private static final String ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();
  private static final Pattern EXP = Pattern.compile("\"exp\":(\\d+)");
  private static final String HEADER = BASE64URL.encodeToString(
      Json.object(headerFields()).getBytes(StandardCharsets.UTF_8));

  private final SecretKeySpec key;
  private final String issuer;
  private final Clock clock;

  TokenIssuer(String issuer, Clock clock, SecureRandom random) {
    byte[] keyBytes = new byte[32];
    random.nextBytes(keyBytes);
    this.key = new SecretKeySpec(keyBytes, ALGORITHM);
    this.issuer = issuer;
    this.clock = clock;
  }

  String issue(String clientId, String scope, Duration lifetime) {
    Instant now = clock.instant();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("exp", now.plus(lifetime).getEpochSecond());
    claims.put("iat", now.getEpochSecond());
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("iss", issuer);
    claims.put("sub", UUID.nameUUIDFromBytes(
        ("service-account-" + clientId).getBytes(StandardCharsets.UTF_8)).toString());
    claims.put("typ", "Bearer");
    claims.put("azp", clientId);
    claims.put("scope", scope);
    claims.put("client_id", clientId);
    claims.put("preferred_username", "service-account-" + clientId);
    String signingInput = HEADER + '.'
        + BASE64URL.encodeToString(Json.object(claims).getBytes(StandardCharsets.UTF_8));
    return signingInput + '.' + BASE64URL.encodeToString(sign(signingInput));
  }

  /** Whether this issuer signed the token and its {@code exp} is still ahead of the clock. */
  boolean isValid(String token) {
    if (token == null) {
      return false;
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return false;
    }
    try {
      byte[] signature = BASE64URL_DECODER.decode(parts[2]);
      if (!MessageDigest.isEqual(signature, sign(parts[0] + '.' + parts[1]))) {
        return false;
      }
      String payload = new String(BASE64URL_DECODER.decode(parts[1]), StandardCharsets.UTF_8);
      Matcher exp = EXP.matcher(payload);
      return exp.find() && clock.instant().getEpochSecond() < Long.parseLong(exp.group(1));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private byte[] sign(String signingInput) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      // Every JDK ships HmacSHA256 (a required algorithm of the Java SE platform).
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static Map<String, Object> headerFields() {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "HS256");
    header.put("typ", "JWT");
    header.put("kid", "poa-sandbox");
    return header;
  }
}
