package io.github.poaauth.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clients the sandbox accepts, with their secrets kept only as salted SHA-256 digests.
 *
 * <p>Holding digests rather than secrets means a heap dump, a debugger or a careless
 * {@code toString()} cannot show a registered secret. Immutable and thread-safe.
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
  private final Map<String, byte[]> digestsById;

  RegisteredClients(Map<String, String> secretsById, SecureRandom random) {
    this.salt = new byte[16];
    random.nextBytes(salt);
    Map<String, byte[]> digests = new LinkedHashMap<>();
    secretsById.forEach((id, secret) -> digests.put(id, digest(secret)));
    this.digestsById = Collections.unmodifiableMap(digests);
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

  List<String> ids() {
    return List.copyOf(digestsById.keySet());
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
