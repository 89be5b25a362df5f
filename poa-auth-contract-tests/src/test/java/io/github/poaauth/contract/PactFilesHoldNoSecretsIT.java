package io.github.poaauth.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pacts are published and shared with the provider: they must hold the fake examples of the
 * credential matchers, never the values the tests really sent.
 */
class PactFilesHoldNoSecretsIT {

  @Test
  void noPactFile_containsACredentialTheTestsSent() throws IOException {
    List<Path> files = everyFileIn(ContractBuildPaths.pactDir());
    assertThat(files).isNotEmpty();

    for (Path file : files) {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      for (String sent : PartnerCredentials.VALUES_SENT) {
        assertThat(content)
            .as("%s must not contain a credential value a test sent", file.getFileName())
            .doesNotContain(sent)
            .doesNotContain(URLEncoder.encode(sent, StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void pactFiles_holdTheFakeExampleCredentials() throws IOException {
    String all = everyFileIn(ContractBuildPaths.pactDir()).stream()
        .map(PactFilesHoldNoSecretsIT::read)
        .collect(Collectors.joining("\n"));

    assertThat(all).contains(
        PartnerCredentials.EXAMPLE_CLIENT_ID,
        PartnerCredentials.EXAMPLE_CLIENT_SECRET,
        PartnerCredentials.EXAMPLE_WRONG_CLIENT_SECRET,
        PartnerCredentials.EXAMPLE_UNKNOWN_CLIENT_ID);
  }

  private static List<Path> everyFileIn(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
