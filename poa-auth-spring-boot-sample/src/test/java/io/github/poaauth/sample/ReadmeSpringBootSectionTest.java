package io.github.poaauth.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Spring Boot section is this sample: every code block under a
 * {@code spring-boot-sample:<file>} marker appears verbatim in that file of the sample, which
 * the build compiles and {@link PartnerServiceApplicationTest} runs.
 */
class ReadmeSpringBootSectionTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Pattern BLOCK = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyMarkedBlock_isInTheSample() throws Exception {
    String readme = Files.readString(MODULE.resolveSibling("README.md"));
    String section = readme.substring(readme.indexOf("## Spring Boot:"),
        readme.indexOf("\n## ", readme.indexOf("## Spring Boot:") + 1));

    assertThat(blocksAfter(section, "pom")).allSatisfy(block -> assertThat(
        read("pom.xml")).contains(block.replace("0.1.0-SNAPSHOT", "${project.version}")));
    assertThat(blocksAfter(section, "application.yml")).allSatisfy(block ->
        assertThat(read("src/main/resources/application.yml")).contains(block));
    assertThat(blocksAfter(section, "feign")).allSatisfy(block -> assertThat(
        read("src/main/java/io/github/poaauth/sample/PoaOrdersClient.java")).contains(block));
    assertThat(blocksAfter(section, "test")).hasSize(2).allSatisfy(block -> assertThat(
        read("src/test/java/io/github/poaauth/sample/PartnerServiceApplicationTest.java"))
        .contains(block));
  }

  /** The code blocks from the marker up to the next marker (or the end of the section). */
  private static List<String> blocksAfter(String section, String name) {
    int start = section.indexOf("<!-- spring-boot-sample:" + name + " -->");
    assertThat(start).as("marker %s", name).isNotNegative();
    int end = section.indexOf("<!-- spring-boot-sample:", start + 1);
    String part = section.substring(start, end < 0 ? section.length() : end);
    List<String> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(part);
    while (m.find()) {
      blocks.add(normalized(m.group(1)));
    }
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
