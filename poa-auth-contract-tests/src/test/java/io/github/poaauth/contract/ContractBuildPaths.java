package io.github.poaauth.contract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the failsafe checks find the pacts and the spec: set by this module's pom. */
final class ContractBuildPaths {

  private ContractBuildPaths() {}

  /** {@code target/pacts}, written by surefire's {@code *PactTest} classes. */
  static Path pactDir() {
    Path dir = Paths.get(required("pact.rootDir"));
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("No pact directory " + dir
          + ": the Pact consumer tests (surefire, phase test) write it; run at least 'verify'.");
    }
    return dir;
  }

  /** {@code openapi/poa-auth.yaml} at the root of the build. */
  static Path spec() {
    Path spec = Paths.get(required("poa.spec"));
    if (!Files.isRegularFile(spec)) {
      throw new IllegalStateException("No OpenAPI spec at " + spec);
    }
    return spec;
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("System property '" + property
          + "' is not set: run this check through Maven (failsafe sets it).");
    }
    return value;
  }
}
