package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every code block of the README is run or checked by a test, so the README cannot drift from
 * what the project does (issue 18). This class runs the shell blocks against the built jar, from
 * the repository's root as a reader would, and checks the others' coverage:
 *
 * <ul>
 *   <li>{@code main-job}: run as written by {@code .ci/check-main-job}, which {@code .ci/run}
 *       calls (checked here);
 *   <li>{@code ci-command}: the command {@code .ci/run} runs;
 *   <li>{@code try-sandbox}, {@code try-curl}, {@code try-token}: run, on the port the sandbox
 *       picked instead of 8089;
 *   <li>{@code cli-usage}: run, with the example host replaced by a standalone sandbox and
 *       {@code pass} by a shell function;
 *   <li>{@code readme-example}, {@code sandbox-example} (Java): compiled and run by
 *       poa-auth-client's {@code ReadmeExampleTest} and poa-auth-sandbox's
 *       {@code ReadmeSandboxExampleTest};
 *   <li>{@code spring-boot-sample:*}: each found verbatim in poa-auth-spring-boot-sample's files
 *       (compiled, and run by its {@code PartnerServiceApplicationTest}) by its
 *       {@code ReadmeSpringBootSectionTest};
 *   <li>XML blocks: dependencies on modules of this build, at its version.
 * </ul>
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReadmeIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String EXAMPLE_PORT = "8089";
  private static final String EXAMPLE_BASE_URL = "http://127.0.0.1:" + EXAMPLE_PORT;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> MARKERS = Set.of("main-job:start", "ci-command", "try-sandbox",
      "try-curl", "try-token", "cli-usage", "readme-example:start", "sandbox-example:start",
      "spring-boot-sample:application-yml", "spring-boot-sample:feign", "spring-boot-sample:test");

  /** A fenced block, its language and the marker comment right above it, if any. */
  record Block(String language, String marker, String text) {}

  @Test
  void everyBlock_isMarked_orIsAnXmlDependency() throws IOException {
    List<Block> blocks = blocks();

    assertThat(blocks).isNotEmpty().allSatisfy(block -> assertThat(
        block.language().equals("xml") || MARKERS.contains(block.marker()))
        .as("block without a test:%n%s", block.text()).isTrue());
    assertThat(blocks).extracting(Block::marker).containsAll(MARKERS);
  }

  @Test
  void ciCommand_isWhatCiRuns_andCiRunsTheMainJob() throws IOException {
    List<String> ciRun = Files.readAllLines(ROOT.resolve(".ci/run"));

    assertThat(ciRun).contains(block("ci-command").text().strip());
    assertThat(ciRun).contains("bash .ci/check-main-job");
    assertThat(block("main-job:start").text()).contains("token --sandbox");
  }

  @Test
  void xmlBlocks_areDependenciesOnModulesOfThisBuild() throws IOException {
    String rootPom = Files.readString(ROOT.resolve("pom.xml"));
    String version = first(rootPom, "<version>([^<]+)</version>");
    String groupId = first(rootPom, "<groupId>([^<]+)</groupId>");
    List<Block> xml = blocks().stream().filter(block -> block.language().equals("xml")).toList();

    assertThat(xml).isNotEmpty().allSatisfy(block -> {
      java.util.regex.Matcher dependency = java.util.regex.Pattern
          .compile("<dependency>(.*?)</dependency>", java.util.regex.Pattern.DOTALL)
          .matcher(block.text());
      int dependencies = 0;
      while (dependency.find()) {
        dependencies++;
        String d = dependency.group(1);
        assertThat(first(d, "<groupId>([^<]+)</groupId>")).isEqualTo(groupId);
        assertThat(ROOT.resolve(first(d, "<artifactId>([^<]+)</artifactId>")).resolve("pom.xml"))
            .exists();
        // A version is given only where the BOM is imported; the others take it from the BOM.
        if (d.contains("<version>")) {
          assertThat(first(d, "<version>([^<]+)</version>")).isEqualTo(version);
        }
      }
      assertThat(dependencies).as("dependencies in %s", block.text()).isPositive();
    });
  }

  @Test
  void tryItByHand_runsAsWritten() throws Exception {
    assumeTrue(Shell.onPath("curl"), "curl is not installed: the README's try-curl block needs it");
    assumeTrue(Shell.onPath("java"), "no java on the PATH: the README's blocks call java");
    String sandboxCommand = block("try-sandbox").text().strip();
    assertThat(sandboxCommand).endsWith("--port " + EXAMPLE_PORT);
    String curl = block("try-curl").text().strip();
    assertThat(curl).isEqualTo(StandaloneSandboxIT.PAGE_CURL
        .replace("{{base_url}}", EXAMPLE_BASE_URL)
        .replace("<client_id>", "sandbox-partner")
        .replace("<client_secret>", "sandbox-secret"));

    try (RunningSandbox sandbox = RunningSandbox.start(ROOT, List.of("bash", "-c",
        "exec " + sandboxCommand.replace("--port " + EXAMPLE_PORT, "--port 0")))) {
      Shell.Result token = Shell.bash(ROOT, curl.replace(EXAMPLE_BASE_URL, sandbox.baseUrl), "",
          Map.of());
      assertThat(token.code()).as("curl; stderr: %s", token.err()).isZero();
      assertThat(JSON.readTree(token.out()).get("token_type").asText()).isEqualTo("Bearer");
      assertThat(sandbox.stderr()).contains("POA documents POST /v2/auth/cybrillarta/token");

      Shell.Result cli = Shell.bash(ROOT,
          block("try-token").text().strip().replace(EXAMPLE_BASE_URL, sandbox.baseUrl), "",
          Map.of());
      assertThat(cli.code()).as("poa-auth token; stderr: %s", cli.err()).isZero();
      assertThat(cli.err()).isEmpty();
      assertThat(JSON.readTree(cli.out()).get("expires_in").asInt()).isEqualTo(1800);
    }
  }

  @Test
  void cliUsage_runs_withTheExampleHostAndPassReplaced() throws Exception {
    assumeTrue(Shell.onPath("java"), "no java on the PATH: the README's blocks call java");
    String usage = block("cli-usage").text();
    assertThat(usage).contains("https://poa.example.com").contains("POA_CLIENT_ID=partner-1")
        .contains("pass show poa/partner-1 |");
    String secret = "Readme-Partner-Secret-" + ProcessHandle.current().pid();

    try (RunningSandbox sandbox = StandaloneSandboxIT.start("--client", "partner-1:" + secret)) {
      String script = "set -euo pipefail\n"
          + "pass() { printf '%s\\n' \"$README_SECRET\"; }\n"
          + usage.replace("https://poa.example.com", sandbox.baseUrl);
      Shell.Result run = Shell.bash(ROOT, script, secret + "\n",
          Map.of("README_SECRET", secret));

      assertThat(run.code()).as("stderr: %s", run.err()).isZero();
      assertThat(run.out()).contains("Authorization: Bearer ");
      assertThat(jsonObjects(run.out())).hasSize(3)
          .allSatisfy(json -> assertThat(json.has("access_token")).isTrue());
      assertThat(run.err()).contains("---> POST " + sandbox.baseUrl).doesNotContain(secret);
    }
  }

  private static List<JsonNode> jsonObjects(String out) throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    try (var parser = JSON.getFactory().createParser(
        out.lines().filter(line -> !line.startsWith("Authorization:"))
            .reduce("", (a, b) -> a + b + "\n"))) {
      for (var it = JSON.readValues(parser, JsonNode.class); it.hasNext(); ) {
        objects.add(it.next());
      }
    }
    return objects;
  }

  private static Block block(String marker) throws IOException {
    return blocks().stream().filter(block -> marker.equals(block.marker())).findFirst()
        .orElseThrow(() -> new AssertionError("README.md has no block marked " + marker));
  }

  static List<Block> blocks() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    String marker = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher comment = Pattern.compile("<!-- ([\\w:-]+) -->").matcher(line.strip());
      if (comment.matches()) {
        marker = comment.group(1);
      } else if (line.startsWith("```")) {
        String language = line.substring(3).strip();
        StringBuilder text = new StringBuilder();
        for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
          text.append(lines.get(i)).append('\n');
        }
        blocks.add(new Block(language, marker, text.toString()));
        marker = null;
      } else if (!line.isBlank()) {
        marker = null;
      }
    }
    return blocks;
  }

  private static String first(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as("%s in %s", regex, text).isTrue();
    return matcher.group(1);
  }
}
