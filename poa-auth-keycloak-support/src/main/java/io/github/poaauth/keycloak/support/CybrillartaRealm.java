package io.github.poaauth.keycloak.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.poaauth.sandbox.PoaSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The test realm {@code cybrillarta} ({@value #RESOURCE}): what the tests know about it, in one
 * place.
 *
 * <p>The credentials are the pacts' example values, written by poa-auth-contract-tests
 * ({@code PartnerCredentials.EXAMPLE_*}): Pact verification replays the example request bodies
 * verbatim, so the realm must register exactly this client id with exactly this secret, must not
 * register {@link #UNKNOWN_CLIENT_ID}, and {@link #WRONG_CLIENT_SECRET} must differ from the
 * secret. {@code PactExamplesMatchRealmTest} checks the pact files and the realm file against
 * these constants, so a change on either side fails fast with a message, not as a 401 in the
 * middle of a verification. All values are fake.
 */
public final class CybrillartaRealm {

  public static final String NAME = "cybrillarta";
  /** Classpath resource of the realm file imported at start. */
  public static final String RESOURCE = "/keycloak/cybrillarta-realm.json";
  /** The only default client scope of the partner client, hence the token response's scope. */
  public static final String PARTNER_SCOPE = "partner";
  /** The page's {@code expires_in}. */
  public static final int ACCESS_TOKEN_LIFESPAN_SECONDS = 1800;

  public static final String PARTNER_CLIENT_ID = "example-partner-client";
  public static final String PARTNER_CLIENT_SECRET = "example-secret-not-real";
  public static final String WRONG_CLIENT_SECRET = "example-wrong-secret-not-real";
  public static final String UNKNOWN_CLIENT_ID = "example-unknown-client";

  /** POA's path, served by the gateway: the spec's, as the sandbox holds it. */
  public static final String POA_TOKEN_PATH = PoaSandbox.TOKEN_PATH;
  /** Keycloak's path of the same endpoint. */
  public static final String KEYCLOAK_TOKEN_PATH = "/realms/" + NAME + "/protocol/openid-connect/token";
  /** Served once the realm is imported: Keycloak's readiness for these tests. */
  public static final String DISCOVERY_PATH = "/realms/" + NAME + "/.well-known/openid-configuration";

  private static final ObjectMapper JSON = new ObjectMapper();

  private CybrillartaRealm() {}

  /** @return the realm file as JSON */
  public static ObjectNode file() {
    try (InputStream in = CybrillartaRealm.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Realm file " + RESOURCE + " is not on the classpath");
      }
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }

  /** @return the realm file's representation of a client, if it registers it */
  public static Optional<ObjectNode> client(String clientId) {
    for (JsonNode client : file().path("clients")) {
      if (clientId.equals(client.path("clientId").asText(null))) {
        return Optional.of((ObjectNode) client);
      }
    }
    return Optional.empty();
  }
}
