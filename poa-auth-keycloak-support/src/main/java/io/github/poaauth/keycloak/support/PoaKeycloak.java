package io.github.poaauth.keycloak.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the tests talk to: Keycloak with the realm {@code cybrillarta}, behind the gateway that
 * serves POA's token path. One per test JVM, shared by every test class through
 * {@link KeycloakExtension}; closed (gateway, then Keycloak) when the test run ends.
 */
public final class PoaKeycloak implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PoaKeycloak.class);

  private final KeycloakServer server;
  private final TokenPathGateway gateway;
  private final KeycloakAdmin admin;

  private PoaKeycloak(KeycloakServer server, TokenPathGateway gateway) {
    this.server = server;
    this.gateway = gateway;
    this.admin = new KeycloakAdmin(server.baseUri());
  }

  /** Starts Keycloak (the slow part: 0.5 to 2 minutes), then the gateway in front of it. */
  public static PoaKeycloak start() {
    KeycloakServer server;
    try {
      server = KeycloakServer.start(KeycloakServer.Settings.fromSystemProperties(
          KeycloakAdmin.CLIENT_ID, KeycloakAdmin.CLIENT_SECRET));
    } catch (IOException e) {
      throw new UncheckedIOException("Keycloak did not start", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting Keycloak", e);
    }
    try {
      TokenPathGateway gateway = TokenPathGateway.start(server.tokenEndpoint());
      LOG.info("Keycloak {} ready in {} s (log: {}); POA token path at {}{}",
          server.baseUri(), server.startup().toSeconds(), server.logFile(), gateway.baseUrl(),
          CybrillartaRealm.POA_TOKEN_PATH);
      return new PoaKeycloak(server, gateway);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e instanceof IOException
          ? new UncheckedIOException("Gateway did not start", (IOException) e)
          : (RuntimeException) e;
    }
  }

  /** @return the base URL a POA client is given: the gateway's */
  public String baseUrl() {
    return gateway.baseUrl();
  }

  /** @return POA's token endpoint, on the gateway */
  public URI tokenEndpoint() {
    return URI.create(gateway.baseUrl() + CybrillartaRealm.POA_TOKEN_PATH);
  }

  public TokenPathGateway gateway() {
    return gateway;
  }

  public KeycloakAdmin admin() {
    return admin;
  }

  public KeycloakServer server() {
    return server;
  }

  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      server.close();
    }
  }
}
