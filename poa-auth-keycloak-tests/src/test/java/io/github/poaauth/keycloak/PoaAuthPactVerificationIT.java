package io.github.poaauth.keycloak;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.State;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import io.github.poaauth.keycloak.support.KeycloakExtension;
import io.github.poaauth.keycloak.support.PoaKeycloak;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies poa-auth-client's pacts against Keycloak, through the gateway that serves POA's path:
 * the contract holds for the server software POA runs, not only for our sandbox.
 *
 * <p>The pacts come from poa-auth-contract-tests' build ({@code poa.pacts.dir}, set by the pom);
 * none there fails the verification. Each state handler makes its state true through Keycloak's
 * admin API, for the pacts' example credentials (see {@link CybrillartaRealm}), whatever ran
 * before it.
 */
@Provider("poa-auth")
@PactFolder("${poa.pacts.dir}")
@ExtendWith(KeycloakExtension.class)
class PoaAuthPactVerificationIT {

  /** Static: Pact calls state handlers on an instance it makes itself, with no parameters. */
  private static PoaKeycloak keycloak;

  @BeforeAll
  static void keycloak(PoaKeycloak started) {
    keycloak = started;
  }

  @BeforeEach
  void target(PactVerificationContext context) {
    context.setTarget(new HttpTestTarget("127.0.0.1", keycloak.gateway().port()));
  }

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void interaction(PactVerificationContext context) {
    context.verifyInteraction();
  }

  @State("partner client is registered")
  void partnerClientIsRegistered() {
    keycloak.admin().ensurePartnerClient(CybrillartaRealm.PARTNER_CLIENT_ID,
        CybrillartaRealm.PARTNER_CLIENT_SECRET);
  }

  /** The pact sends the registered client's id with a secret that is not its secret. */
  @State("partner client secret is wrong")
  void partnerClientSecretIsWrong() {
    keycloak.admin().ensurePartnerClient(CybrillartaRealm.PARTNER_CLIENT_ID,
        CybrillartaRealm.PARTNER_CLIENT_SECRET);
  }

  @State("partner client is unknown")
  void partnerClientIsUnknown() {
    keycloak.admin().ensureNoClient(CybrillartaRealm.UNKNOWN_CLIENT_ID);
  }
}
