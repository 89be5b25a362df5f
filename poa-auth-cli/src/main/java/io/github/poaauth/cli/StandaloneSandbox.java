package io.github.poaauth.cli;

import io.github.poaauth.sandbox.PoaSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;

/**
 * {@code poa-auth sandbox}: a {@link PoaSandbox} on loopback for trying the token endpoint by
 * hand, with {@code curl} or {@code poa-auth token}, until the user stops it: Ctrl-C (SIGINT),
 * end of standard input (Ctrl-D, or the end of a pipe), or kill (SIGTERM).
 *
 * <p>It prints its base URL, its token endpoint and the client to use on stdout, one
 * {@code name: value} line each, and accepts the provider page's {@code curl} sample as written:
 * on the sample's path {@value PoaSandbox#SAMPLE_PATH} as well as on the documented
 * {@value PoaSandbox#TOKEN_PATH}, with a line on stderr for each request on the sample path that
 * names the documented one.
 *
 * <p>The secrets of {@code --client ID:SECRET} are made up for the sandbox: the sandbox's rule,
 * unlike the token command's, is that nothing real is ever given to it. They are not printed.
 */
final class StandaloneSandbox {

  private final Options options;
  private final InputStream stdin;
  private final PrintStream out;
  private final PrintStream err;

  StandaloneSandbox(Options options, InputStream stdin, PrintStream out, PrintStream err) {
    this.options = options;
    this.stdin = stdin;
    this.out = out;
    this.err = err;
  }

  int run() throws UsageException {
    PoaSandbox.Builder builder = PoaSandbox.builder().port(options.port).acceptSamplePath(
        () -> {
          err.println(PoaAuthCli.NAME + ": POST " + PoaSandbox.SAMPLE_PATH + " is the path of"
              + " the curl sample on POA's page; POA documents POST " + PoaSandbox.TOKEN_PATH
              + ", which is the path to use (poa-auth does)");
          err.flush();
        });
    options.clients.forEach(builder::client);
    if (options.tokenLifetime != null) {
      builder.tokenLifetime(options.tokenLifetime);
    }
    PoaSandbox sandbox;
    try {
      sandbox = builder.start();
    } catch (UncheckedIOException e) {
      throw new UsageException("the sandbox cannot listen on the port given with --port ("
          + e.getCause().getClass().getSimpleName() + "): choose another, or --port 0 for a"
          + " free one");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();
    // Ctrl-C and kill: the JVM runs this hook, then exits with 130 or 143.
    Thread onSignal = new Thread(() -> {
      signalled.set(true);
      sandbox.close();
      stopped.countDown();
    }, "poa-auth-sandbox-stop");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      printWhereItListens(sandbox);
      Thread stdinWatch = new Thread(() -> {
        drain(stdin);
        stopped.countDown();
      }, "poa-auth-sandbox-stdin");
      // Daemon: when a signal stops the sandbox, a read blocked on a terminal must not hold
      // the JVM.
      stdinWatch.setDaemon(true);
      stdinWatch.start();
      stopped.await();
      if (signalled.get()) {
        // The JVM is shutting down on a signal and exits with its status (130, 143) once the
        // hook returns: returning OK here would race it to System.exit(0).
        new CountDownLatch(1).await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sandbox.close();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(onSignal);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down (a signal came in): the hook is running or has run.
    }
    err.println(PoaAuthCli.NAME + ": sandbox stopped");
    err.flush();
    return PoaAuthCli.OK;
  }

  private void printWhereItListens(PoaSandbox sandbox) {
    out.println("POA sandbox listening at " + sandbox.baseUrl());
    out.println("token endpoint: POST " + sandbox.tokenEndpoint()
        + " (the page's curl sample path " + PoaSandbox.SAMPLE_PATH + " works too)");
    out.println("client_id: " + sandbox.defaultClientId());
    out.println("client_secret: " + (options.clients.isEmpty()
        ? sandbox.defaultClientSecret() + " (the sandbox's default client: not a secret)"
        : "as given with --client (not shown)"));
    out.println("token lifetime: " + sandbox.tokenLifetime().toSeconds() + " s");
    out.println("Stop it with Ctrl-C, or Ctrl-D (end of standard input).");
    out.flush();
  }

  /** Reads and drops standard input until its end, or until it cannot be read. */
  private static void drain(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) != -1) {
        // Whatever is typed is not for the sandbox.
      }
    } catch (IOException e) {
      // Closed under us: the same as its end.
    }
  }
}
