package io.github.poaauth.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * openapi/poa-auth.yaml against the spec of the last release, compat/baseline/openapi/poa-auth.yaml
 * (release compat/baseline/baseline.properties). An incompatible change fails unless this
 * version starts a new major line (README "Versions"); either way every change is printed.
 */
class SpecCompatibilityTest {

  private static final Path SPEC = Path.of(System.getProperty("poa.spec", "../openapi/poa-auth.yaml"));
  private static final Path COMPAT = Path.of(System.getProperty("poa.compat.dir", "../compat/baseline"));
  private static final String VERSION = System.getProperty("poa.version", "0.0.0-unknown");

  @Test
  void spec_isCompatibleWithTheLastRelease_unlessTheMajorVersionWasRaised() throws IOException {
    Path baselineSpec = COMPAT.resolve("openapi/poa-auth.yaml");
    assertThat(baselineSpec)
        .as("the spec of the last release (RELEASING.md, scripts/update-api-baseline.sh)")
        .exists();
    String baselineVersion = baselineVersion();

    SpecCompatibility.Result result =
        SpecCompatibility.compare(Files.readString(baselineSpec), Files.readString(SPEC));
    boolean majorRaised = SpecCompatibility.majorRaised(VERSION, baselineVersion);

    System.out.printf("Spec compatibility: %s (version %s) against release %s: %s%s%n",
        SPEC.getFileName(), VERSION, baselineVersion,
        result.incompatible() ? "INCOMPATIBLE" : "compatible",
        result.incompatible() && majorRaised ? " (allowed: the major version was raised)" : "");
    result.breakingChanges().forEach(line -> System.out.println("  " + line));

    if (!majorRaised) {
      assertThat(result.breakingChanges())
          .as("Incompatible spec changes since release %s. Revert them, or raise the major version"
              + " (for 0.y.z: y) and note them in CHANGELOG.md. openapi-diff's report:%n%s",
              baselineVersion, result.report())
          .isEmpty();
    }
  }

  static String baselineVersion() throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(COMPAT.resolve("baseline.properties"))) {
      properties.load(in);
    }
    String version = properties.getProperty("version");
    assertThat(version).as("version= in compat/baseline/baseline.properties").isNotBlank();
    return version;
  }
}
