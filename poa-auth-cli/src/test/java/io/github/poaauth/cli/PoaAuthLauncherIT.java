package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code target/poa-auth} (src/main/launcher/poa-auth), run as the README runs it:
 * it passes arguments, standard input, output and exit code through; it writes a class-data
 * archive for its jar and JDK when it has none that fits, and the JVM maps that archive.
 * {@code JDK_JAVA_OPTIONS=-Xshare:on} makes a JVM fail that cannot map it.
 */
class PoaAuthLauncherIT {

  private static final Path TARGET = Path.of("target");
  private static final String SHARE_ON = "-Xshare:on";

  @Test
  void launcher_printsTheTokenAlone_andPassesStdinAndTheExitCodeThrough() throws Exception {
    assumeTrue(Files.isExecutable(TARGET.resolve("poa-auth")), "no launcher: not a unix build");

    Shell.Result ok = launcher(TARGET, Map.of(), "", "token --sandbox");
    Shell.Result rejected = launcher(TARGET, Map.of(), "Wrong-Secret-From-Stdin\n",
        "token --sandbox --secret-stdin");

    assertThat(ok.code()).as("stderr: %s", ok.err()).isZero();
    assertThat(ok.out()).startsWith("{").contains("\"access_token\"").endsWith("}\n");
    assertThat(ok.err()).isEmpty();
    // The secret went through stdin, the exit code and the error line came back (what the line
    // says is PoaAuthCliJarIT's).
    assertThat(rejected.code()).isEqualTo(PoaAuthCli.REJECTED);
    assertThat(rejected.err()).startsWith("poa-auth: credentials rejected");
  }

  /**
   * The build wrote an archive for its JDK; a launcher run on another JDK writes one of its own
   * next to it (the JDK 25 line of .ci/matrix runs this test on 25 against the jar the main build
   * packaged on 17): one per JDK, no half-written one left, and the JVM of this test maps its own.
   */
  @Test
  void theBuild_wroteAnArchiveThatTheJvmMaps() throws Exception {
    assumeTrue(Files.isExecutable(TARGET.resolve("poa-auth")), "no launcher: not a unix build");

    assertThat(archives(TARGET)).isNotEmpty().allSatisfy(archive ->
        assertThat(archive.getFileName().toString()).matches("poa-auth-cli-\\d+\\.jsa"));
    Shell.Result run = launcher(TARGET, Map.of("JDK_JAVA_OPTIONS", SHARE_ON), "",
        "token --sandbox --header");
    assertThat(run.code()).as("stderr: %s", run.err()).isZero();
    assertThat(run.out()).startsWith("Authorization: Bearer ");
  }

  @Test
  void aCopy_writesItsOwnArchiveAtItsFirstRun_andAgainWhenTheJarChanges(@TempDir Path dir)
      throws Exception {
    assumeTrue(Files.isExecutable(TARGET.resolve("poa-auth")), "no launcher: not a unix build");
    Path jar = Files.copy(TARGET.resolve("poa-auth-cli.jar"), dir.resolve("poa-auth-cli.jar"));
    Files.copy(TARGET.resolve("poa-auth"), dir.resolve("poa-auth"),
        StandardCopyOption.COPY_ATTRIBUTES);

    Shell.Result off = launcher(dir, Map.of("POA_AUTH_CDS", "off"), "", "token --sandbox");
    assertThat(off.code()).as("stderr: %s", off.err()).isZero();
    assertThat(archives(dir)).isEmpty();

    Shell.Result first = launcher(dir, Map.of(), "", "token --sandbox --header");
    assertThat(first.code()).as("stderr: %s", first.err()).isZero();
    assertThat(first.out()).startsWith("Authorization: Bearer ").hasLineCount(1);
    assertThat(first.err()).isEmpty();
    assertThat(archives(dir)).hasSize(1);
    assertThat(launcher(dir, Map.of("JDK_JAVA_OPTIONS", SHARE_ON), "", "token --sandbox").code())
        .isZero();

    // A new jar (as a rebuild leaves it): the JVM would refuse the old archive.
    FileTime written = Files.getLastModifiedTime(archives(dir).get(0));
    Files.setLastModifiedTime(jar, FileTime.from(written.toInstant().plusSeconds(1)));
    Shell.Result rebuilt = launcher(dir, Map.of("JDK_JAVA_OPTIONS", SHARE_ON), "",
        "token --sandbox");
    assertThat(rebuilt.code()).as("stderr: %s", rebuilt.err()).isZero();
    assertThat(archives(dir)).hasSize(1);
    assertThat(Files.getLastModifiedTime(archives(dir).get(0))).isGreaterThan(written);
  }

  private static List<Path> archives(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  private static Shell.Result launcher(Path dir, Map<String, String> env, String stdin,
      String args) throws IOException, InterruptedException {
    Map<String, String> environment = new HashMap<>(env);
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.putIfAbsent("JDK_JAVA_OPTIONS", "");
    Shell.Result result = Shell.bash(dir, "./poa-auth " + args, stdin, environment);
    // The java launcher names JDK_JAVA_OPTIONS on stderr when it is set; nothing else may be there.
    String err = result.err().replaceAll("(?m)^NOTE: Picked up JDK_JAVA_OPTIONS: .*\\R", "");
    return new Shell.Result(result.code(), result.out(), err);
  }
}
