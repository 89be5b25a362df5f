package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Options#fastPath}, which reads a well-formed {@code token} command line without
 * picocli, means by every command line it takes exactly what picocli's grammar
 * ({@link PicocliGrammar}) means: the same options and values, or the same error line.
 */
class OptionsFastPathTest {

  /** Our options, values of each kind, and what a user might type instead. */
  private static final List<String> WORDS = List.of("token", "sandbox", "--sandbox", "--header",
      "--secret-stdin", "-v", "--verbose", "--base-url", "--client-id", "https://poa.example.com",
      "partner-1", "--base-url=https://a.example/x?y=1", "--client-id=p=1", "--base-url=",
      "--client-id=-v", "-h", "--help", "--", "-x", "--verbose=x", "@file", "a b", "", " ",
      "x\"y", "--Base-Url", "-vh", "--port", "--header=", "token=x", "--client-id=sandbox");

  @Test
  void theCommandLinesOfTheReadme_takeTheFastPath() {
    for (String line : List.of("token", "token --sandbox", "token --header", "token -v",
        "token --secret-stdin --verbose", "token --sandbox --header --verbose",
        "token --base-url http://127.0.0.1:8089 --client-id sandbox-partner --secret-stdin",
        "token --base-url=https://poa.example.com --client-id=partner-1 --header")) {
      assertThat(Options.fastPath(line.split(" "))).as(line).isNotNull();
    }
  }

  @Test
  void whatPicocliMustRead_doesNotTakeTheFastPath() {
    for (String line : List.of("", "sandbox", "--help", "token --help", "token -h",
        "token --base-url", "token --base-url --header", "token --verbose --verbose",
        "token -v --verbose", "token --base-url a --base-url b", "token --verbose=x",
        "token --colour", "token stray", "token -- --header", "token --base-url=",
        "token --client-id @file", "token --client-id token")) {
      assertThat(Options.fastPath(line.isEmpty() ? new String[0] : line.split(" ")))
          .as(line).isNull();
    }
  }

  @Test
  void everyCommandLineOfUpToFourWords_theFastPathTakes_meansWhatPicocliMakesOfIt() {
    List<List<String>> lines = new ArrayList<>();
    lines.add(List.of("token"));
    for (String a : WORDS) {
      lines.add(List.of("token", a));
      for (String b : WORDS) {
        lines.add(List.of("token", a, b));
        for (String c : WORDS) {
          lines.add(List.of("token", a, b, c));
        }
      }
    }
    int taken = compare(lines);

    assertThat(taken).as("command lines that took the fast path").isGreaterThan(250);
  }

  @Test
  void longerRandomCommandLines_theFastPathTakes_meanWhatPicocliMakesOfThem() {
    List<String> values = List.of("https://poa.example.com", "http://127.0.0.1:8089/", "partner-1",
        "p=1", "", " ", "-v", "--header", "@file", "token", "sandbox", "a b", "x\"y", "x'y",
        "\u00fc", "a\\b", "--");
    Random random = new Random(16);
    List<List<String>> lines = new ArrayList<>();
    for (int i = 0; i < 8_000; i++) {
      List<String> line = new ArrayList<>(List.of("token"));
      int pieces = 2 + random.nextInt(6);
      for (int p = 0; p < pieces; p++) {
        String value = values.get(random.nextInt(values.size()));
        switch (random.nextInt(12)) {
          case 0 -> line.add(WORDS.get(random.nextInt(WORDS.size())));
          case 1, 2 -> line.addAll(List.of("--base-url", value));
          case 3, 4 -> line.addAll(List.of("--client-id", value));
          case 5 -> line.add("--base-url=" + value);
          case 6 -> line.add("--client-id=" + value);
          default -> line.add(List.of("--sandbox", "--header", "--secret-stdin", "-v", "--verbose")
              .get(random.nextInt(5)));
        }
      }
      lines.add(line);
    }
    int taken = compare(lines);

    assertThat(taken).as("command lines that took the fast path").isGreaterThan(400);
  }

  /** Checks each line the fast path takes against picocli; returns how many it took. */
  private static int compare(List<List<String>> lines) {
    int taken = 0;
    for (List<String> line : lines) {
      String[] args = line.toArray(String[]::new);
      Options.Matched fast = Options.fastPath(args);
      if (fast == null) {
        continue;
      }
      taken++;
      assertThat(outcome(() -> Options.of(Options.TOKEN, fast)))
          .as("%s", line)
          .isEqualTo(outcome(() -> PicocliGrammar.parse(args)));
    }
    return taken;
  }

  private interface Parse {
    Options parse() throws UsageException;
  }

  private static String outcome(Parse parse) {
    try {
      Options o = parse.parse();
      return "command=" + o.command + " help=" + o.help + " sandbox=" + o.sandbox + " header="
          + o.header + " verbose=" + o.verbose + " secretStdin=" + o.secretStdin + " baseUrl="
          + o.baseUrl + " clientId=" + o.clientId + " typed=" + o.typedValues;
    } catch (UsageException e) {
      return "usage error: " + e.getMessage();
    }
  }
}
