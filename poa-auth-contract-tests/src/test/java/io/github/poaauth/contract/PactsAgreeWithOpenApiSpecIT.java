package io.github.poaauth.contract;

import static io.github.poaauth.contract.PoaTokenEndpointPactTest.CONSUMER;
import static io.github.poaauth.contract.PoaTokenEndpointPactTest.PROVIDER;
import static io.github.poaauth.contract.PoaTokenEndpointPactTest.REGISTERED;
import static io.github.poaauth.contract.PoaTokenEndpointPactTest.UNKNOWN_CLIENT;
import static io.github.poaauth.contract.PoaTokenEndpointPactTest.WRONG_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.poaauth.contract.spec.OpenApiPactCheck;
import io.github.poaauth.contract.spec.PactInteraction;
import io.github.poaauth.contract.spec.SpecViolation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spec check of the build: after surefire wrote the pacts, every interaction in every pact
 * file must agree with openapi/poa-auth.yaml. A mismatch fails the build with a message naming
 * the interaction and the field.
 */
class PactsAgreeWithOpenApiSpecIT {

  @Test
  void everyInteractionInEveryPactFile_agreesWithTheSpec() {
    List<Path> pactFiles = OpenApiPactCheck.pactFilesIn(ContractBuildPaths.pactDir());
    assertThat(pactFiles).as("pact files in %s", ContractBuildPaths.pactDir()).isNotEmpty();

    List<SpecViolation> violations =
        OpenApiPactCheck.forSpecFile(ContractBuildPaths.spec()).checkAll(pactFiles);

    if (!violations.isEmpty()) {
      fail(OpenApiPactCheck.describe(violations));
    }
  }

  /** Guards the check above against passing on a pact that lost its interactions. */
  @Test
  void tokenEndpointPact_holdsOneInteractionPerProviderState() {
    Path pact = ContractBuildPaths.pactDir().resolve(CONSUMER + "-" + PROVIDER + ".json");

    List<PactInteraction> interactions = PactInteraction.readAll(pact);

    assertThat(interactions).allMatch(PactInteraction::isHttp);
    assertThat(interactions).flatExtracting(PactInteraction::providerStates)
        .containsExactlyInAnyOrder(REGISTERED, WRONG_SECRET, UNKNOWN_CLIENT);
  }
}
