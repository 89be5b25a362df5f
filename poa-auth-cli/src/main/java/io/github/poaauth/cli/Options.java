package io.github.poaauth.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The parsed command line, parsed by picocli's programmatic API (no annotations read at run
 * time: the token path's start-up stays short).
 *
 * <p>No error message ever holds what the user typed, only our own option names and positions:
 * a user who mistypes an option may have put the secret in it ({@code -p<secret>},
 * {@code -<secret>}, {@code -v=<secret>}, {@code --base-url <secret>}). Picocli's own messages
 * quote the argument, so they are never shown; {@link #usageError} words each kind of error
 * anew.
 */
final class Options {

  static final String TOKEN = "token";
  static final String SANDBOX = "sandbox";

  /** Which command ran; null with {@link #help}. */
  String command;
  boolean help;

  // token
  boolean sandbox;
  boolean header;
  boolean verbose;
  boolean secretStdin;
  String baseUrl;
  String clientId;

  // sandbox
  int port;
  /** Client id to secret, in the order given; empty for the sandbox's default client. */
  final Map<String, String> clients = new LinkedHashMap<>();
  Duration tokenLifetime;

  /** Values typed on the command line that an error line must not show. */
  final List<String> typedValues = new ArrayList<>();

  private Options() {}

  static Options parse(String... args) throws UsageException {
    refuseASecretOption(args);
    CommandLine root = commandLine();
    ParseResult result;
    try {
      result = root.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw usageError(e, args, root);
    }
    Options options = new Options();
    if (result.isUsageHelpRequested()) {
      options.help = true;
      return options;
    }
    ParseResult sub = result.subcommand();
    if (sub == null) {
      throw new UsageException(noCommand());
    }
    if (sub.isUsageHelpRequested()) {
      options.help = true;
      return options;
    }
    options.command = sub.commandSpec().name();
    if (TOKEN.equals(options.command)) {
      options.readToken(sub);
    } else {
      options.readSandbox(sub);
    }
    return options;
  }

  private void readToken(ParseResult token) throws UsageException {
    sandbox = token.hasMatchedOption("--sandbox");
    header = token.hasMatchedOption("--header");
    verbose = token.hasMatchedOption("--verbose");
    secretStdin = token.hasMatchedOption("--secret-stdin");
    baseUrl = value(token, "--base-url");
    clientId = value(token, "--client-id");
    if (sandbox && baseUrl != null) {
      throw new UsageException("--sandbox runs its own endpoint: drop --base-url, or drop --sandbox"
          + " to use that URL");
    }
  }

  private void readSandbox(ParseResult sandboxCommand) throws UsageException {
    String portText = value(sandboxCommand, "--port");
    if (portText != null) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65_535) {
        throw new UsageException("--port must be a number from 0 (any free port) to 65535");
      }
    }
    List<String> clientValues = sandboxCommand.matchedOptionValue("--client", List.<String>of());
    for (String client : clientValues) {
      typedValues.add(client);
      int colon = client.indexOf(':');
      if (colon <= 0 || colon == client.length() - 1 || client.substring(0, colon).isBlank()) {
        throw new UsageException("--client must be ID:SECRET, both non-empty (the value is not"
            + " shown)");
      }
      if (clients.putIfAbsent(client.substring(0, colon), client.substring(colon + 1)) != null) {
        throw new UsageException("--client: each client id may be registered once");
      }
    }
    String lifetime = value(sandboxCommand, "--token-lifetime");
    if (lifetime != null) {
      tokenLifetime = duration(lifetime);
    }
  }

  /** The option's last value, trimmed; null if not given. */
  private String value(ParseResult command, String name) throws UsageException {
    if (!command.hasMatchedOption(name)) {
      return null;
    }
    String value = command.matchedOptionValue(name, "");
    typedValues.add(value);
    if (value.isBlank() || value.startsWith("--")) {
      throw new UsageException(name + " needs a value");
    }
    return value.trim();
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h)?");

  /** {@code 60s}, {@code 30m}, {@code 1h}, {@code 90} (seconds) or ISO-8601 {@code PT90S}. */
  private static Duration duration(String text) throws UsageException {
    Matcher matcher = DURATION.matcher(text.toLowerCase(Locale.ROOT));
    Duration duration = null;
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      String unit = matcher.group(2) == null ? "s" : matcher.group(2);
      duration = unit.equals("h") ? Duration.ofHours(amount)
          : unit.equals("m") ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
    } else if (text.toUpperCase(Locale.ROOT).startsWith("PT")) {
      try {
        duration = Duration.parse(text);
      } catch (RuntimeException e) {
        duration = null;
      }
    }
    if (duration == null || duration.getSeconds() < 1 || duration.getNano() != 0
        || duration.getSeconds() > Integer.MAX_VALUE) {
      throw new UsageException("--token-lifetime must be a whole number of seconds from 1 up, such"
          + " as 60s, 30m, 1h or PT90S");
    }
    return duration;
  }

  /** The command line's grammar. Settings are set after the subcommands are added: they propagate. */
  private static CommandLine commandLine() {
    CommandSpec token = CommandSpec.create().name(TOKEN)
        .addOption(flag("--sandbox"))
        .addOption(flag("--header"))
        .addOption(flag("--secret-stdin"))
        .addOption(flag("-v", "--verbose"))
        .addOption(valued("--base-url", "URL"))
        .addOption(valued("--client-id", "ID"))
        .addOption(help());
    CommandSpec sandbox = CommandSpec.create().name(SANDBOX)
        .addOption(valued("--port", "N"))
        .addOption(OptionSpec.builder("--client").paramLabel("ID:SECRET").arity("1")
            .type(List.class).auxiliaryTypes(String.class).build())
        .addOption(valued("--token-lifetime", "DURATION"))
        .addOption(help());
    CommandSpec root = CommandSpec.create().name(PoaAuthCli.NAME)
        .addOption(help())
        .addSubcommand(TOKEN, token)
        .addSubcommand(SANDBOX, sandbox);
    CommandLine commandLine = new CommandLine(root);
    // "@file" would make picocli read a file named by the argument, and quote it in errors.
    commandLine.setExpandAtFiles(false);
    // As before picocli: an option given twice takes its last value.
    commandLine.setOverwrittenOptionsAllowed(true);
    commandLine.setUnmatchedArgumentsAllowed(false);
    // As before picocli: -vh is not -v -h; a cluster would make -v<secret> a row of options.
    commandLine.setPosixClusteredShortOptionsAllowed(false);
    return commandLine;
  }

  private static OptionSpec flag(String... names) {
    return OptionSpec.builder(names).arity("0").type(boolean.class).build();
  }

  private static OptionSpec valued(String name, String label) {
    return OptionSpec.builder(name).paramLabel(label).arity("1").type(String.class).build();
  }

  private static OptionSpec help() {
    return OptionSpec.builder("-h", "--help").usageHelp(true).build();
  }

  /** A secret option is refused before anything else, whatever else is wrong. */
  private static void refuseASecretOption(String[] args) throws UsageException {
    for (String arg : args) {
      if ("--".equals(arg)) {
        return;
      }
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.startsWith("-") && lower.contains("secret") && !lower.equals("--secret-stdin")) {
        throw new UsageException("the client secret is never taken from the command line, where"
            + " other users can read it (ps): set POA_CLIENT_SECRET or pipe it to --secret-stdin");
      }
    }
  }

  /**
   * Picocli's error, said again without what the user typed: only the names of our own options,
   * the position of the argument, and how to go on.
   */
  private static UsageException usageError(CommandLine.ParameterException e, String[] args,
      CommandLine root) {
    if (e.getCommandLine() == root && Arrays.stream(args).noneMatch(Options::isCommand)) {
      return new UsageException(noCommand());
    }
    if (e instanceof CommandLine.UnmatchedArgumentException) {
      CommandLine.UnmatchedArgumentException unmatched = (CommandLine.UnmatchedArgumentException) e;
      String first = unmatched.getUnmatched().isEmpty() ? "" : unmatched.getUnmatched().get(0);
      String position = position(args, first);
      if (first.startsWith("-") && first.length() > 1) {
        // Picocli's suggestions are names of our options, never the argument itself.
        List<String> suggestions = unmatched.getSuggestions();
        return new UsageException("unknown option" + position
            + (suggestions.isEmpty() ? "" : "; did you mean " + suggestions.get(0) + "?")
            + " (see --help; the argument is not shown, in case it holds a secret)");
      }
      return new UsageException("unexpected argument" + position + "; the commands are '"
          + TOKEN + "' and '" + SANDBOX + "' (see --help; the argument is not shown, in case it"
          + " holds a secret)");
    }
    if (e instanceof CommandLine.MissingParameterException) {
      List<ArgSpec> missing = ((CommandLine.MissingParameterException) e).getMissing();
      if (!missing.isEmpty() && missing.get(0) instanceof OptionSpec) {
        return new UsageException(((OptionSpec) missing.get(0)).longestName() + " needs a value");
      }
    }
    if (e instanceof CommandLine.MaxValuesExceededException) {
      // A flag given a value (--verbose=x, -v=x); picocli names neither in the exception.
      for (OptionSpec option : e.getCommandLine().getCommandSpec().options()) {
        for (String name : option.names()) {
          if (option.arity().max() == 0
              && Arrays.stream(args).anyMatch(arg -> arg.startsWith(name + "="))) {
            return new UsageException(option.longestName() + " takes no value (see --help)");
          }
        }
      }
    }
    ArgSpec spec = e.getArgSpec();
    if (spec instanceof OptionSpec) {
      OptionSpec option = (OptionSpec) spec;
      return new UsageException(option.longestName() + (option.arity().max() == 0
          ? " takes no value" : " was given a value it cannot take") + " (see --help)");
    }
    return new UsageException("the command line cannot be read (see --help; the arguments are not"
        + " shown, in case one holds a secret)");
  }

  private static boolean isCommand(String arg) {
    return TOKEN.equals(arg) || SANDBOX.equals(arg);
  }

  private static String noCommand() {
    return "no command given: use '" + TOKEN + "' or '" + SANDBOX + "' (see --help)";
  }

  /** " at position N" (1-based, as a shell user counts), or nothing when it cannot be told. */
  private static String position(String[] args, String arg) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(arg)) {
        return " at position " + (i + 1);
      }
    }
    return "";
  }
}
