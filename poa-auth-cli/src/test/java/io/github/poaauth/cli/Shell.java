package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs shell text with bash, as a user pastes it into a terminal, and captures what it printed. */
final class Shell {

  record Result(int code, String out, String err) {}

  private Shell() {}

  /** Whether a program is on the PATH of this JVM (and so of the shells it starts). */
  static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Arrays.stream(path.split(java.io.File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }

  static Result bash(Path directory, String script, String stdin, Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("poa-auth-shell", ".out");
    Path err = Files.createTempFile("poa-auth-shell", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder("bash", "-c", script)
          .directory(directory.toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished within 120 s").isTrue();
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
