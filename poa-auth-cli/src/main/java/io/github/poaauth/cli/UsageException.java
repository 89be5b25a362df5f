package io.github.poaauth.cli;

/** The command line or the environment is incomplete or wrong; the message says how to fix it. */
final class UsageException extends Exception {

  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message, null, false, false);
  }
}
