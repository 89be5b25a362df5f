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
 * Every code block of the README and of the docs pages it moved blocks to ({@link #FILES}) is
 * run or checked by a test, so they cannot drift from what the project does. This class runs the
 * shell blocks against the built jar, from the repository's root as a reader would, checks the
 * others' coverage, and checks that every relative link of the README and {@code docs/*.md}
 * resolves:
 *
 * <ul>
 *   <li>{@code main-job}: run as written by {@code .ci/check-main-job}, which {@code .ci/run}
 *       calls (checked here);
 *   <li>{@code ci-command}: the command {@code .ci/run} runs;
 *   <li>{@code try-sandbox}, {@code try-curl}, {@code try-token} (docs/CLI.md): run, on the port
 *       the sandbox picked instead of 8089;
 *   <li>{@code cli-usage} (docs/CLI.md): run, with the example host replaced by a standalone
 *       sandbox and {@code pass} by a shell function;
 *   <li>{@code readme-example}, {@code sandbox-example} (Java): compiled and run by
 *       poa-auth-client's {@code ReadmeExampleTest} and poa-auth-sandbox's
 *       {@code ReadmeSandboxExampleTest};
 *   <li>{@code spring-boot-sample:*}: each found verbatim in poa-auth-spring-boot-sample's files
 *       (compiled, and run by its {@code PartnerServiceApplicationTest}) by its
 *       {@code ReadmeSpringBootSectionTest};
 *   <li>XML blocks (README, docs/TESTING.md): dependencies on modules of this build, at its
 *       version.
 * </ul>
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReadmeIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String EXAMPLE_PORT = "8089";
  private static final String EXAMPLE_BASE_URL = "http://127.0.0.1:" + EXAMPLE_PORT;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The files whose blocks are tested: the README and the docs pages with its moved blocks. */
  private static final List<String> FILES = List.of("README.md", "docs/CLI.md", "docs/TESTING.md");
  /** The README keeps a newcomer's page: it stays this short. */
  private static final int README_MAX_LINES = 200;
  private static final Set<String> MARKERS = Set.of("main-job:start", "ci-command", "try-sandbox",
      "try-curl", "try-token", "cli-usage", "readme-example:start", "sandbox-example:start",
      "spring-boot-sample:application-yml", "spring-boot-sample:feign", "spring-boot-sample:test");

  /** A fenced block, its language and the marker comment right above it, if any. */
  record Block(String language, String marker, String text) {}

  @Test
  void readme_isShort_andKeepsTheQuickStartAndTheJavaExample() throws IOException {
    List<String> readme = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8);

    assertThat(readme).hasSizeLessThanOrEqualTo(README_MAX_LINES);
    assertThat(blocks("README.md")).extracting(Block::marker)
        .contains("main-job:start", "ci-command", "readme-example:start");
  }

  /**
   * Every relative link of README.md, the docs pages and the other Markdown files they sit next to
   * resolves: its file exists and, with a {@code #fragment}, that file has a heading with that
   * GitHub anchor.
   */
  @Test
  void everyRelativeLink_resolves() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (var docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    Pattern link = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      String text = withoutCodeBlocks(Files.readString(page, StandardCharsets.UTF_8));
      Matcher matcher = link.matcher(text);
      while (matcher.find()) {
        String target = matcher.group(1);
        if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
          continue; // https:, mailto: and the like
        }
        checked++;
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
        } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(broken).as("broken links").isEmpty();
    assertThat(checked).as("relative links checked").isPositive();
  }

  private static String withoutCodeBlocks(String markdown) {
    return markdown.replaceAll("(?ms)^```.*?^```", "");
  }

  /** The GitHub anchors of a Markdown file's headings. */
  private static Set<String> anchors(Path file) throws IOException {
    if (!file.toString().endsWith(".md")) {
      return Set.of();
    }
    return withoutCodeBlocks(Files.readString(file, StandardCharsets.UTF_8)).lines()
        .filter(line -> line.matches("^#{1,6} .*"))
        .map(line -> line.replaceFirst("^#+ ", "").strip().toLowerCase(java.util.Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
        .collect(java.util.stream.Collectors.toSet());
  }

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
      assertThat(run.err()).contains("POST " + sandbox.baseUrl).doesNotContain(secret);
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
        .orElseThrow(() -> new AssertionError("no block marked " + marker + " in " + FILES));
  }

  /** The blocks of every file in {@link #FILES}. */
  static List<Block> blocks() throws IOException {
    List<Block> blocks = new ArrayList<>();
    for (String file : FILES) {
      blocks.addAll(blocks(file));
    }
    return blocks;
  }

  static List<Block> blocks(String file) throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve(file), StandardCharsets.UTF_8);
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
