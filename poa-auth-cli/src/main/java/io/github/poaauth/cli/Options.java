package io.github.poaauth.cli;

import java.util.Locale;

/**
 * The parsed command line. Values are never echoed back in error messages: a user who mistypes
 * an option may have put the secret in it.
 */
final class Options {

  static final String COMMAND = "token";

  boolean help;
  boolean command;
  boolean sandbox;
  boolean header;
  boolean verbose;
  boolean secretStdin;
  String baseUrl;
  String clientId;

  private Options() {}

  static Options parse(String... args) throws UsageException {
    Options options = new Options();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      String inlineValue = arg.startsWith("--") && eq > 0 ? arg.substring(eq + 1) : null;
      if (looksLikeASecretOption(name)) {
        throw new UsageException("the client secret is never taken from the command line, where"
            + " other users can read it (ps): set POA_CLIENT_SECRET or pipe it to --secret-stdin");
      }
      switch (name) {
        case "-h":
        case "--help":
          options.help = true;
          break;
        case "--sandbox":
          options.sandbox = flag(name, inlineValue);
          break;
        case "--header":
          options.header = flag(name, inlineValue);
          break;
        case "--verbose":
        case "-v":
          options.verbose = flag(name, inlineValue);
          break;
        case "--secret-stdin":
          options.secretStdin = flag(name, inlineValue);
          break;
        case "--base-url":
          if (inlineValue == null) {
            i++;
          }
          options.baseUrl = value(name, inlineValue != null ? inlineValue : at(args, i));
          break;
        case "--client-id":
          if (inlineValue == null) {
            i++;
          }
          options.clientId = value(name, inlineValue != null ? inlineValue : at(args, i));
          break;
        default:
          if (arg.startsWith("-")) {
            throw new UsageException("unknown option " + name + " (see --help)");
          }
          if (!COMMAND.equals(arg) || options.command) {
            // Not echoed: a stray argument may be a secret typed in the wrong place.
            throw new UsageException("unexpected argument at position " + (i + 1)
                + "; the only command is '" + COMMAND + "' (see --help)");
          }
          options.command = true;
      }
    }
    if (!options.help && !options.command) {
      throw new UsageException("no command given: use '" + COMMAND + "' (see --help)");
    }
    if (options.sandbox && options.baseUrl != null) {
      throw new UsageException("--sandbox runs its own endpoint: drop --base-url, or drop --sandbox"
          + " to use that URL");
    }
    return options;
  }

  private static boolean looksLikeASecretOption(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.startsWith("-") && lower.contains("secret") && !lower.equals("--secret-stdin");
  }

  private static boolean flag(String name, String inlineValue) throws UsageException {
    if (inlineValue != null) {
      throw new UsageException(name + " takes no value");
    }
    return true;
  }

  private static String at(String[] args, int i) {
    return i < args.length ? args[i] : null;
  }

  private static String value(String name, String value) throws UsageException {
    if (value == null || value.isBlank() || value.startsWith("--")) {
      throw new UsageException(name + " needs a value");
    }
    return value.trim();
  }
}
