package io.github.poaauth.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line's grammar, in picocli's programmatic API (no annotations read at run time),
 * and picocli's errors said again without what the user typed. Only {@link Options} uses it,
 * for every command line its fast path does not take; picocli's classes are loaded only then.
 */
final class PicocliGrammar {
  private static final String TOKEN = Options.TOKEN;
  private static final String SANDBOX = Options.SANDBOX;
  private static final String DOCTOR = Options.DOCTOR;

  private PicocliGrammar() {
  }

  static Options parse(String... args) throws UsageException {
    CommandLine root = commandLine();
    ParseResult result;
    try {
      result = root.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw usageError(e, args, root);
    }
    if (result.isUsageHelpRequested()) {
      return Options.helpRequested();
    }
    ParseResult sub = result.subcommand();
    if (sub == null) {
      throw new UsageException(noCommand());
    }
    if (sub.isUsageHelpRequested()) {
      return Options.helpRequested();
    }
    Map<String, List<String>> matched = new LinkedHashMap<>();
    for (OptionSpec option : sub.matchedOptions()) {
      Object value = option.getValue();
      matched.put(option.longestName(), value instanceof List<?> list
          ? list.stream().map(String::valueOf).toList()
          : option.arity().max() == 0 ? List.of() : List.of(String.valueOf(value)));
    }
    return Options.of(sub.commandSpec().name(), new Options.Matched(matched));
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
        .addOption(helpOption());
    CommandSpec sandbox = CommandSpec.create().name(SANDBOX)
        .addOption(valued("--port", "N"))
        .addOption(OptionSpec.builder("--client").paramLabel("ID:SECRET").arity("1")
            .type(List.class).auxiliaryTypes(String.class).build())
        .addOption(valued("--token-lifetime", "DURATION"))
        .addOption(helpOption());
    CommandSpec doctor = CommandSpec.create().name(DOCTOR)
        .addOption(flag("--secret-stdin"))
        .addOption(flag("--json"))
        .addOption(valued("--base-url", "URL"))
        .addOption(valued("--client-id", "ID"))
        .addOption(valued("--api-url", "URL"))
        .addOption(valued("--truststore", "FILE"))
        .addOption(valued("--token-path", "PATH"))
        .addOption(helpOption());
    CommandSpec root = CommandSpec.create().name(PoaAuthCli.NAME)
        .addOption(helpOption())
        .addSubcommand(TOKEN, token)
        .addSubcommand(SANDBOX, sandbox)
        .addSubcommand(DOCTOR, doctor);
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

  private static OptionSpec helpOption() {
    return OptionSpec.builder("-h", "--help").usageHelp(true).build();
  }

  /**
   * Picocli's error, said again without what the user typed: only the names of our own options,
   * the position of the argument, and how to go on.
   */
  private static UsageException usageError(CommandLine.ParameterException e, String[] args,
      CommandLine root) {
    if (e.getCommandLine() == root && Arrays.stream(args).noneMatch(PicocliGrammar::isCommand)) {
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
          + TOKEN + "', '" + DOCTOR + "' and '" + SANDBOX + "' (see --help; the argument is not"
          + " shown, in case it holds a secret)");
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
    return TOKEN.equals(arg) || SANDBOX.equals(arg) || DOCTOR.equals(arg);
  }

  private static String noCommand() {
    return "no command given: use '" + TOKEN + "', '" + DOCTOR + "' or '" + SANDBOX
        + "' (see --help)";
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
