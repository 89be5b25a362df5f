package io.github.poaauth.keycloak.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Keycloak server in dev mode, started from the distribution the build unpacked, with the
 * realm {@code cybrillarta} imported, listening on a free loopback port.
 *
 * <p>Every start begins from an empty database (the distribution's {@code data/} directory is
 * wiped), so the realm is always exactly {@value CybrillartaRealm#RESOURCE}, whatever an earlier
 * run or a state handler changed. Keycloak's output goes to a log file, never to the console.
 *
 * <p>{@link #close()} stops the whole process tree: {@code kc.sh} runs Java as its child (or
 * {@code exec}s it after the first start's build step), so stopping only the process we started
 * could leave a 500 MB JVM behind. SIGTERM first, which Keycloak answers with a clean shutdown;
 * whatever still runs after {@link #STOP_GRACE} is killed. A JVM shutdown hook does the same if
 * the test JVM ends without closing (a crash of the test run, Ctrl-C, surefire's fork timeout).
 *
 * <p>Only a test JVM killed outright ({@code kill -9}) leaves Keycloak running: its process id is
 * kept in {@value #PID_FILE} next to the distribution, and the next start stops such a leftover
 * first.
 *
 * <p>One distribution serves several modules' test JVMs (poa-auth-keycloak-tests and
 * poa-auth-spring-boot-sample), one at a time: a start takes an exclusive lock on
 * {@value #LOCK_FILE} next to the distribution and holds it until the server is stopped (the
 * operating system drops it if the JVM dies). A second test JVM, from a parallel build
 * ({@code -T}), waits for it at most {@link Settings#lockTimeout} instead of wiping the database
 * and stopping the Keycloak of the first.
 *
 * <p>Faults for the chaos run ({@code ChaosAgainstKeycloakIT}): {@link #suspend()} and
 * {@link #resume()} send SIGSTOP and SIGCONT to the process tree (Keycloak keeps its sockets and
 * the kernel keeps accepting connections, but nothing answers); {@link #kill()} sends SIGKILL and
 * {@link #restart()} starts the same command on the same port <em>without</em> wiping
 * {@code data/}, so the realm comes back as the killed server left it (keys, clients, secrets),
 * as a real Keycloak restarts. Stopping always sends SIGCONT first: a stopped process would
 * otherwise hold SIGTERM until the grace runs out.
 *
 * <p>Unix only ({@code kc.sh} through {@code /bin/sh}). Thread-safe: {@link #close()} runs once,
 * whichever of the test run and the shutdown hook comes first; the fault methods are meant for
 * one test thread at a time (they are {@code synchronized}), and a {@link #restart()} racing a
 * {@link #close()} stops the process it started.
 */
public final class KeycloakServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KeycloakServer.class);

  /** Keycloak stops in 1 to 2 s after SIGTERM; this leaves room for a loaded CI machine. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  private static final String LOOPBACK = "127.0.0.1";
  /** In the distribution's directory: the process started last, for reaping after a kill -9. */
  public static final String PID_FILE = "poa-keycloak.pid";
  /** In the distribution's directory: locked by the test JVM whose Keycloak runs from it. */
  public static final String LOCK_FILE = "poa-keycloak.lock";

  /** The running tree's root; replaced by {@link #restart()}, read by the shutdown hook. */
  private volatile Process process;
  private final URI baseUri;
  private final Path logFile;
  /** The command {@link #restart()} runs again: same port, same environment, log appended. */
  private final ProcessBuilder command;
  private final Path home;
  private final Duration startTimeout;
  private final Thread shutdownHook;
  /** Set by the first {@link #close()}: stopping is not repeated, by the hook or anyone. */
  private final AtomicBoolean stopped = new AtomicBoolean();
  /** How long {@link #start} took: written once before the server is handed out. */
  private volatile Duration startup = Duration.ZERO;
  /** This JVM's hold on the distribution, released once the process tree is stopped. */
  private final FileLock lock;

  private KeycloakServer(Process process, URI baseUri, Path logFile, ProcessBuilder command,
      Path home, Duration startTimeout, FileLock lock) {
    this.lock = lock;
    this.process = process;
    this.baseUri = baseUri;
    this.logFile = logFile;
    this.command = command;
    this.home = home;
    this.startTimeout = startTimeout;
    this.shutdownHook = new Thread(this::stop, "keycloak-stopper");
  }

  /**
   * Starts Keycloak and returns once the realm answers, or fails.
   *
   * @param settings where the distribution is, where to log, how long to wait
   * @return the running server
   * @throws IllegalStateException the distribution is missing, another test JVM held it longer
   *     than the lock timeout, or Keycloak exited or did not get ready in time (the message holds
   *     the end of its log); the process tree is stopped then
   */
  public static KeycloakServer start(Settings settings) throws IOException, InterruptedException {
    if (System.getProperty("os.name", "").startsWith("Windows")) {
      throw new IllegalStateException("The Keycloak tests run kc.sh and need a Unix shell;"
          + " on Windows run them in WSL or leave out -Pkeycloak.");
    }
    if (!Files.isRegularFile(settings.home.resolve("bin/kc.sh"))) {
      throw new IllegalStateException("No Keycloak distribution at " + settings.home
          + ": run the build with the profile and -am (./mvnw verify -Pkeycloak -pl <module> -am):"
          + " poa-auth-keycloak-support's pre-integration-test phase unpacks"
          + " org.keycloak:keycloak-quarkus-dist there.");
    }
    // Real path: kc.sh resolves its own location the same way, and stopLeftover compares them.
    Path home = settings.home.toRealPath();
    FileLock lock = lockDistribution(home, settings.lockTimeout);
    try {
      return start(settings, home, lock);
    } catch (IOException | RuntimeException | InterruptedException e) {
      // Closed by server.close() if the server was made; releasing twice does nothing.
      release(lock);
      throw e;
    }
  }

  private static KeycloakServer start(Settings settings, Path home, FileLock lock)
      throws IOException, InterruptedException {
    Path kcSh = home.resolve("bin/kc.sh");
    stopLeftover(home);
    prepareData(home);
    Files.createDirectories(settings.logFile.toAbsolutePath().getParent());
    int port = freeLoopbackPort();

    ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", kcSh.toString(), "start-dev",
        "--http-host=" + LOOPBACK, "--http-port=" + port, "--import-realm"))
        .directory(home.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(settings.logFile.toFile()));
    Map<String, String> env = builder.environment();
    // A developer's own KC_* (a database, a hostname, ...) or JAVA_OPTS would change the server
    // under test: start from Keycloak's defaults plus what this class sets.
    env.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("JAVA_OPTS"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
    env.put("KC_BOOTSTRAP_ADMIN_CLIENT_ID", settings.adminClientId);
    env.put("KC_BOOTSTRAP_ADMIN_CLIENT_SECRET", settings.adminClientSecret);

    long startedAt = System.nanoTime();
    KeycloakServer server = new KeycloakServer(builder.start(), URI.create("http://" + LOOPBACK
        + ':' + port), settings.logFile, builder, home, settings.startTimeout, lock);
    // A restart appends to the same log.
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(settings.logFile.toFile()));
    server.process.getOutputStream().close();
    Runtime.getRuntime().addShutdownHook(server.shutdownHook);
    Files.writeString(home.resolve(PID_FILE), Long.toString(server.process.pid()));
    try {
      server.awaitReady(settings.startTimeout);
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    server.startup = Duration.ofNanos(System.nanoTime() - startedAt);
    return server;
  }

  /** @return {@code http://127.0.0.1:<port>} */
  public URI baseUri() {
    return baseUri;
  }

  /** @return Keycloak's token endpoint of the realm {@code cybrillarta} */
  public URI tokenEndpoint() {
    return baseUri.resolve(CybrillartaRealm.KEYCLOAK_TOKEN_PATH);
  }

  public Duration startup() {
    return startup;
  }

  public Path logFile() {
    return logFile;
  }

  /** Stops the process tree (see the class comment). Idempotent. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down already: the hook is running or has run, and stops nothing twice.
    }
  }

  private void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    ProcessHandle root = process.toHandle();
    // A suspended tree would keep SIGTERM pending for the whole grace: let it run first.
    signalTree(root, "CONT");
    stopTree(root);
    release(lock);
  }

  /**
   * Takes the distribution for this JVM: at once if no other test JVM runs Keycloak from it,
   * else once that one has stopped its server, waiting at most {@code timeout}.
   * {@link FileChannel#lock()} blocks without a timeout of its own, so it waits on a thread of
   * its own that is interrupted (which closes the channel and ends the wait) when time is up.
   */
  private static FileLock lockDistribution(Path home, Duration timeout)
      throws IOException, InterruptedException {
    Path lockFile = home.resolve(LOCK_FILE);
    FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    ExecutorService waiter = null;
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return lock;
      }
      LOG.info("Another test JVM runs Keycloak from {}: waiting for it, at most {}", home, timeout);
      waiter = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "keycloak-distribution-lock");
        thread.setDaemon(true);
        return thread;
      });
      Future<FileLock> waiting = waiter.submit(() -> channel.lock());
      try {
        return waiting.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException("Another test JVM has been running Keycloak from " + home
            + " for longer than " + timeout + " (" + lockFile + " is locked): build the modules"
            + " that start Keycloak one after the other (without -T), or raise"
            + " -Dkeycloak.lock.timeout.seconds.");
      } catch (ExecutionException e) {
        throw new IOException("Could not lock " + lockFile, e.getCause());
      }
    } catch (IOException | RuntimeException | InterruptedException e) {
      channel.close();
      if (e instanceof OverlappingFileLockException) {
        throw new IllegalStateException("This JVM runs a Keycloak from " + home + " already:"
            + " share it (KeycloakExtension, PoaKeycloak) instead of starting another", e);
      }
      throw e;
    } finally {
      if (waiter != null) {
        // Interrupts a wait still blocked in lock(), which closes the channel; idle otherwise.
        waiter.shutdownNow();
      }
    }
  }

  private static void release(FileLock lock) {
    try {
      // Closing the channel releases the lock; a second close does nothing.
      lock.channel().close();
    } catch (IOException e) {
      // The lock goes with the JVM at the latest.
    }
  }

  /** SIGSTOP to the process tree: Keycloak stops answering, its sockets stay open. */
  public synchronized void suspend() {
    signalTree(process.toHandle(), "STOP");
  }

  /** SIGCONT to the process tree: Keycloak answers again, the queued requests first. */
  public synchronized void resume() {
    signalTree(process.toHandle(), "CONT");
  }

  /** @return whether the root process runs (a suspended one counts as running) */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGKILL to the process tree, as the OOM killer or a node failure would, and waits (at most
   * {@link #STOP_GRACE}) until every process of it is gone.
   */
  public synchronized void kill() {
    List<ProcessHandle> tree = tree(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    awaitExit(tree);
  }

  /**
   * Starts Keycloak again on the same port with the data the last process left, and returns
   * once the realm answers. Stops the old tree first if it still runs.
   *
   * @throws IllegalStateException Keycloak exited or was not ready within the start timeout
   */
  public synchronized void restart() throws IOException, InterruptedException {
    if (process.isAlive()) {
      kill();
    }
    if (stopped.get()) {
      throw new IllegalStateException("Keycloak was closed; not restarting it");
    }
    process = command.start();
    process.getOutputStream().close();
    Files.writeString(home.resolve(PID_FILE), Long.toString(process.pid()));
    if (stopped.get()) {
      // close() ran while we started: it may have stopped the old process only.
      stopTree(process.toHandle());
      throw new IllegalStateException("Keycloak was closed during a restart");
    }
    awaitReady(startTimeout);
  }

  private static List<ProcessHandle> tree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }

  private static void awaitExit(List<ProcessHandle> tree) {
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw new IllegalStateException("process " + handle.pid() + " still runs after SIGKILL"
            + " and " + STOP_GRACE, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Keycloak to exit", e);
      }
    }
  }

  /**
   * Sends a signal the JDK has no API for ({@code STOP}, {@code CONT}) with {@code kill}; waits
   * at most 10 s for it.
   */
  private static void signalTree(ProcessHandle root, String signal) {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    tree(root).stream().filter(ProcessHandle::isAlive)
        .forEach(handle -> command.add(Long.toString(handle.pid())));
    if (command.size() == 2) {
      return;
    }
    try {
      Process kill = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("kill -" + signal + " did not return within 10 s");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("kill -" + signal + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal, e);
    }
  }

  /** SIGTERM to the process and its descendants, SIGKILL to what is left after the grace. */
  private static void stopTree(ProcessHandle root) {
    // Collected before anything dies: an orphaned child is no longer our descendant.
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    tree.forEach(ProcessHandle::destroy);
    boolean interrupted = false;
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      }
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest discovery = HttpRequest.newBuilder(baseUri.resolve(CybrillartaRealm.DISCOVERY_PATH))
        .timeout(Duration.ofSeconds(5))
        .GET()
        .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Keycloak exited with code " + process.exitValue()
            + " before it was ready; end of " + logFile + ":\n" + logTail(40));
      }
      try {
        if (http.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      // Polling another process: nothing to wait on but time.
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    throw new IllegalStateException("Keycloak was not ready within " + timeout
        + " (raise -Dkeycloak.start.timeout.seconds on a slow machine); end of " + logFile + ":\n"
        + logTail(40));
  }

  /** @return the last lines of Keycloak's log, for failure messages */
  public String logTail(int lines) {
    try (Stream<String> all = Files.lines(logFile, StandardCharsets.UTF_8)) {
      List<String> list = all.collect(Collectors.toList());
      return String.join("\n", list.subList(Math.max(0, list.size() - lines), list.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log not readable: " + e + ")";
    }
  }

  /**
   * Stops a Keycloak an earlier test JVM started from this distribution and could not stop (it
   * was killed with SIGKILL). The command line is checked, so a recycled process id is left alone.
   */
  private static void stopLeftover(Path home) throws IOException {
    Path pidFile = home.resolve(PID_FILE);
    if (!Files.exists(pidFile)) {
      return;
    }
    String pid = Files.readString(pidFile).trim();
    Files.delete(pidFile);
    ProcessHandle.of(Long.parseLong(pid))
        .filter(ProcessHandle::isAlive)
        .filter(handle -> handle.info().commandLine()
            .map(command -> command.contains(home.toString())).orElse(false))
        .ifPresent(KeycloakServer::stopTree);
  }

  /** Empty database, and the realm file where {@code --import-realm} looks for it. */
  private static void prepareData(Path home) throws IOException {
    Path data = home.resolve("data");
    if (Files.exists(data)) {
      try (Stream<Path> paths = Files.walk(data)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
          Files.delete(path);
        }
      }
    }
    Path importDir = Files.createDirectories(data.resolve("import"));
    try (InputStream realm = KeycloakServer.class.getResourceAsStream(CybrillartaRealm.RESOURCE)) {
      if (realm == null) {
        throw new IllegalStateException(CybrillartaRealm.RESOURCE + " is not on the classpath");
      }
      Files.copy(realm, importDir.resolve("cybrillarta-realm.json"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * A port that was free a moment ago. Another process may take it before Keycloak binds it; on
   * a CI machine that is rare enough, and Keycloak then exits at once with a clear log line.
   */
  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  /** Where the distribution is and how to run it; read from the system properties the pom sets. */
  public static final class Settings {
    public final Path home;
    public final Path logFile;
    public final Duration startTimeout;
    public final String adminClientId;
    public final String adminClientSecret;
    /** How long a start waits for another test JVM to stop its Keycloak from the distribution. */
    public final Duration lockTimeout;

    public Settings(Path home, Path logFile, Duration startTimeout, Duration lockTimeout,
        String adminClientId, String adminClientSecret) {
      this.home = home;
      this.logFile = logFile;
      this.startTimeout = startTimeout;
      this.lockTimeout = lockTimeout;
      this.adminClientId = adminClientId;
      this.adminClientSecret = adminClientSecret;
    }

    /**
     * @param adminClientId client id of the temporary admin service account Keycloak creates
     * @param adminClientSecret its secret
     * @return settings from {@code poa.keycloak.home}, {@code poa.keycloak.log},
     *     {@code poa.keycloak.start-timeout-seconds} and
     *     {@code poa.keycloak.lock-timeout-seconds}
     */
    public static Settings fromSystemProperties(String adminClientId, String adminClientSecret) {
      String home = System.getProperty("poa.keycloak.home");
      if (home == null || home.isBlank()) {
        throw new IllegalStateException("System property poa.keycloak.home is not set: run these"
            + " tests through Maven, ./mvnw verify -Pkeycloak (failsafe sets it).");
      }
      Path log = Path.of(System.getProperty("poa.keycloak.log", "target/keycloak.log"));
      long timeout = Long.parseLong(System.getProperty("poa.keycloak.start-timeout-seconds", "240"));
      long lockTimeout = Long.parseLong(
          System.getProperty("poa.keycloak.lock-timeout-seconds", "900"));
      return new Settings(Path.of(home), log, Duration.ofSeconds(timeout),
          Duration.ofSeconds(lockTimeout), adminClientId, adminClientSecret);
    }
  }
}
