package io.github.poaauth.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's Spring Boot section is this sample: every code block under a
 * {@code spring-boot-sample:<file>} marker appears verbatim in that file of the sample, which
 * the build compiles and {@link PartnerServiceApplicationTest} runs. The dependency, the three
 * properties and the Feign client are in the section "Spring Boot"; the sample's test is in the
 * section on the test kit.
 */
class ReadmeSpringBootSectionTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();

  @Test
  void everyMarkedBlock_isInTheSample() throws Exception {
    String readme = Files.readString(MODULE.resolveSibling("README.md"));
    String section = section(readme, "## Spring Boot:");
    String testKit = section(readme, "## Test your code without POA");

    assertThat(blocksAfter(section, "pom")).allSatisfy(block -> assertThat(
        read("pom.xml")).contains(block.replace("0.1.0-SNAPSHOT", "${project.version}")));
    assertThat(blocksAfter(section, "application-yml")).allSatisfy(block ->
        assertThat(read("src/main/resources/application.yml")).contains(block));
    assertThat(blocksAfter(section, "feign")).allSatisfy(block -> assertThat(
        read("src/main/java/io/github/poaauth/sample/PoaOrdersClient.java")).contains(block));
    assertThat(blocksAfter(section, "application-yml").get(0))
        .contains("base-url:", "client-id:", "client-secret:");
    assertThat(blocksAfter(testKit, "test")).hasSize(2).allSatisfy(block -> assertThat(
        read("src/test/java/io/github/poaauth/sample/PartnerServiceApplicationTest.java"))
        .contains(block));
  }

  /** From a heading to the next heading of its level. */
  private static String section(String readme, String heading) {
    int from = readme.indexOf(heading);
    assertThat(from).as("README heading %s", heading).isNotNegative();
    int to = readme.indexOf("\n## ", from + 1);
    return readme.substring(from, to < 0 ? readme.length() : to);
  }

  /**
   * The code blocks with the comment {@code <!-- spring-boot-sample:<name> -->} right above them,
   * as poa-auth-cli's ReadmeIT reads markers.
   */
  private static List<String> blocksAfter(String section, String name) {
    List<String> blocks = new ArrayList<>();
    String marker = null;
    List<String> lines = section.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("<!-- ") && line.endsWith(" -->")) {
        marker = line.substring(5, line.length() - 4);
      } else if (line.startsWith("```")) {
        StringBuilder text = new StringBuilder();
        for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
          text.append(lines.get(i)).append('\n');
        }
        if (("spring-boot-sample:" + name).equals(marker)) {
          blocks.add(normalized(text.toString()));
        }
        marker = null;
      } else if (!line.isBlank()) {
        marker = null;
      }
    }
    assertThat(blocks).as("blocks marked spring-boot-sample:%s", name).isNotEmpty();
    return blocks;
  }

  /** Each line stripped: a block may sit at another indentation than in its file. */
  private static String normalized(String text) {
    return text.strip().lines().map(String::strip)
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  private static String read(String file) {
    try {
      return normalized(Files.readString(MODULE.resolve(file)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
