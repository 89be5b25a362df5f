package io.github.poaauth.contract;

import static io.github.poaauth.contract.PartnerCredentials.EXAMPLE_CLIENT_ID;
import static io.github.poaauth.contract.PartnerCredentials.EXAMPLE_CLIENT_SECRET;
import static io.github.poaauth.contract.PartnerCredentials.EXAMPLE_UNKNOWN_CLIENT_ID;
import static org.assertj.core.api.Assertions.assertThat;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.State;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Verifies every pact of {@code target/pacts} against {@code poa-auth-sandbox}, as a provider
 * would: the sandbox partners test with answers what the contract says POA answers.
 *
 * <p>The provider states need no setup beyond the sandbox's one client: the pacts' example
 * credentials (see {@link PartnerCredentials}) are registered, and the unknown client is not.
 */
@Provider(PoaTokenEndpointPactTest.PROVIDER)
@PactFolder("target/pacts")
class PactsVerifiedAgainstSandboxIT {

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension(
      PoaSandbox.builder().client(EXAMPLE_CLIENT_ID, EXAMPLE_CLIENT_SECRET));

  @BeforeEach
  void aimAtTheSandbox(PactVerificationContext context) {
    URI sandbox = URI.create(POA.sandbox().baseUrl());
    context.setTarget(new HttpTestTarget(sandbox.getHost(), sandbox.getPort()));
  }

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void sandboxHonoursTheInteraction(PactVerificationContext context) {
    context.verifyInteraction();
    assertThat(POA.sandbox().tokenRequestCount()).as("requests the sandbox saw").isEqualTo(1);
  }

  @State(PoaTokenEndpointPactTest.REGISTERED)
  void partnerClientIsRegistered() {
    assertThat(POA.sandbox().clientIds()).contains(EXAMPLE_CLIENT_ID);
  }

  @State(PoaTokenEndpointPactTest.WRONG_SECRET)
  void partnerClientSecretIsWrong() {
    assertThat(POA.sandbox().clientIds()).contains(EXAMPLE_CLIENT_ID);
  }

  @State(PoaTokenEndpointPactTest.UNKNOWN_CLIENT)
  void partnerClientIsUnknown() {
    assertThat(POA.sandbox().clientIds()).doesNotContain(EXAMPLE_UNKNOWN_CLIENT_ID);
  }
}
