package io.github.poaauth.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.client.PoaTokenEvent;
import io.github.poaauth.client.PoaTokenListener;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The module README's example compiles, runs against the sandbox, and is this code. */
class ReadmeExampleTest {
  private static final String MARKER = "readme-example:";

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension(PoaSandbox.builder());

  private static void readmeExample(MeterRegistry meterRegistry,
      ObservationRegistry observationRegistry, String baseUrl, String clientId,
      String clientSecret, PoaTokenListener yourListener) {
    // readme-example:start
    PoaAuthMetrics metrics = PoaAuthMetrics.create("poa-auth-token", meterRegistry, observationRegistry);
    try (PoaTokenProvider tokens = PoaTokenProvider.builder()
        .name("poa-auth-token")                         // the name given to create()
        .baseUrl(baseUrl)
        .clientId(clientId)
        .clientSecret(clientSecret)
        .listener(PoaTokenListeners.of(metrics.listener(), yourListener))
        .build()) {
      metrics.bind(tokens);                             // the token gauges
      tokens.token();
    } finally {
      metrics.close();                                  // removes this provider's meters
    }
    // readme-example:end
  }

  @Test
  void readmeExample_runsAgainstTheSandbox_andCleansUp() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    TestObservationRegistry observations = TestObservationRegistry.create();
    List<PoaTokenEvent> seen = new ArrayList<>();

    readmeExample(meters, observations, POA.sandbox().baseUrl(), PoaSandbox.DEFAULT_CLIENT_ID,
        PoaSandbox.DEFAULT_CLIENT_SECRET, seen::add);

    assertThat(seen).hasSize(2);                        // started, succeeded
    io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(observations)
        .hasSingleObservationThat().hasBeenStopped()
        .hasLowCardinalityKeyValue("provider", PoaTokenProvider.DEFAULT_NAME);
    assertThat(meters.getMeters()).isEmpty();
  }

  @Test
  void readmeExample_isTheSameCodeAsThisTest() throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    String source = Files.readString(
        Path.of("src/test/java/io/github/poaauth/micrometer/ReadmeExampleTest.java"),
        StandardCharsets.UTF_8);

    assertThat(normalise(between(source, "// " + MARKER + "start", "// " + MARKER + "end")))
        .isEqualTo(normalise(between(readme, "```java", "```")));
  }

  private static String between(String text, String start, String end) {
    // Built from parts so that this line is not itself a marker.
    int markerAt = text.indexOf(MARKER + "start");
    int from = text.indexOf(start, Math.max(0, markerAt - start.length())) + start.length();
    return text.substring(from, text.indexOf(end, from));
  }

  private static String normalise(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty())
        .reduce("", (a, b) -> a + b + "\n");
  }
}
