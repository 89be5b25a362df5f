package io.github.poaauth.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The clients the sandbox accepts, with their secrets kept only as salted SHA-256 digests.
 *
 * <p>Holding digests rather than secrets means a heap dump, a debugger or a careless
 * {@code toString()} cannot show a registered secret. Thread-safe: the digests are one immutable
 * map, replaced whole by {@link #rotate}; a rotation applies from the next request.
 */
final class RegisteredClients {

  /** Outcome of checking presented credentials, in Keycloak's terms. */
  enum Verdict {
    /** Known client, right secret. */
    AUTHENTICATED,
    /** No client id presented, or one that is not registered: Keycloak's {@code invalid_client}. */
    UNKNOWN_CLIENT,
    /** Registered client with a missing or wrong secret: Keycloak's {@code unauthorized_client}. */
    WRONG_SECRET
  }

  private final byte[] salt;
  private volatile Map<String, byte[]> digestsById;

  RegisteredClients(Map<String, String> secretsById, SecureRandom random) {
    this.salt = new byte[16];
    random.nextBytes(salt);
    this.digestsById = digests(secretsById);
  }

  /** Replaces every secret, as registered at the start (for {@link PoaSandbox#reset()}). */
  void restore(Map<String, String> secretsById) {
    digestsById = digests(secretsById);
  }

  /**
   * Gives {@code clientId} a new secret, from the next request on.
   *
   * @throws IllegalArgumentException for an unknown client or a blank secret
   */
  synchronized void rotate(String clientId, String newSecret) {
    if (clientId == null || !digestsById.containsKey(clientId)) {
      throw new IllegalArgumentException("no client '" + clientId + "' is registered; registered: "
          + digestsById.keySet());
    }
    if (newSecret == null || newSecret.isBlank()) {
      throw new IllegalArgumentException("the new secret of client '" + clientId
          + "' must not be blank");
    }
    Map<String, byte[]> next = new LinkedHashMap<>(digestsById);
    next.put(clientId, digest(newSecret));
    digestsById = Collections.unmodifiableMap(next);
  }

  private Map<String, byte[]> digests(Map<String, String> secretsById) {
    Map<String, byte[]> digests = new LinkedHashMap<>();
    secretsById.forEach((id, secret) -> digests.put(id, digest(secret)));
    return Collections.unmodifiableMap(digests);
  }

  Verdict check(String clientId, String presentedSecret) {
    byte[] expected = clientId == null ? null : digestsById.get(clientId);
    if (expected == null) {
      return Verdict.UNKNOWN_CLIENT;
    }
    if (presentedSecret == null) {
      return Verdict.WRONG_SECRET;
    }
    // Constant-time, like a real server: the sandbox should not teach timing-leaky habits.
    return MessageDigest.isEqual(expected, digest(presentedSecret))
        ? Verdict.AUTHENTICATED : Verdict.WRONG_SECRET;
  }

  private byte[] digest(String secret) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(salt);
      return sha256.digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      // SHA-256 is a required algorithm of the Java SE platform.
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
