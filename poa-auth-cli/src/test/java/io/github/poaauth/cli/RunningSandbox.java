package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code poa-auth sandbox} running as its own process, started from a command line as a user
 * types it. Its stdout is read line by line up to its stop hint, which it prints once it
 * listens: no sleeping, no polling. Its stderr goes to a file.
 */
final class RunningSandbox implements AutoCloseable {

  private static final String LISTENING = "POA sandbox listening at ";
  private static final String STOP_HINT = "Stop it with";

  final Process process;
  /** The stdout lines up to and including the stop hint. */
  final List<String> banner = new ArrayList<>();
  final String baseUrl;
  private final Path stderr;

  private RunningSandbox(Process process, Path stderr) throws IOException {
    this.process = process;
    this.stderr = stderr;
    BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      banner.add(line);
      if (line.startsWith(STOP_HINT)) {
        break;
      }
    }
    assertThat(banner).as("stdout of the sandbox (stderr: %s)", Files.readString(stderr))
        .isNotEmpty().last().asString().startsWith(STOP_HINT);
    assertThat(banner.get(0)).startsWith(LISTENING);
    this.baseUrl = banner.get(0).substring(LISTENING.length()).strip();
  }

  /** Starts {@code command} (e.g. {@code java -jar ... sandbox --port 0}) in {@code directory}. */
  static RunningSandbox start(Path directory, List<String> command) throws IOException {
    Path stderr = Files.createTempFile("poa-auth-sandbox", ".err");
    Process process = new ProcessBuilder(command)
        .directory(directory.toFile())
        .redirectError(stderr.toFile())
        .start();
    try {
      return new RunningSandbox(process, stderr);
    } catch (IOException | RuntimeException | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** The value of a {@code name: value} line of its stdout. */
  String printed(String name) {
    return banner.stream().filter(line -> line.startsWith(name + ": "))
        .map(line -> line.substring(name.length() + 2)).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + name + ":' line in " + banner));
  }

  /** The token endpoint it printed. */
  String tokenEndpoint() {
    String line = printed("token endpoint");
    return line.substring("POST ".length(), line.indexOf(' ', "POST ".length()));
  }

  String stderr() throws IOException {
    return Files.readString(stderr);
  }

  /** Closes its standard input, as Ctrl-D does, and waits for it to end. */
  int stopWithEndOfInput() throws IOException, InterruptedException {
    process.getOutputStream().close();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
    return process.exitValue();
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(stderr);
  }
}
