package io.github.poaauth.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issues and checks the sandbox's tokens, shaped like Keycloak 26's for a client-credentials
 * grant.
 *
 * <p>The JWT header is Keycloak's, byte for byte, odd spaces included:
 * {@code {"alg":"RS256","typ" : "JWT","kid" : "<kid>"}}, so a token starts with the same 48
 * characters as the sample on POA's page. The access token's claims are exactly Keycloak's for a
 * partner client whose only scope is {@code partner}: {@code exp}, {@code iat}, {@code jti}
 * ({@code trrtcc:<uuid>}), {@code iss}, {@code sub}, {@code typ} ({@code Bearer}), {@code azp},
 * {@code scope}. For {@code scope=openid} there is also an ID token: {@code exp}, {@code iat},
 * {@code jti}, {@code iss}, {@code aud}, {@code sub}, {@code typ} ({@code ID}), {@code azp},
 * {@code at_hash}.
 *
 * <p>Signed RS256 (SHA256withRSA) with an RSA 2048 key pair generated for this instance; the
 * {@code kid} is derived from the public key as Keycloak derives it (base64url of the SHA-256 of
 * its X.509 encoding). The private key never leaves the instance.
 *
 * <p>Thread-safe: the keys are immutable and every signature gets its own {@link Signature}.
 */
final class TokenIssuer {

  private static final String SIGNATURE_ALGORITHM = "SHA256withRSA";
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();
  private static final Pattern EXP = Pattern.compile("\"exp\":(\\d+)[,}]");
  private static final Pattern BEARER = Pattern.compile("\"typ\":\"Bearer\"[,}]");
  /** Keycloak's prefix of a client-credentials access token's {@code jti}. */
  static final String ACCESS_TOKEN_JTI_PREFIX = "trrtcc:";

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;
  /** The base64url-encoded header, the same for every token of this instance. */
  private final String header;
  private final String issuer;
  private final Clock clock;

  TokenIssuer(String issuer, Clock clock, SecureRandom random) {
    KeyPair keys;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, random);
      keys = generator.generateKeyPair();
      this.keyId = BASE64URL.encodeToString(
          MessageDigest.getInstance("SHA-256").digest(keys.getPublic().getEncoded()));
    } catch (GeneralSecurityException e) {
      // RSA key pairs of 2048 bits and SHA-256 are required of every Java SE platform.
      throw new IllegalStateException("RSA 2048 or SHA-256 is not available in this JVM", e);
    }
    this.privateKey = keys.getPrivate();
    this.publicKey = keys.getPublic();
    // Keycloak's JWT header, written by hand: Jackson's pretty-printer spacing is part of it.
    this.header = BASE64URL.encodeToString(("{\"alg\":\"RS256\",\"typ\" : \"JWT\",\"kid\" : \""
        + keyId + "\"}").getBytes(StandardCharsets.UTF_8));
    this.issuer = issuer;
    this.clock = clock;
  }

  /** The tokens of one grant: the access token, and the ID token if {@code openid} was asked for. */
  static final class Tokens {

    final String accessToken;
    /** Null unless the request's scope had {@code openid}. */
    final String idToken;

    private Tokens(String accessToken, String idToken) {
      this.accessToken = accessToken;
      this.idToken = idToken;
    }
  }

  /**
   * @param scope the access token's {@code scope} claim, as the token response says it
   * @param withIdToken whether to issue an ID token too ({@code scope} had {@code openid})
   */
  Tokens issue(String clientId, String scope, Duration lifetime, boolean withIdToken) {
    Instant now = clock.instant();
    long iat = now.getEpochSecond();
    long exp = now.plus(lifetime).getEpochSecond();
    String sub = UUID.nameUUIDFromBytes(
        ("service-account-" + clientId).getBytes(StandardCharsets.UTF_8)).toString();

    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("exp", exp);
    claims.put("iat", iat);
    claims.put("jti", ACCESS_TOKEN_JTI_PREFIX + UUID.randomUUID());
    claims.put("iss", issuer);
    claims.put("sub", sub);
    claims.put("typ", "Bearer");
    claims.put("azp", clientId);
    claims.put("scope", scope);
    String accessToken = sign(claims);
    if (!withIdToken) {
      return new Tokens(accessToken, null);
    }

    Map<String, Object> id = new LinkedHashMap<>();
    id.put("exp", exp);
    id.put("iat", iat);
    id.put("jti", UUID.randomUUID().toString());
    id.put("iss", issuer);
    id.put("aud", clientId);
    id.put("sub", sub);
    id.put("typ", "ID");
    id.put("azp", clientId);
    id.put("at_hash", atHash(accessToken));
    return new Tokens(accessToken, sign(id));
  }

  /**
   * Whether this issuer signed the token as an access token ({@code typ} {@code Bearer}; an ID
   * token is not one) and its {@code exp} is still ahead of the clock.
   */
  boolean isValid(String token) {
    if (token == null) {
      return false;
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals(header)) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
      verifier.initVerify(publicKey);
      verifier.update((parts[0] + '.' + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(BASE64URL_DECODER.decode(parts[2]))) {
        return false;
      }
      String payload = new String(BASE64URL_DECODER.decode(parts[1]), StandardCharsets.UTF_8);
      Matcher exp = EXP.matcher(payload);
      return BEARER.matcher(payload).find() && exp.find()
          && clock.instant().getEpochSecond() < Long.parseLong(exp.group(1));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // Not base64url, or a signature of the wrong length: not a token of this issuer.
      return false;
    }
  }

  private String sign(Map<String, Object> claims) {
    String signingInput = header + '.'
        + BASE64URL.encodeToString(Json.object(claims).getBytes(StandardCharsets.UTF_8));
    try {
      Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
      signer.initSign(privateKey);
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + '.' + BASE64URL.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      // SHA256withRSA is a required algorithm of the Java SE platform.
      throw new IllegalStateException("SHA256withRSA is not available in this JVM", e);
    }
  }

  /** OpenID Connect's {@code at_hash}: base64url of the left half of the token's SHA-256. */
  private static String atHash(String accessToken) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(accessToken.getBytes(StandardCharsets.US_ASCII));
      return BASE64URL.encodeToString(Arrays.copyOf(digest, digest.length / 2));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
