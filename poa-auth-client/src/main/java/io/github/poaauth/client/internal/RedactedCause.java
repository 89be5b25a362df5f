package io.github.poaauth.client.internal;

/**
 * What is kept of a library's exception as the cause of a public one: its type and its message
 * through the {@link Redactor}, reduced to printable ASCII and 200 characters, and its stack
 * trace; never the exception itself (Feign's hold the request with its form body, and some are
 * not serializable) and never its own causes.
 *
 * <p>Unsupported API: this package may change without notice.
 */
public final class RedactedCause extends Exception {
  private static final long serialVersionUID = 1L;
  private static final int MAX_MESSAGE = 200;

  private RedactedCause(String message) {
    super(message, null, false, true);
  }

  static RedactedCause of(Throwable original, Redactor redactor) {
    String message = original.getMessage() == null ? null
        : redactor.redact(original.getMessage()).replaceAll("[^\\x20-\\x7E]", "?");
    if (message != null && message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "...";
    }
    RedactedCause cause = new RedactedCause(original.getClass().getName()
        + (message == null ? "" : ": " + message));
    cause.setStackTrace(original.getStackTrace());
    return cause;
  }

  /** Prints as the original would, type first. */
  @Override
  public String toString() {
    return getMessage();
  }
}
