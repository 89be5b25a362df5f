package io.github.poaauth.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process emulator of POA's token endpoint, {@code POST /v2/auth/cybrillarta/token}, for
 * tests and demos: no network, no credentials, no framework.
 *
 * <p>It serves the wire format of {@code openapi/poa-auth.yaml} on the JDK's own HTTP server,
 * bound to the loopback interface, and answers as POA's Keycloak 26 does (measured on Keycloak
 * 26.7.3 with a realm configured like POA's; checks in this order):
 *
 * <table>
 *   <caption>Answers of the token endpoint</caption>
 *   <tr><th>Request</th><th>Status</th><th>{@code error}</th><th>{@code error_description}</th></tr>
 *   <tr><td>registered client, right secret</td><td>200</td><td colspan="2">the token object</td></tr>
 *   <tr><td>a form body with a broken percent-escape ({@code %zz})</td><td>500</td>
 *       <td>{@code unknown_error}</td><td>For more on this error consult the server log.</td></tr>
 *   <tr><td>no {@code grant_type}, or a body that is not a form</td><td>400</td>
 *       <td>{@code invalid_request}</td><td>Missing form parameter: grant_type</td></tr>
 *   <tr><td>a {@code grant_type} Keycloak does not know (names are case-sensitive)</td><td>400</td>
 *       <td>{@code unsupported_grant_type}</td><td>Unsupported grant_type</td></tr>
 *   <tr><td>unknown or missing {@code client_id}</td><td>401</td>
 *       <td>{@code invalid_client}</td><td>Invalid client or Invalid client credentials</td></tr>
 *   <tr><td>wrong or missing {@code client_secret}</td><td>401</td>
 *       <td>{@code unauthorized_client}</td><td>Invalid client or Invalid client credentials</td></tr>
 *   <tr><td>an {@code Origin} header other than the sandbox's own origin</td><td>403</td>
 *       <td>{@code Invalid origin}</td><td>(none)</td></tr>
 *   <tr><td>a form parameter given twice</td><td>400</td>
 *       <td>{@code invalid_request}</td><td>duplicated parameter</td></tr>
 *   <tr><td>{@code grant_type=password}</td><td>400</td>
 *       <td>{@code unauthorized_client}</td><td>Client not allowed for direct access grants</td></tr>
 *   <tr><td>{@code grant_type=authorization_code} without / with a {@code code}</td><td>400</td>
 *       <td>{@code invalid_request} / {@code invalid_grant}</td>
 *       <td>Missing parameter: code / Code not valid</td></tr>
 *   <tr><td>{@code grant_type=refresh_token} without / with a {@code refresh_token}</td><td>400</td>
 *       <td>{@code invalid_request} / {@code invalid_grant}</td>
 *       <td>No refresh token / Invalid refresh token</td></tr>
 *   <tr><td>token exchange, device code or CIBA grant</td><td>400</td>
 *       <td colspan="2">that grant's refusal, as Keycloak words it</td></tr>
 *   <tr><td>a {@code scope} with a name that is neither one of the token scope's nor
 *       {@code openid}</td><td>400</td>
 *       <td>{@code invalid_scope}</td><td>Invalid scopes: (the requested scope, as sent)</td></tr>
 *   <tr><td>another method on the token path</td><td>405</td>
 *       <td colspan="2">{@code HTTP 405 Method Not Allowed} (no {@code Allow} header)</td></tr>
 *   <tr><td>{@code OPTIONS} on the token path</td><td>200</td>
 *       <td colspan="2">no body; with an {@code Origin}, Keycloak's CORS preflight headers</td></tr>
 *   <tr><td>any other path</td><td>404</td>
 *       <td colspan="2">{@code Unable to find matching target resource method}</td></tr>
 * </table>
 *
 * <p>Answers with a body are {@code Content-Type: application/json}. The token endpoint's OAuth
 * answers (200, 400, 401, 403) carry {@code Cache-Control: no-store} and
 * {@code Pragma: no-cache}; the 404, 405 and 500 do not, as on Keycloak. Client credentials are
 * accepted as form fields (as POA documents) or by HTTP Basic (as Keycloak also allows).
 *
 * <p>Tokens are Keycloak's: RS256 JWTs with Keycloak's header
 * ({@code {"alg":"RS256","typ" : "JWT","kid" : "<kid>"}}) and exactly its claims for a partner
 * client ({@code exp}, {@code iat}, {@code jti} {@code trrtcc:<uuid>}, {@code iss}, {@code sub},
 * {@code typ} {@code Bearer}, {@code azp}, {@code scope}), signed with an RSA 2048 key pair
 * generated for this instance; {@link #isValidToken(String)} checks one. {@code scope=openid}
 * adds an {@code id_token} to the response and widens the scope to {@code openid partner}.
 *
 * <h2>Usage</h2>
 * <pre>{@code
 * try (PoaSandbox sandbox = PoaSandbox.builder()
 *     .client("partner-1", "s3cret")
 *     .tokenLifetime(Duration.ofMinutes(5))
 *     .start()) {
 *   String baseUrl = sandbox.baseUrl();          // http://127.0.0.1:<free port>
 *   sandbox.faults().failNext(2, 503);           // the next two token requests get a 503
 *   // ... run the code under test against baseUrl ...
 *   assertThat(sandbox.tokenRequestCount("partner-1")).isEqualTo(3);
 * }
 * }</pre>
 * In JUnit 5 tests, {@link PoaSandboxExtension} does the starting and stopping.
 *
 * <h2>Faults and recordings</h2>
 * {@link #faults()} scripts failures of the coming token requests; the recording methods
 * ({@link #tokenRequestCount()}, {@link #lastTokenRequest(String)}, {@link #recordedRequests()})
 * tell what arrived, with every {@code client_secret} masked. A request is recorded before its
 * answer is sent, so once a client has its answer (or has lost its connection) the request can be
 * read back. The sandbox logs nothing, and keeps registered secrets only as salted digests.
 *
 * <p>Thread-safe: requests are served concurrently, and faults, recordings and {@link #reset()}
 * may be used from any thread while requests are in flight.
 */
public final class PoaSandbox implements AutoCloseable {

  /** The token endpoint's path, as documented by POA. */
  public static final String TOKEN_PATH = "/v2/auth/cybrillarta/token";
  /**
   * The path of the POA API stand-in: a resource server that accepts only access tokens this
   * sandbox issued (see {@link #apiEndpoint()}). Requests to it and below it, any method, are
   * answered by the stand-in.
   */
  public static final String API_PATH = "/sandbox/api";
  /**
   * The path of the {@code curl} sample on POA's authentication page, which differs from the
   * documented {@link #TOKEN_PATH}. Served only by a sandbox built with
   * {@link Builder#acceptSamplePath()}; otherwise 404, like any unknown path.
   */
  public static final String SAMPLE_PATH = "/poa/auth/token";
  /** The client registered when the builder is given none. */
  public static final String DEFAULT_CLIENT_ID = "sandbox-partner";
  /** The secret of {@link #DEFAULT_CLIENT_ID}. Not a secret: it is printed in the docs. */
  public static final String DEFAULT_CLIENT_SECRET = "sandbox-secret";
  /** POA's token lifetime, {@code expires_in} 1800. */
  public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(1800);
  /** POA's granted scope. */
  public static final String DEFAULT_SCOPE = "partner";
  /** The Keycloak realm behind POA's endpoint; the tokens' issuer is {@code <baseUrl>/realms/<realm>}. */
  public static final String REALM = "cybrillarta";

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final HttpServer server;
  private final ExecutorService executor;
  private final String baseUrl;
  private final String defaultClientId;
  /** Held only because {@link #defaultClientSecret()} hands it to tests; never printed. */
  private final String defaultClientSecret;
  private final List<String> clientIds;
  private final Duration tokenLifetime;
  private final String scope;
  private final Faults faults = new Faults();
  private final Recorder recorder = new Recorder();
  private final TokenIssuer issuer;
  /** Makes {@link #close()} idempotent and safe to call from several threads. */
  private final AtomicBoolean closed = new AtomicBoolean();

  private PoaSandbox(Builder builder) {
    Map<String, String> clients = builder.clients.isEmpty()
        ? Map.of(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        : new LinkedHashMap<>(builder.clients);
    Map.Entry<String, String> first = clients.entrySet().iterator().next();
    this.defaultClientId = first.getKey();
    this.defaultClientSecret = first.getValue();
    this.clientIds = List.copyOf(clients.keySet());
    this.tokenLifetime = builder.tokenLifetime;
    this.scope = builder.scope;

    InetAddress loopback = InetAddress.getLoopbackAddress();
    try {
      this.server = HttpServer.create(new InetSocketAddress(loopback, builder.port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not bind the POA sandbox to "
          + loopback.getHostAddress() + ':' + builder.port
          + " (port 0 picks a free one): " + e.getMessage(), e);
    }
    String host = loopback instanceof Inet6Address
        ? '[' + loopback.getHostAddress() + ']' : loopback.getHostAddress();
    this.baseUrl = "http://" + host + ':' + server.getAddress().getPort();

    SecureRandom random = new SecureRandom();
    this.issuer = new TokenIssuer(issuer(), builder.clock, random);
    server.createContext("/", new TokenEndpoint(new RegisteredClients(clients, random), issuer,
        faults, recorder, builder.clock, scope, tokenLifetime, builder.samplePathUsed));
    server.createContext(API_PATH, new ApiStandIn(issuer, faults, recorder, builder.clock));
    this.executor = Executors.newCachedThreadPool(
        daemonThreads("poa-sandbox-" + INSTANCES.incrementAndGet() + "-http-"));
    server.setExecutor(executor);
    server.start();
  }

  /** A builder with POA's defaults: one client {@value #DEFAULT_CLIENT_ID}, 1800 s, free port. */
  public static Builder builder() {
    return new Builder();
  }

  /** The base URL to configure clients with, e.g. {@code http://127.0.0.1:54321}; no trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The full token endpoint URI: {@link #baseUrl()} + {@link #TOKEN_PATH}. */
  public URI tokenEndpoint() {
    return URI.create(baseUrl + TOKEN_PATH);
  }

  /**
   * The POA API stand-in's URI, {@link #baseUrl()} + {@link #API_PATH}: answers 200
   * {@code {"accepted":true}} to a request with {@code Authorization: Bearer <token>} for an
   * unexpired access token of this sandbox, 401 with {@code WWW-Authenticate: Bearer ...}
   * otherwise, and to the calls {@link Faults#rejectTokens(int)} scripts. Lets a test drive the
   * "401, invalidate, fetch a new token" path of the code under test.
   */
  public URI apiEndpoint() {
    return URI.create(baseUrl + API_PATH);
  }

  /** The tokens' {@code iss} claim: {@code <baseUrl>/realms/cybrillarta}. */
  public String issuer() {
    return baseUrl + "/realms/" + REALM;
  }

  /** The id of the first registered client ({@value #DEFAULT_CLIENT_ID} unless others were registered). */
  public String defaultClientId() {
    return defaultClientId;
  }

  /** The secret of {@link #defaultClientId()}, for handing to the code under test. */
  public String defaultClientSecret() {
    return defaultClientSecret;
  }

  /** The ids of all registered clients, in registration order. */
  public List<String> clientIds() {
    return clientIds;
  }

  /** The lifetime of issued tokens, the {@code expires_in} of every token response. */
  public Duration tokenLifetime() {
    return tokenLifetime;
  }

  /** The scripted faults of this sandbox: how the coming token requests will fail. */
  public Faults faults() {
    return faults;
  }

  /** How many token requests ({@code POST} to {@link #TOKEN_PATH}) arrived, faulted ones included. */
  public int tokenRequestCount() {
    return recorder.tokenRequestCount();
  }

  /** How many token requests presented this client id, whatever the outcome. */
  public int tokenRequestCount(String clientId) {
    return recorder.tokenRequestCount(clientId);
  }

  /** The most recent token request, if any. */
  public Optional<RecordedRequest> lastTokenRequest() {
    return recorder.lastTokenRequest();
  }

  /** The most recent token request that presented this client id, if any. */
  public Optional<RecordedRequest> lastTokenRequest(String clientId) {
    return recorder.lastTokenRequest(clientId);
  }

  /**
   * Every request received, token requests or not, oldest first; at most the most recent
   * 10,000.
   */
  public List<RecordedRequest> recordedRequests() {
    return recorder.requests();
  }

  /**
   * Whether this sandbox issued the token as an access token (RS256 signature of this instance's
   * key, {@code typ} {@code Bearer}: an {@code id_token} is not one) and it has not expired by the
   * sandbox's clock: what a resource server would check before accepting
   * {@code Authorization: Bearer <token>}.
   */
  public boolean isValidToken(String accessToken) {
    return issuer.isValid(accessToken);
  }

  /** Clears the scripted faults, the latency and every recording. */
  public void reset() {
    faults.reset();
    recorder.clear();
  }

  /**
   * Stops the server at once: open connections are closed and requests held by a latency fault
   * are dropped. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  /** Settings, never secrets. */
  @Override
  public String toString() {
    return "PoaSandbox{baseUrl=" + baseUrl + ", clientIds=" + clientIds
        + ", tokenLifetime=" + tokenLifetime + ", scope=" + scope + ", faults=" + faults
        + (closed.get() ? ", closed" : "") + '}';
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      // Daemon: a sandbox a test forgot to close must not keep the JVM alive.
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Configures and starts a {@link PoaSandbox}. Each setter rejects a bad value at once with a
   * message naming the setting; {@link #start()} may be called more than once, each time
   * starting a new, independent sandbox with the settings of that moment.
   *
   * <p>Not thread-safe: configure it on one thread.
   */
  public static final class Builder {

    private final Map<String, String> clients = new LinkedHashMap<>();
    private Duration tokenLifetime = DEFAULT_TOKEN_LIFETIME;
    private String scope = DEFAULT_SCOPE;
    private int port;
    private Clock clock = Clock.systemUTC();
    /** Null unless {@link #acceptSamplePath} was called. */
    private Runnable samplePathUsed;

    private Builder() {}

    /**
     * Registers a client. The first one registered becomes the default client; once any client
     * is registered, {@value PoaSandbox#DEFAULT_CLIENT_ID} is not.
     *
     * @throws IllegalArgumentException if the id is blank or already registered, or the secret
     *     is empty
     */
    public Builder client(String clientId, String clientSecret) {
      Objects.requireNonNull(clientId, "clientId must not be null");
      Objects.requireNonNull(clientSecret, "clientSecret must not be null (client '" + clientId + "')");
      if (clientId.isBlank()) {
        throw new IllegalArgumentException("clientId must not be blank, but was '" + clientId + "'");
      }
      if (clientSecret.isEmpty()) {
        throw new IllegalArgumentException("clientSecret of client '" + clientId
            + "' must not be empty: POA clients are confidential");
      }
      if (clients.containsKey(clientId)) {
        throw new IllegalArgumentException("client '" + clientId
            + "' is already registered: register each client id once");
      }
      clients.put(clientId, clientSecret);
      return this;
    }

    /**
     * The lifetime of issued tokens, their {@code expires_in}; default 1800 seconds.
     *
     * @throws IllegalArgumentException unless a whole number of seconds from 1 to
     *     {@link Integer#MAX_VALUE} ({@code expires_in} is an int32 of seconds)
     */
    public Builder tokenLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "tokenLifetime must not be null");
      if (lifetime.getSeconds() < 1 || lifetime.getNano() != 0
          || lifetime.getSeconds() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("tokenLifetime must be a whole number of seconds between"
            + " 1 and " + Integer.MAX_VALUE + " (expires_in is an integer), but was " + lifetime);
      }
      this.tokenLifetime = lifetime;
      return this;
    }

    /**
     * The {@code scope} of issued tokens; default {@value PoaSandbox#DEFAULT_SCOPE}. Its
     * space-separated names are also the scopes a request may ask for (besides {@code openid}).
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder scope(String scope) {
      Objects.requireNonNull(scope, "scope must not be null");
      if (scope.isBlank()) {
        throw new IllegalArgumentException("scope must not be blank, but was '" + scope + "'");
      }
      this.scope = scope;
      return this;
    }

    /**
     * The loopback port to listen on; default 0, a free port chosen by the system (what tests
     * want: parallel builds never collide).
     *
     * @throws IllegalArgumentException unless 0 to 65535
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 (any free port) and 65535, but was "
            + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Also serves the token endpoint on {@link PoaSandbox#SAMPLE_PATH} ({@code /poa/auth/token}),
     * the path of the {@code curl} sample on POA's authentication page, so that the sample works
     * as written; off by default, when that path is a 404. POA documents
     * {@link PoaSandbox#TOKEN_PATH}, and that is the path code should use: this option is for
     * trying the page's sample by hand (the CLI's {@code sandbox} command turns it on).
     *
     * <p>Requests on that path are answered, faulted and recorded exactly as on the token path;
     * {@link RecordedRequest#path()} shows which path was used, and
     * {@link RecordedRequest#isTokenRequest()} is true for a {@code POST} to either.
     */
    public Builder acceptSamplePath() {
      return acceptSamplePath(() -> { });
    }

    /**
     * Like {@link #acceptSamplePath()}, and runs {@code whenUsed} for each request on
     * {@link PoaSandbox#SAMPLE_PATH}, on the thread serving it, after the request is recorded and
     * before it is answered: e.g. to tell a user which path POA documents. {@code whenUsed} must
     * be quick and thread-safe; an exception it throws drops that request's connection.
     */
    public Builder acceptSamplePath(Runnable whenUsed) {
      this.samplePathUsed = Objects.requireNonNull(whenUsed, "whenUsed must not be null");
      return this;
    }

    /** The clock for the tokens' {@code iat}/{@code exp} and for recordings; default system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Starts a sandbox with these settings.
     *
     * @throws java.io.UncheckedIOException if the port cannot be bound
     */
    public PoaSandbox start() {
      return new PoaSandbox(this);
    }

    /** Settings, never secrets. */
    @Override
    public String toString() {
      return "PoaSandbox.Builder{clientIds=" + clients.keySet() + ", tokenLifetime="
          + tokenLifetime + ", scope=" + scope + ", port=" + port + ", clock=" + clock
          + (samplePathUsed != null ? ", acceptSamplePath" : "") + '}';
    }
  }

  /**
   * Scripted failures of the sandbox's coming token requests, for testing a client's resilience.
   *
   * <p>One-shot faults ({@link #failNext}, {@link #tooManyRequests}, {@link #dropNextConnection},
   * {@link #malformedNextBody}) queue up in the order they are added; each token request takes
   * the next one instead of its normal answer, whatever its credentials, and once the queue is
   * empty requests are answered normally again. {@link #latency} is different: it delays every
   * token request's answer until changed. Other paths and methods are never faulted.
   *
   * <pre>{@code
   * sandbox.faults()
   *     .failNext(1, 503)              // 1st request: 503
   *     .tooManyRequests(1, 2)         // 2nd: 429, Retry-After: 2
   *     .dropNextConnection();         // 3rd: connection closed, no answer
   *                                    // 4th: the token
   * }</pre>
   *
   * <p>Thread-safe: a fault is taken by exactly one request, even under concurrency.
   */
  public static final class Faults {

    /** One-shot faults in the order they will be served; a lock-free queue suits many handlers. */
    private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
    /** Read by every token request; volatile so a change applies to the very next request. */
    private volatile Duration latency = Duration.ZERO;
    /** API stand-in calls still to be rejected whatever their token. */
    private final AtomicInteger tokenRejections = new AtomicInteger();

    private Faults() {}

    /**
     * Delays the answer to every token request by this much (faulted ones included), until
     * changed; {@link Duration#ZERO} turns it off. The request is recorded before the delay.
     *
     * @throws IllegalArgumentException if negative
     */
    public Faults latency(Duration latency) {
      Objects.requireNonNull(latency, "latency must not be null");
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency must not be negative, but was " + latency);
      }
      this.latency = latency;
      return this;
    }

    /**
     * The next {@code times} token requests are answered with {@code status} and Keycloak's
     * {@code unknown_error} body, without {@code Cache-Control} (as Keycloak's own 500).
     *
     * @throws IllegalArgumentException unless {@code times} &ge; 1 and {@code status} is 500-599
     */
    public Faults failNext(int times, int status) {
      requirePositive(times, "failNext times");
      if (status < 500 || status > 599) {
        throw new IllegalArgumentException("failNext status must be a server error, 500 to 599, but was "
            + status + " (use tooManyRequests for 429)");
      }
      return add(times, new Fault.ServerError(status));
    }

    /**
     * The next {@code times} token requests are answered 429 with
     * {@code Retry-After: retryAfterSeconds}.
     *
     * @throws IllegalArgumentException unless {@code times} &ge; 1 and the delay is &ge; 0
     */
    public Faults tooManyRequests(int times, long retryAfterSeconds) {
      requirePositive(times, "tooManyRequests times");
      if (retryAfterSeconds < 0) {
        throw new IllegalArgumentException("tooManyRequests retryAfterSeconds must not be negative,"
            + " but was " + retryAfterSeconds);
      }
      return add(times, new Fault.TooManyRequests(retryAfterSeconds));
    }

    /**
     * The next token request is read in full, then its connection is closed without any
     * response: the client sees an I/O error (connection reset or end of stream).
     */
    public Faults dropNextConnection() {
      return dropNextConnections(1);
    }

    /** Like {@link #dropNextConnection()}, for the next {@code times} token requests. */
    public Faults dropNextConnections(int times) {
      requirePositive(times, "dropNextConnections times");
      return add(times, new Fault.DropConnection());
    }

    /**
     * The next token request is answered 200 {@code application/json} with a token response cut
     * off half-way: invalid JSON.
     */
    public Faults malformedNextBody() {
      return malformedNextBodies(1);
    }

    /** Like {@link #malformedNextBody()}, for the next {@code times} token requests. */
    public Faults malformedNextBodies(int times) {
      requirePositive(times, "malformedNextBodies times");
      return add(times, new Fault.MalformedBody());
    }

    /**
     * The POA API stand-in answers the next {@code times} requests 401 {@code invalid_token}
     * even when their token is valid: as POA does for a token it revoked before its expiry.
     *
     * @throws IllegalArgumentException unless {@code times} &ge; 1
     */
    public Faults rejectTokens(int times) {
      requirePositive(times, "rejectTokens times");
      tokenRejections.addAndGet(times);
      return this;
    }

    /** Takes one scripted API rejection, if any is left. */
    boolean takeTokenRejection() {
      return tokenRejections.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** How many one-shot faults are still waiting for a token request. */
    public int pending() {
      return script.size();
    }

    /** Removes every pending fault and the latency. */
    public Faults reset() {
      script.clear();
      latency = Duration.ZERO;
      tokenRejections.set(0);
      return this;
    }

    @Override
    public String toString() {
      return "Faults{pending=" + script + ", latency=" + latency + '}';
    }

    /** The fault for the token request being served, or null to answer it normally. */
    Fault nextScripted() {
      return script.poll();
    }

    Duration latency() {
      return latency;
    }

    private Faults add(int times, Fault fault) {
      for (int i = 0; i < times; i++) {
        script.add(fault);
      }
      return this;
    }

    private static void requirePositive(int times, String setting) {
      if (times < 1) {
        throw new IllegalArgumentException(setting + " must be at least 1, but was " + times);
      }
    }
  }
}
