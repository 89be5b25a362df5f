package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The Java these tests run on is the one the POM's line asks for (profile jdk-25: Java 25;
 * otherwise whatever JDK runs Maven), and the client's classes under test are the ones it ships:
 * built for release 17 whatever JDK compiled them. .ci/matrix checks that the line was applied.
 */
class JavaRuntimeTest {
  /** Class file major version of Java 17. */
  private static final int RELEASE_17 = 61;

  @Test
  void theJavaOfThisRun_isTheOneTheLineSets() {
    String expected = System.getProperty("poa.expected.java.feature", "");
    int feature = Runtime.version().feature();
    assertThat(feature).as("Java feature release (java.home %s)",
        System.getProperty("java.home")).isGreaterThanOrEqualTo(17);
    if (!expected.isBlank()) {
      assertThat(feature).as("Java feature release on line %s (java.home %s)",
          System.getProperty("poa.matrix.line"), System.getProperty("java.home"))
          .isEqualTo(Integer.parseInt(expected.trim()));
    }
  }

  @Test
  void theClientsClasses_areBuiltForRelease17() throws IOException {
    try (InputStream in = PoaTokenProvider.class.getResourceAsStream("PoaTokenProvider.class")) {
      assertThat(in).isNotNull();
      DataInputStream data = new DataInputStream(in);
      assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
      data.readUnsignedShort(); // minor version
      assertThat(data.readUnsignedShort()).as("class file major version").isEqualTo(RELEASE_17);
    }
  }
}
