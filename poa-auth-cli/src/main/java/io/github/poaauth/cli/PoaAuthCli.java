package io.github.poaauth.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.InvalidTokenResponseException;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import io.github.poaauth.sandbox.PoaSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code poa-auth token}: gets a token from POA's token endpoint and prints it, to check a set
 * of client credentials from a shell, or, with {@code --sandbox}, to see poa-auth work with no
 * credentials and no network.
 *
 * <pre>
 * java -jar poa-auth-cli.jar token --sandbox
 * POA_CLIENT_SECRET=... java -jar poa-auth-cli.jar token --base-url https://poa.example.com --client-id partner-1
 * vault read -field=secret poa/partner-1 | java -jar poa-auth-cli.jar token --secret-stdin --header
 * </pre>
 *
 * <p>The base URL and client id come from {@code --base-url} and {@code --client-id}, else from
 * {@code POA_BASE_URL} and {@code POA_CLIENT_ID}. The secret comes only from
 * {@code --secret-stdin} or {@code POA_CLIENT_SECRET}, never from an option, which other users
 * could read in the process list. With {@code --sandbox} the environment is ignored: the sandbox
 * supplies the URL and its default client, and {@code --client-id} and {@code --secret-stdin}
 * still apply (to try a rejection).
 *
 * <p>Prints the token response as JSON ({@code access_token}, {@code expires_in},
 * {@code token_type}, {@code scope}: what {@link AccessToken} carries), or with {@code --header}
 * one {@code Authorization: Bearer ...} line. Errors are one line on stderr, never with a stack
 * trace or a secret; the exit code tells the reason: {@value #OK} success, {@value #USAGE} bad
 * usage or missing settings, {@value #REJECTED} credentials rejected, {@value #UNAVAILABLE}
 * endpoint unavailable, {@value #INVALID_RESPONSE} invalid response, {@value #UNEXPECTED}
 * anything else. {@code --verbose} adds the provider's redacted HTTP log (secret and token
 * masked) on stderr, through SLF4J.
 *
 * <p>What it prints never holds a secret in any spelling (as typed, form- or URL-encoded,
 * JSON-escaped), nor a value typed on the command line in an error line (a misplaced option may
 * hold the secret), nor a control character: {@code --header} refuses a token with one, JSON and
 * error lines escape them.
 *
 * <p>{@code poa-auth doctor} takes the same settings and diagnoses the token request step by
 * step, stopping at the first step that fails ({@link Doctor}; exit codes 11 to 18, one per
 * step).
 *
 * <p>{@code poa-auth sandbox [--port N] [--client ID:SECRET]... [--token-lifetime 60s]} serves a
 * standalone sandbox until stopped, for trying the endpoint by hand ({@link StandaloneSandbox}).
 *
 * <p>{@link #run(String...)} is the whole program without {@link System#exit}: tests call it with
 * their own streams and environment. With {@code --verbose} it points {@link System#err} at its
 * own (masked) error stream for the run, since the provider's HTTP log goes there through SLF4J.
 */
public final class PoaAuthCli {

  /** Exit code: the token was printed. */
  public static final int OK = 0;
  /** Exit code: an unexpected failure (a bug); the line on stderr names the exception type. */
  public static final int UNEXPECTED = 1;
  /** Exit code: bad usage, or a setting missing or invalid. */
  public static final int USAGE = 2;
  /** Exit code: the token endpoint rejected the credentials; stderr has the OAuth error code. */
  public static final int REJECTED = 3;
  /** Exit code: the token endpoint could not be reached or kept failing, retries included. */
  public static final int UNAVAILABLE = 4;
  /** Exit code: the token endpoint answered, but not with a usable token. */
  public static final int INVALID_RESPONSE = 5;

  static final String NAME = "poa-auth";

  private static final String USAGE_TEXT = String.join(System.lineSeparator(),
      "Usage: " + NAME + " token [--sandbox] [--base-url URL] [--client-id ID] [--secret-stdin]",
      "                      [--header] [--verbose]",
      "       " + NAME + " doctor [--base-url URL] [--client-id ID] [--secret-stdin] [--json]",
      "                      [--api-url URL] [--truststore FILE] [--token-path PATH]",
      "       " + NAME + " sandbox [--port N] [--client ID:SECRET]... [--token-lifetime DURATION]",
      "",
      "token: gets a token from POA's token endpoint (POST /v2/auth/cybrillarta/token) and prints",
      "it as JSON.",
      "  --base-url URL   the POA environment, e.g. https://poa.example.com (else $POA_BASE_URL)",
      "  --client-id ID   the client_id POA shared (else $POA_CLIENT_ID)",
      "  --secret-stdin   read the client_secret from standard input (else $POA_CLIENT_SECRET);",
      "                   it is never accepted as an option, where ps would show it",
      "  --sandbox        run against an in-process POA sandbox and its default client;",
      "                   no network, no credentials; the POA_* variables are ignored",
      "  --header         print only 'Authorization: Bearer <token>'",
      "  -v, --verbose    show the HTTP exchange on stderr, secret and token masked",
      "",
      "doctor: diagnoses a token request step by step, as POA support would, and stops at the",
      "first step that fails: 1 configuration, 2 DNS, 3 TCP (through the proxy if the JVM has",
      "one), 4 TLS, 5 token path, 6 credentials, 7 clocks, 8 the API (with --api-url). One line",
      "per step with what it found and, for a failure, the change that fixes it. Same settings",
      "as token (never a secret on the command line); neither secret nor token is ever printed.",
      "  --json           the same steps as one JSON document, fit to send to POA support",
      "  --api-url URL    also GET this POA API URL with the token (step 8)",
      "  --truststore FILE  trust these CA certificates (PEM/DER, or a PKCS12/JKS key store whose",
      "                   password is $POA_TRUSTSTORE_PASSWORD) instead of the JVM's",
      "  --token-path PATH  the token path to check, default " + PoaSandbox.TOKEN_PATH,
      "  Exit codes: 0 all good, 11 configuration, 12 DNS, 13 TCP, 14 TLS, 15 token path,",
      "  16 credentials, 17 clocks more than 30 s apart (a warning; all else worked), 18 API,",
      "  2 bad usage, 1 unexpected error.",
      "",
      "sandbox: serves a POA sandbox on loopback until Ctrl-C, end of standard input (Ctrl-D)",
      "or kill, for trying the endpoint by hand (curl). Prints its base URL and client on stdout.",
      "  --port N                 the port, default 0: a free one",
      "  --client ID:SECRET       register a made-up client (repeatable; the first is the one",
      "                           printed); default " + PoaSandbox.DEFAULT_CLIENT_ID + ":"
          + PoaSandbox.DEFAULT_CLIENT_SECRET,
      "  --token-lifetime DURATION  expires_in of its tokens, e.g. 60s, 30m, 1h; default 1800s",
      "  It also answers on the path of the provider page's curl sample, " + PoaSandbox.SAMPLE_PATH
          + ",",
      "  and says on stderr that POA documents " + PoaSandbox.TOKEN_PATH + ".",
      "",
      "  -h, --help       show this help",
      "",
      "Exit codes: 0 token printed (or sandbox stopped), 2 bad usage or missing setting,",
      "            3 credentials rejected, 4 endpoint unavailable, 5 invalid response,",
      "            1 unexpected error.");

  private final Map<String, String> env;
  private final InputStream stdin;
  private final PrintStream out;
  private final PrintStream err;

  /**
   * @param env the environment variables to read {@code POA_*} from
   * @param stdin read only with {@code --secret-stdin}, and by {@code sandbox}, which stops at
   *     its end
   * @param out receives the token (JSON or header line), {@code --help}, and the sandbox's
   *     address
   * @param err receives the one-line error, and with {@code --verbose} the HTTP exchange
   */
  public PoaAuthCli(Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.stdin = Objects.requireNonNull(stdin, "stdin");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
  }

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    int code = new PoaAuthCli(System.getenv(), System.in, System.out, System.err).run(args);
    System.out.flush();
    endHttpClientSelectorThreads();
    System.exit(code);
  }

  /**
   * Ends the selector thread of every {@code java.net.http} client, right before the JVM exits,
   * when the run is over. A JVM that exits waits up to 300 ms for its threads that run native
   * code to stop, and an HTTP client's selector thread always does (it waits in epoll); JDK 17
   * has no {@code HttpClient.close()} to end it, so every {@code poa-auth token} spent about
   * 300 ms between printing the token and exiting. The selector thread stops when interrupted
   * (its loop checks, and an interrupt wakes the selector up), and closes its selector as it
   * goes. Not for a JVM that goes on: any exchange still open on such a client would fail.
   */
  static void endHttpClientSelectorThreads() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int count = root.enumerate(threads, true);
    List<Thread> selectors = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (SELECTOR_THREAD_CLASS.equals(threads[i].getClass().getName())) {
        selectors.add(threads[i]);
        threads[i].interrupt();
      }
    }
    try {
      for (Thread selector : selectors) {
        selector.join(SELECTOR_STOP_WAIT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The class of java.net.http's selector threads (JDK 17 and 21 name it so). */
  private static final String SELECTOR_THREAD_CLASS =
      "jdk.internal.net.http.HttpClientImpl$SelectorManager";
  /** A selector thread stops within a millisecond; this is at most what exit waits for it. */
  private static final long SELECTOR_STOP_WAIT_MS = 100;

  /**
   * Runs the command line.
   *
   * @return the exit code, one of the constants of this class
   */
  public int run(String... args) {
    Options options = null;
    SecretMask mask = SecretMask.none().with(env("POA_CLIENT_SECRET"));
    try {
      options = Options.parse(args);
      if (options.help) {
        out.println(USAGE_TEXT);
        out.flush();
        return OK;
      }
      if (Options.SANDBOX.equals(options.command)) {
        return new StandaloneSandbox(options, stdin, out, err).run();
      }
      if (Options.DOCTOR.equals(options.command)) {
        String secret = options.secretStdin ? readSecretAsGiven() : null;
        return new Doctor(options, env, secret, mask.with(secret), out, err).run();
      }
      String secret = options.secretStdin ? readSecret() : null;
      mask = mask.with(secret);
      return options.sandbox
          ? runAgainstSandbox(options, secret, mask)
          : runAgainst(options, secret, mask);
    } catch (UsageException e) {
      return fail(USAGE, e.getMessage(), mask, options);
    } catch (CredentialsRejectedException e) {
      return fail(REJECTED, "credentials rejected: HTTP " + e.httpStatus()
          + e.errorCode().map(code -> " " + code).orElse(" (no OAuth error code)")
          + e.errorDescription().map(text -> " (" + text + ")").orElse(""), mask, options);
    } catch (TokenEndpointUnavailableException e) {
      String reason = String.valueOf(e.getMessage());
      return fail(UNAVAILABLE, reason.startsWith("token endpoint unavailable")
          ? reason : "token endpoint unavailable: " + reason, mask, options);
    } catch (InvalidTokenResponseException | UnprintableToken e) {
      return fail(INVALID_RESPONSE, "invalid token response: " + e.getMessage(), mask, options);
    } catch (IllegalArgumentException e) {
      // The provider's builder rejects a setting (e.g. an http URL to a remote host).
      return fail(USAGE, e.getMessage(), mask, options);
    } catch (RuntimeException e) {
      return fail(UNEXPECTED, "unexpected " + e.getClass().getName() + ": " + e.getMessage(), mask,
          options);
    }
  }

  private int runAgainstSandbox(Options options, String stdinSecret, SecretMask mask) {
    try (PoaSandbox sandbox = PoaSandbox.builder().start()) {
      if (options.verbose) {
        err.println(NAME + ": sandbox listening at " + sandbox.baseUrl() + ", default client "
            + sandbox.defaultClientId());
      }
      String clientId = options.clientId != null ? options.clientId : sandbox.defaultClientId();
      String secret = stdinSecret != null ? stdinSecret : sandbox.defaultClientSecret();
      return printToken(options, sandbox.baseUrl(), clientId, secret, mask.with(secret));
    }
  }

  private int runAgainst(Options options, String stdinSecret, SecretMask mask)
      throws UsageException {
    String baseUrl = options.baseUrl != null ? options.baseUrl : env("POA_BASE_URL");
    String clientId = options.clientId != null ? options.clientId : env("POA_CLIENT_ID");
    String secret = stdinSecret != null ? stdinSecret : env("POA_CLIENT_SECRET");
    List<String> missing = new ArrayList<>();
    if (baseUrl == null) {
      missing.add("base URL (--base-url or POA_BASE_URL)");
    }
    if (clientId == null) {
      missing.add("client id (--client-id or POA_CLIENT_ID)");
    }
    if (secret == null) {
      missing.add("client secret (POA_CLIENT_SECRET or --secret-stdin)");
    }
    if (!missing.isEmpty()) {
      throw new UsageException("missing " + String.join(", ", missing)
          + "; or try --sandbox");
    }
    String problem = BaseUrls.problem("the base URL (--base-url or POA_BASE_URL)", baseUrl);
    if (problem != null) {
      throw new UsageException(problem);
    }
    return printToken(options, baseUrl, clientId, secret, mask);
  }

  private int printToken(Options options, String baseUrl, String clientId, String secret,
      SecretMask secretMask) {
    SecretMask mask = secretMask.withBasicCredentials(clientId, secret);
    // The provider's HTTP log reaches stderr through SLF4J, which writes to System.err: for
    // this run, System.err is this CLI's stderr behind the mask (every spelling of the secret,
    // no control characters) with --verbose, and discarded without.
    PrintStream systemErr = System.err;
    System.setErr(options.verbose ? MaskingOutputStream.printStream(err, mask)
        : new PrintStream(OutputStream.nullOutputStream()));
    try (PoaTokenProvider tokens = PoaTokenProvider.builder()
        .baseUrl(baseUrl)
        .clientId(clientId)
        .clientSecret(secret)
        .build()) {
      AccessToken token = tokens.token();
      String printed = options.header ? header(token) : json(token);
      if (mask.reveals(printed)) {
        throw new UnprintableToken("the token response holds the client secret;"
            + " it is not printed");
      }
      out.println(printed);
      out.flush();
      return OK;
    } finally {
      System.err.flush();
      System.setErr(systemErr);
    }
  }

  /** A token the CLI refuses to print: exit code as for an invalid token response. */
  private static final class UnprintableToken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnprintableToken(String message) {
      super(message);
    }
  }

  /**
   * The {@code Authorization} header line, refused if the token or its type holds anything but
   * visible ASCII: a terminal would act on control characters, and no HTTP client could send
   * such a header.
   */
  private static String header(AccessToken token) {
    String header = token.authorizationHeader();
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new UnprintableToken("the token holds a character that cannot go in"
            + " an Authorization header (" + (SecretMask.isUnsafe(c) ? "a control character"
            : "not printable ASCII") + " at index " + i + "); it is not printed");
      }
    }
    return "Authorization: " + header;
  }

  /**
   * The token response as the spec names its fields: those an {@link AccessToken} carries.
   * Everything but printable ASCII is written as a JSON escape, so no control character of a
   * token (Jackson escapes only those below 0x20) reaches the terminal.
   */
  private static String json(AccessToken token) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("access_token", token.value());
    fields.put("expires_in", token.lifetime().toSeconds());
    fields.put("token_type", token.tokenType());
    token.scope().ifPresent(scope -> fields.put("scope", scope));
    return jsonText(fields);
  }

  /**
   * A value as indented JSON with everything but printable ASCII written as an escape: no
   * control character reaches the terminal.
   */
  static String jsonText(Object value) {
    try {
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      json.getFactory().configure(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature(), true)
          .setCharacterEscapes(new EscapeDelete());
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write JSON", e);
    }
  }

  /** Jackson's standard escapes, and DEL (0x7F) escaped as well. */
  private static final class EscapeDelete extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] escapes;

    EscapeDelete() {
      escapes = CharacterEscapes.standardAsciiEscapesForJSON();
      escapes[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return null;
    }
  }

  private String readSecret() throws UsageException {
    String text;
    try {
      text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("--secret-stdin: could not read standard input ("
          + e.getClass().getSimpleName() + ")");
    }
    // What `echo` or a here-string adds is not part of the secret.
    String secret = text.replaceAll("[\\r\\n]+$", "");
    if (secret.isEmpty()) {
      throw new UsageException("--secret-stdin: standard input held no secret");
    }
    return secret;
  }

  /**
   * The secret on standard input for {@code doctor}: as given but for the one line break that
   * {@code echo} or a here-string adds, so that any other whitespace is seen and reported.
   */
  private String readSecretAsGiven() throws UsageException {
    String text;
    try {
      text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("--secret-stdin: could not read standard input ("
          + e.getClass().getSimpleName() + ")");
    }
    String secret = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
        : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (secret.isBlank()) {
      throw new UsageException("--secret-stdin: standard input held no secret");
    }
    return secret;
  }

  private String env(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * Prints one line: no line breaks or other control characters from messages, every spelling
   * of a secret masked, and no value typed on the command line (a provider's message may quote
   * the base URL it was given, which may be a misplaced secret).
   */
  private int fail(int code, String message, SecretMask mask, Options options) {
    String line = String.valueOf(message).replaceAll("[\\r\\n]+", " ");
    if (options != null) {
      List<String> hidden = new ArrayList<>();
      for (String typed : options.typedValues) {
        hidden.addAll(BaseUrls.parts(typed));
      }
      hidden.addAll(BaseUrls.parts(env("POA_BASE_URL")));
      for (String value : hidden) {
        line = withoutValue(line, value);
      }
    }
    err.println(NAME + ": " + mask.forTerminal(line));
    err.flush();
    return code;
  }

  /**
   * The text with each occurrence of a typed value that stands on its own (not inside a longer
   * word: a value {@code h} must not eat the h of "https") replaced by a placeholder.
   */
  static String withoutValue(String text, String value) {
    String trimmed = value == null ? "" : value.trim();
    if (trimmed.isEmpty()) {
      return text;
    }
    return Pattern.compile("(?<![\\p{Alnum}])" + Pattern.quote(trimmed) + "(?![\\p{Alnum}])")
        .matcher(text).replaceAll(Matcher.quoteReplacement("(value not shown)"));
  }
}
