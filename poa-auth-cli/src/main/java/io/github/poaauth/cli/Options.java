package io.github.poaauth.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed command line. Its grammar is picocli's ({@link PicocliGrammar}, the programmatic
 * API); a well-formed {@code token} command line is read without picocli ({@link #fastPath}),
 * because loading picocli costs a cold start about 150 ms of CPU that no class-data archive
 * can save (picocli's classes are Java 5 class files, which CDS does not archive). The fast
 * path takes only command lines whose meaning under picocli is plain, and gives the same
 * result; {@code OptionsFastPathTest} checks that against picocli, command line by command
 * line. Everything else, errors and help included, goes through picocli.
 *
 * <p>No error message ever holds what the user typed, only our own option names and positions:
 * a user who mistypes an option may have put the secret in it ({@code -p<secret>},
 * {@code -<secret>}, {@code -v=<secret>}, {@code --base-url <secret>}). Picocli's own messages
 * quote the argument, so they are never shown; {@link PicocliGrammar} words each kind of error
 * anew.
 */
final class Options {

  static final String TOKEN = "token";
  static final String SANDBOX = "sandbox";
  static final String DOCTOR = "doctor";

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

  // doctor (and --base-url, --client-id, --secret-stdin of token)
  boolean json;
  String apiUrl;
  String truststore;
  String tokenPath;

  // sandbox
  int port;
  /** Client id to secret, in the order given; empty for the sandbox's default client. */
  final Map<String, String> clients = new LinkedHashMap<>();
  Duration tokenLifetime;

  /** Values typed on the command line that an error line must not show. */
  final List<String> typedValues = new ArrayList<>();

  private Options() {}

  /** What a command line matched: options by their longest name, each with its values. */
  static final class Matched {
    private final Map<String, List<String>> values;

    Matched(Map<String, List<String>> values) {
      this.values = Map.copyOf(values);
    }

    boolean has(String option) {
      return values.containsKey(option);
    }

    /** The option's last value, "" if it has none. */
    String value(String option) {
      List<String> all = values(option);
      return all.isEmpty() ? "" : all.get(all.size() - 1);
    }

    /** Every value of the option, in order. */
    List<String> values(String option) {
      return values.getOrDefault(option, List.of());
    }
  }

  static Options parse(String... args) throws UsageException {
    refuseASecretOption(args);
    Matched token = fastPath(args);
    return token != null ? of(TOKEN, token) : PicocliGrammar.parse(args);
  }

  /** The options of a command that picocli (or the fast path) matched. */
  static Options of(String command, Matched matched) throws UsageException {
    Options options = new Options();
    options.command = command;
    if (TOKEN.equals(command)) {
      options.readToken(matched);
    } else if (DOCTOR.equals(command)) {
      options.readDoctor(matched);
    } else {
      options.readSandbox(matched);
    }
    return options;
  }

  /** {@code --help}, at the top or on a command. */
  static Options helpRequested() {
    Options options = new Options();
    options.help = true;
    return options;
  }

  private static final List<String> FLAGS =
      List.of("--sandbox", "--header", "--secret-stdin", "--verbose");
  private static final List<String> VALUED = List.of("--base-url", "--client-id");

  /**
   * The options of a {@code token} command line read without picocli, or null where picocli
   * has to read it: only {@code token} followed by our own flags and valued options, each at
   * most once, whose values are plain (visible ASCII without quotes or backslashes, not
   * starting with {@code -} or {@code @}, and not a command's name). On such a line picocli
   * matches exactly those options with exactly those values.
   */
  static Matched fastPath(String... args) {
    if (args.length == 0 || !TOKEN.equals(args[0])) {
      return null;
    }
    Map<String, List<String>> matched = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      String name = "-v".equals(arg) ? "--verbose" : arg;
      List<String> values = List.of();
      int eq = arg.indexOf('=');
      if (FLAGS.contains(name)) {
        // a flag: no value
      } else if (VALUED.contains(arg) && i + 1 < args.length) {
        values = List.of(args[++i]);
      } else if (eq > 0 && VALUED.contains(arg.substring(0, eq))) {
        name = arg.substring(0, eq);
        values = List.of(arg.substring(eq + 1));
      } else {
        return null;
      }
      boolean plain = values.stream().allMatch(Options::isPlainValue);
      if (!plain || matched.putIfAbsent(name, values) != null) {
        return null;
      }
    }
    return new Matched(matched);
  }

  private static boolean isPlainValue(String value) {
    if (value.isEmpty() || value.charAt(0) == '-' || value.charAt(0) == '@'
        || TOKEN.equals(value) || SANDBOX.equals(value) || DOCTOR.equals(value)) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c > '~' || c == '"' || c == '\'' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private void readToken(Matched token) throws UsageException {
    sandbox = token.has("--sandbox");
    header = token.has("--header");
    verbose = token.has("--verbose");
    secretStdin = token.has("--secret-stdin");
    baseUrl = value(token, "--base-url");
    clientId = value(token, "--client-id");
    if (sandbox && baseUrl != null) {
      throw new UsageException("--sandbox runs its own endpoint: drop --base-url, or drop --sandbox"
          + " to use that URL");
    }
  }

  private void readDoctor(Matched doctor) throws UsageException {
    secretStdin = doctor.has("--secret-stdin");
    json = doctor.has("--json");
    baseUrl = value(doctor, "--base-url");
    clientId = value(doctor, "--client-id");
    apiUrl = value(doctor, "--api-url");
    truststore = value(doctor, "--truststore");
    tokenPath = value(doctor, "--token-path");
  }

  private void readSandbox(Matched sandboxCommand) throws UsageException {
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
    List<String> clientValues = sandboxCommand.values("--client");
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
  private String value(Matched command, String name) throws UsageException {
    if (!command.has(name)) {
      return null;
    }
    String value = command.value(name);
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
}
