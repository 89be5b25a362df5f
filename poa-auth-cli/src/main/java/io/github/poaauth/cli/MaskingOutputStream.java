package io.github.poaauth.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Passes text on to another stream a whole line at a time, each line through
 * {@link SecretMask#forTerminal}: a secret split over two writes is still masked, and no control
 * character reaches the terminal. Used for the CLI's stderr, which {@code --verbose} fills with
 * the provider's HTTP log (through SLF4J, which writes to {@link System#err}).
 *
 * <p>Thread-safe: writes are serialized, as {@link PrintStream}'s are.
 */
final class MaskingOutputStream extends OutputStream {

  private final OutputStream target;
  private final SecretMask mask;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  MaskingOutputStream(OutputStream target, SecretMask mask) {
    this.target = Objects.requireNonNull(target, "target");
    this.mask = Objects.requireNonNull(mask, "mask");
  }

  /** A UTF-8 print stream over a masking stream. */
  static PrintStream printStream(OutputStream target, SecretMask mask) {
    return new PrintStream(new MaskingOutputStream(target, mask), true, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n') {
      emitLine();
    }
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    for (int i = offset; i < offset + length; i++) {
      write(bytes[i]);
    }
  }

  /**
   * Flushes complete lines only: a partial line waits for its end (or for {@link #close}), so a
   * secret is never cut in two by a flush between two of its parts.
   */
  @Override
  public synchronized void flush() throws IOException {
    target.flush();
  }

  /** Writes what is left of the last line, masked, and flushes; the target stays open. */
  @Override
  public synchronized void close() throws IOException {
    if (line.size() > 0) {
      emitLine();
    }
    target.flush();
  }

  private void emitLine() throws IOException {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    // The line's own end (\n, or \r\n on Windows) is kept as it is; everything else is masked.
    String end = text.endsWith("\r\n") ? "\r\n" : text.endsWith("\n") ? "\n" : "";
    String body = text.substring(0, text.length() - end.length());
    target.write((mask.forTerminal(body) + end).getBytes(StandardCharsets.UTF_8));
    target.flush();
  }
}
