package io.github.poaauth.keycloak.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution lock of {@link KeycloakServer}, without Keycloak: the distribution is a
 * directory whose {@code bin/kc.sh} exits at once with code 3, so a start that gets past the lock
 * fails with Keycloak's exit, and one that does not fails with the lock's message. The other test
 * JVM is a real second JVM that holds the lock until the test closes its standard input.
 */
class KeycloakServerLockTest {

  /** How long the other JVM may take to exit once told to (a JVM exit, on a loaded machine). */
  private static final Duration CHILD_EXIT = Duration.ofSeconds(30);
  private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(1);

  @TempDir Path home;
  @TempDir Path scratch;
  private Process otherJvm;

  @BeforeEach
  void fakeDistribution() throws IOException {
    Path kcSh = Files.createDirectories(home.resolve("bin")).resolve("kc.sh");
    Files.writeString(kcSh, "exit 3\n");
  }

  @AfterEach
  void stopOtherJvm() throws InterruptedException {
    if (otherJvm != null) {
      otherJvm.destroyForcibly();
      otherJvm.waitFor(CHILD_EXIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void whileAnotherJvmHoldsTheDistribution_aStartWaitsForTheLockTimeout_thenFailsSayingWhy()
      throws Exception {
    holdLockInAnotherJvm();

    long started = System.nanoTime();
    Throwable failure = catchThrowable(() -> KeycloakServer.start(settings()));
    Duration waited = Duration.ofNanos(System.nanoTime() - started);

    assertThat(failure).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Another test JVM has been running Keycloak from")
        .hasMessageContaining("-Dkeycloak.lock.timeout.seconds");
    assertThat(waited).isGreaterThanOrEqualTo(LOCK_TIMEOUT);
    assertThat(Files.exists(home.resolve("data"))).as("data/ prepared: the start went past the lock")
        .isFalse();
  }

  @Test
  void onceTheOtherJvmIsGone_aStartGetsTheDistribution_andAFailedStartReleasesIt()
      throws Exception {
    holdLockInAnotherJvm();
    otherJvm.getOutputStream().close();
    assertThat(otherJvm.waitFor(CHILD_EXIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    for (int attempt = 1; attempt <= 2; attempt++) {
      Throwable failure = catchThrowable(() -> KeycloakServer.start(settings()));
      assertThat(failure).as("attempt %d", attempt).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Keycloak exited with code 3");
    }
  }

  private KeycloakServer.Settings settings() {
    return new KeycloakServer.Settings(home, home.resolve("keycloak.log"),
        Duration.ofSeconds(30), LOCK_TIMEOUT, "admin-not-used", "not-a-secret");
  }

  /** Starts a JVM that locks the distribution, and returns once it says it holds the lock. */
  private void holdLockInAnotherJvm() throws IOException {
    Path source = scratch.resolve("LockHolder.java");
    Files.writeString(source, """
        import java.nio.channels.FileChannel;
        import java.nio.file.Path;
        import java.nio.file.StandardOpenOption;
        public class LockHolder {
          public static void main(String[] args) throws Exception {
            try (FileChannel channel = FileChannel.open(Path.of(args[0]),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
              channel.lock();
              System.out.println("locked");
              System.out.flush();
              System.in.read();
            }
          }
        }
        """);
    otherJvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), source.toString(), home.toRealPath().resolve(KeycloakServer.LOCK_FILE)
        .toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(otherJvm.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).as("the other JVM's first line").isEqualTo("locked");
  }
}
