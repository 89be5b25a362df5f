package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shaded jar, run as partners run it: {@code java -jar poa-auth-cli.jar ...}. */
class PoaAuthCliJarIT {

  private static final Path JAR = Path.of("target", "poa-auth-cli.jar");

  record Result(int code, String out, String err) {}

  @Test
  void jar_printsATokenFromTheSandbox_withNothingElseOnTheClasspath() throws Exception {
    Result result = java("", "token", "--sandbox");

    assertThat(result.code()).isZero();
    assertThat(result.out()).contains("\"access_token\"").contains("\"expires_in\" : 1800");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void jar_withAWrongSecret_exits3_withOneLineAndNoSecret() throws Exception {
    Result result = java("Wrong-Secret-From-Stdin\n", "token", "--sandbox", "--secret-stdin");

    assertThat(result.code()).isEqualTo(PoaAuthCli.REJECTED);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("unauthorized_client")
        .doesNotContain("Wrong-Secret-From-Stdin");
  }

  @Test
  void jar_verbose_logsTheExchangeMasked_throughTheShadedSlf4jBinding() throws Exception {
    Result result = java("", "token", "--sandbox", "--verbose");

    assertThat(result.code()).isZero();
    assertThat(result.err()).contains("POST http").contains("-> HTTP 200")
        .doesNotContain("sandbox-secret").doesNotContain("SLF4J");
  }

  private static Result java(String stdin, String... args) throws IOException, InterruptedException {
    assertThat(JAR).exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String[] command = new String[args.length + 3];
    command[0] = java;
    command[1] = "-jar";
    command[2] = JAR.toString();
    System.arraycopy(args, 0, command, 3, args.length);
    Path out = Files.createTempFile("poa-auth-cli", ".out");
    Path err = Files.createTempFile("poa-auth-cli", ".err");
    try {
      Process process = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished within 60 s").isTrue();
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
