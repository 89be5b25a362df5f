package io.github.poaauth.sandbox;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process emulator of POA's token endpoint, {@code POST /v2/auth/cybrillarta/token}, for
 * tests and demos: no network, no credentials, no framework.
 *
 * <p>It serves the wire format of {@code openapi/poa-auth.yaml} over HTTP/1.1 on plain JDK
 * sockets (so that faults can break a connection the way a network does), bound to the loopback
 * interface, and answers as POA's Keycloak 26 does (measured on Keycloak
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
 *   <tr><td>{@value #API_PATH} or below, with a valid access token of this sandbox</td><td>200</td>
 *       <td colspan="2">the POA API stand-in's {@code {"accepted":true}}</td></tr>
 *   <tr><td>{@value #API_PATH} or below, without one</td><td>401</td>
 *       <td>{@code invalid_token} (or {@code invalid_request} without a bearer token)</td>
 *       <td>with {@code WWW-Authenticate: Bearer ...}</td></tr>
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
 * {@link #faults()} scripts failures of the coming token requests (Keycloak's own error answers,
 * any scripted {@link Reply}, and socket faults: resets, stalled and dripped bodies, refused
 * connections) and of the POA API stand-in; the recording methods
 * ({@link #tokenRequestCount()}, {@link #lastTokenRequest(String)}, {@link #recordedRequests()},
 * {@link #awaitTokenRequests(int, Duration)}) tell what arrived, with every {@code client_secret}
 * and {@code Authorization} masked. A request is recorded before its
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
   * The path of the {@code curl} sample on POA's authentication page, which differs from the
   * documented {@link #TOKEN_PATH}. Served only by a sandbox built with
   * {@link Builder#acceptSamplePath()}; otherwise 404, like any unknown path.
   */
  public static final String SAMPLE_PATH = "/poa/auth/token";
  /**
   * The path of the POA API stand-in: a resource server that accepts only access tokens this
   * sandbox issued (see {@link #apiEndpoint()}). Requests to it and below it, any method, are
   * answered by the stand-in.
   */
  public static final String API_PATH = "/sandbox/api";
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

  private final LoopbackHttpServer server;
  private final String baseUrl;
  private final String defaultClientId;
  /** Held only because {@link #defaultClientSecret()} hands it to tests; never printed. */
  private volatile String defaultClientSecret;
  /** The secrets given to the builder, which {@link #reset()} restores after a rotation. */
  private final Map<String, String> registeredSecrets;
  private final RegisteredClients registeredClients;
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
    this.registeredSecrets = Map.copyOf(clients);
    this.tokenLifetime = builder.tokenLifetime;
    this.scope = builder.scope;

    InetAddress loopback = InetAddress.getLoopbackAddress();
    try {
      this.server = new LoopbackHttpServer(loopback, builder.port,
          "poa-sandbox-" + INSTANCES.incrementAndGet() + "-http-");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not bind the POA sandbox to "
          + loopback.getHostAddress() + ':' + builder.port
          + " (port 0 picks a free one): " + e.getMessage(), e);
    }
    String host = loopback instanceof Inet6Address
        ? '[' + loopback.getHostAddress() + ']' : loopback.getHostAddress();
    this.baseUrl = "http://" + host + ':' + server.port();

    SecureRandom random = new SecureRandom();
    this.issuer = new TokenIssuer(issuer(), builder.clock, random);
    this.registeredClients = new RegisteredClients(clients, random);
    faults.server = server;
    server.start(new TokenRequestHandler(registeredClients, issuer, faults,
        recorder, builder.clock, scope, tokenLifetime, builder.samplePathUsed));
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
   * The POA API stand-in's URI, {@link #baseUrl()} + {@link #API_PATH}: answers 200 to a request
   * with {@code Authorization: Bearer <token>} for an unexpired access token of this sandbox,
   * 401 with {@code WWW-Authenticate: Bearer ...} otherwise, and to the calls
   * {@link Faults#rejectTokens(int)} scripts. Lets a test drive the "401, invalidate, fetch a
   * new token" path of the code under test.
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

  /**
   * Waits until at least {@code count} token requests have arrived since the start or the last
   * {@link #reset()}: a latch for tests that wait for a background request.
   *
   * @return whether they arrived within the timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitTokenRequests(int count, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout must not be null");
    return recorder.awaitTokenRequests(count, timeout);
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

  /**
   * Gives a registered client a new secret, as Keycloak's "Regenerate" does: from the next
   * request on, the old secret is answered 401 {@code unauthorized_client} and the new one gets
   * tokens; tokens issued before stay valid until they expire. Lets partners test a secret
   * rotation without a restart (the client reads its secret from a source:
   * {@code PoaTokenProvider.Builder#clientSecretSource}). {@link #reset()} restores the secrets
   * given to the builder.
   *
   * @param clientId a registered client
   * @param newSecret its new secret, not blank
   * @throws IllegalArgumentException for an unknown client or a blank secret (never shown)
   */
  public void rotateSecret(String clientId, String newSecret) {
    registeredClients.rotate(clientId, newSecret);
    if (clientId.equals(defaultClientId)) {
      defaultClientSecret = newSecret;
    }
  }

  /** Clears the scripted faults, the latency and every recording; restores rotated secrets. */
  public void reset() {
    faults.reset();
    recorder.clear();
    registeredClients.restore(registeredSecrets);
    defaultClientSecret = registeredSecrets.get(defaultClientId);
  }

  /**
   * Stops the server at once: open connections are closed and requests held by a latency fault,
   * a delay, a hold or a stall are dropped. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.close();
    }
  }

  /** Settings, never secrets. */
  @Override
  public String toString() {
    return "PoaSandbox{baseUrl=" + baseUrl + ", clientIds=" + clientIds
        + ", tokenLifetime=" + tokenLifetime + ", scope=" + scope + ", faults=" + faults
        + (closed.get() ? ", closed" : "") + '}';
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
   * Scripted failures of the sandbox's coming token requests and of its POA API stand-in, for
   * testing a client's resilience: OkHttp's MockWebServer's reply queue, socket policies and
   * throttled bodies, on the sandbox's own endpoint.
   *
   * <p>One-shot faults ({@link #failNext}, {@link #tooManyRequests}, {@link #dropNextConnection},
   * {@link #resetNextConnection}, {@link #malformedNextBody}, {@link #resetNextMidBody},
   * {@link #stallNextBody}, {@link #dripNextBody} and any {@link #enqueue(Reply) scripted reply})
   * queue up in the order they are added; each token request takes the next one instead of its
   * normal answer, whatever its credentials. Once the queue is empty, requests get the
   * {@link #otherwise(Reply) standing reply}: the normal answer unless one was set. Two settings
   * hold until changed: {@link #latency} delays every token request's answer, and
   * {@link #refuseConnections()} takes the endpoint off the network. Only token requests
   * ({@code POST} {@value PoaSandbox#TOKEN_PATH}) are faulted, except that
   * {@link #rejectTokens(int)} scripts the API stand-in's 401s.
   *
   * <pre>{@code
   * sandbox.faults()
   *     .failNext(1, 503)              // 1st request: 503
   *     .tooManyRequests(1, 2)         // 2nd: 429, Retry-After: 2
   *     .dropNextConnection()          // 3rd: connection closed, no answer
   *     .resetNextMidBody()            // 4th: half a token response, then a TCP reset
   *     .enqueue(Reply.of(502, "text/html", "<html>Bad Gateway</html>"));  // 5th: that
   *                                    // 6th: the token
   * sandbox.faults().otherwise(Reply.json(503, "{}"));   // from now on: 503
   * }</pre>
   *
   * <p>Thread-safe: a fault is taken by exactly one request, even under concurrency.
   */
  public static final class Faults {

    /** One-shot faults in the order they will be served; a lock-free queue suits many handlers. */
    private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
    /** Read by every token request; volatile so a change applies to the very next request. */
    private volatile Duration latency = Duration.ZERO;
    /** The answer once the script is empty; null for the normal answer. Volatile as latency. */
    private volatile Reply standing;
    /** API stand-in calls still to be rejected whatever their token. */
    private final AtomicInteger tokenRejections = new AtomicInteger();
    /** Set once by the sandbox's constructor, before the first request. */
    volatile LoopbackHttpServer server;

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
     * The next token request is read in full, then its connection is closed (FIN) without a
     * byte of response: the client sees an I/O error (end of stream). Same as
     * {@code enqueue(Reply.closeWithoutResponse())}.
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
     * The next token request is read in full, then its connection is reset (TCP RST) without a
     * byte of response: the client sees "connection reset". Same as
     * {@code enqueue(Reply.resetWithoutResponse())}.
     */
    public Faults resetNextConnection() {
      return enqueue(Reply.resetWithoutResponse());
    }

    /**
     * The next token request gets the head of its normal answer and half of its body, then a TCP
     * reset. Same as {@code enqueue(Reply.token().resetMidBody())}.
     */
    public Faults resetNextMidBody() {
      return enqueue(Reply.token().resetMidBody());
    }

    /**
     * The next token request gets the head of its normal answer and half of its body, then
     * nothing more until the client hangs up: a body that never ends, which only a client's
     * read or call timeout ends (note: {@code java.net.http}'s request timeout stops at the
     * response headers, so it does not). Same as {@code enqueue(Reply.token().stallMidBody())}.
     */
    public Faults stallNextBody() {
      return enqueue(Reply.token().stallMidBody());
    }

    /**
     * The next token request gets its normal answer with the body dripped one byte every
     * {@code perByte}. Same as {@code enqueue(Reply.token().throttled(1, perByte))}.
     *
     * @throws IllegalArgumentException unless {@code perByte} is positive
     */
    public Faults dripNextBody(Duration perByte) {
      return enqueue(Reply.token().throttled(1, perByte));
    }

    /** The next token request is answered as the reply says. */
    public Faults enqueue(Reply reply) {
      return enqueue(1, reply);
    }

    /**
     * The next {@code times} token requests are answered as the reply says.
     *
     * @throws IllegalArgumentException unless {@code times} &ge; 1
     */
    public Faults enqueue(int times, Reply reply) {
      Objects.requireNonNull(reply, "reply must not be null");
      requirePositive(times, "enqueue times");
      return add(times, new Fault.Scripted(reply));
    }

    /**
     * Every token request that finds no one-shot fault queued is answered as this reply says,
     * until changed or {@link #reset()}; {@code otherwise(Reply.token())} restores the normal
     * answer. For outages that last: {@code otherwise(Reply.json(503, "{}"))}.
     */
    public Faults otherwise(Reply reply) {
      Objects.requireNonNull(reply, "reply must not be null (Reply.token() is the normal answer)");
      this.standing = reply == Reply.token() ? null : reply;
      return this;
    }

    /**
     * The next {@code times} calls of the POA API stand-in ({@link PoaSandbox#apiEndpoint()}) that
     * present a bearer token are answered 401 {@code invalid_token} even if the token is valid,
     * as an API does whose key rotated or that revoked the token: the client should fetch a new
     * token and try again.
     *
     * @throws IllegalArgumentException unless {@code times} &ge; 1
     */
    public Faults rejectTokens(int times) {
      requirePositive(times, "rejectTokens times");
      tokenRejections.addAndGet(times);
      return this;
    }

    /**
     * Takes the endpoint off the network until {@link #acceptConnections()} or
     * {@link #reset()}, as a server that went down: the listening socket is closed, so connects
     * are refused, and open connections are closed, so a client's pooled connection fails at
     * its next use. The port stays the sandbox's: listening again takes it back.
     */
    public Faults refuseConnections() {
      server.refuseConnections();
      return this;
    }

    /**
     * Listens again on the sandbox's port after {@link #refuseConnections()}; does nothing if it
     * is listening.
     *
     * @throws java.io.UncheckedIOException if the port was taken meanwhile
     */
    public Faults acceptConnections() {
      server.acceptConnections();
      return this;
    }

    /** How many one-shot faults are still waiting for a token request. */
    public int pending() {
      return script.size();
    }

    /**
     * Removes every pending fault, the standing reply, the latency and pending token rejections,
     * and listens again if connections were refused.
     */
    public Faults reset() {
      script.clear();
      latency = Duration.ZERO;
      standing = null;
      tokenRejections.set(0);
      LoopbackHttpServer listening = server;
      if (listening != null) {
        listening.acceptConnections();
      }
      return this;
    }

    /** Settings and pending faults; replies show no body. */
    @Override
    public String toString() {
      return "Faults{pending=" + script + ", otherwise=" + (standing == null ? "normal" : standing)
          + ", latency=" + latency + ", tokenRejections=" + tokenRejections.get() + '}';
    }

    /** The fault for the token request being served, or null to answer it normally. */
    Fault nextScripted() {
      Fault next = script.poll();
      if (next != null) {
        return next;
      }
      Reply reply = standing;
      return reply == null ? null : new Fault.Scripted(reply);
    }

    /** Whether the API call being served is one {@link #rejectTokens(int)} scripted to reject. */
    boolean takeTokenRejection() {
      return tokenRejections.getAndUpdate(left -> Math.max(0, left - 1)) > 0;
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
