package io.github.poaauth.sandbox;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Answers every request the sandbox receives: token requests the way POA's Keycloak-based token
 * endpoint does, requests under {@value PoaSandbox#API_PATH} as the POA API stand-in, any other
 * path with Keycloak's 404.
 *
 * <p>Order of checks on {@code POST} {@value PoaSandbox#TOKEN_PATH}, as measured on Keycloak
 * 26.7.3 (the table {@code keycloak-answers.json} of this module's tests, checked against
 * Keycloak by poa-auth-keycloak-tests):
 * <ol>
 *   <li>a scripted fault, if one is pending, replaces the answer;
 *   <li>a form body with a broken percent-escape: 500 {@code unknown_error};
 *   <li>the grant type: missing, {@code invalid_request}; neither {@code client_credentials} nor
 *       another grant Keycloak knows, {@code unsupported_grant_type};
 *   <li>client authentication: unknown or missing client id, 401 {@code invalid_client};
 *       missing or wrong secret, 401 {@code unauthorized_client};
 *   <li>an {@code Origin} header other than the sandbox's own origin: 403 "Invalid origin" (POA's
 *       partner clients have no web origins);
 *   <li>duplicated form parameters: {@code invalid_request};
 *   <li>a known grant other than client credentials: that grant's own error (password: 400
 *       {@code unauthorized_client}; authorization code, refresh token: 400
 *       {@code invalid_request} without the code or token, {@code invalid_grant} with one; token
 *       exchange, device code, CIBA: the client may not use them);
 *   <li>{@code scope}: each space-separated scope must be one of the client's, or
 *       {@code openid}; else 400 {@code invalid_scope}. {@code openid} adds an ID token.
 * </ol>
 * A sandbox built with {@link PoaSandbox.Builder#acceptSamplePath()} answers on
 * {@value PoaSandbox#SAMPLE_PATH} exactly as on the token path, and reports each such request.
 *
 * <p>A body that is not a form carries no form parameters, so it fails the grant type check, as it
 * does on Keycloak. Other methods on the token path are 405, {@code OPTIONS} is the CORS
 * preflight's empty 200, other paths are 404.
 *
 * <p>Only the OAuth answers of the token endpoint (200, 400, 401, 403) carry
 * {@code Cache-Control: no-store} and {@code Pragma: no-cache}, as on Keycloak; its 404, 405 and
 * 500, and the faults' 5xx and 429, do not.
 *
 * <p>The request is recorded before the latency fault's pause and before the answer is written,
 * so a test that has received its answer (or lost its connection) can already read it back. A
 * scripted {@link Reply} decides how the answer is delivered (delayed, held, throttled, cut off
 * by a reset, stalled, or no answer at all).
 *
 * <p>The API stand-in accepts {@code Authorization: Bearer <token>} only for an access token this
 * sandbox issued that has not expired ({@link TokenIssuer#isValid}): 200 with a small JSON body;
 * else 401 with {@code WWW-Authenticate: Bearer error="invalid_token"} (RFC 6750), as it does for
 * the calls that {@link PoaSandbox.Faults#rejectTokens(int)} scripts to be rejected.
 *
 * <p>Thread-safe: it holds only thread-safe collaborators; each exchange runs on its own thread.
 */
final class TokenRequestHandler implements LoopbackHttpServer.Handler {

  private static final String GRANT_TYPE = "grant_type";
  private static final String CLIENT_CREDENTIALS = "client_credentials";
  private static final String OPENID = "openid";
  private static final String INVALID_CLIENT_CREDENTIALS =
      "Invalid client or Invalid client credentials";

  /**
   * The grants Keycloak 26.7.3 knows besides client credentials, each with the error it gives a
   * partner client (service account only) that is authenticated. Grants of Keycloak's
   * authorization services ({@code urn:ietf:params:oauth:grant-type:uma-ticket}) and JWT
   * authorization grants ({@code urn:ietf:params:oauth:grant-type:jwt-bearer}) answer according
   * to their parameters in ways the sandbox does not model: they are
   * {@code unsupported_grant_type} here.
   */
  private static final Map<String, Function<Map<String, List<String>>, Answer>> REFUSED_GRANTS =
      Map.of(
          "password", form -> Answer.oauthError(400, "unauthorized_client",
              "Client not allowed for direct access grants"),
          "authorization_code", form -> form.containsKey("code")
              ? Answer.oauthError(400, "invalid_grant", "Code not valid")
              : Answer.oauthError(400, "invalid_request", "Missing parameter: code"),
          "refresh_token", form -> form.containsKey("refresh_token")
              ? Answer.oauthError(400, "invalid_grant", "Invalid refresh token")
              : Answer.oauthError(400, "invalid_request", "No refresh token"),
          "urn:ietf:params:oauth:grant-type:token-exchange", form -> Answer.oauthError(400,
              "invalid_request", "Standard token exchange is not enabled for the requested client"),
          "urn:ietf:params:oauth:grant-type:device_code", form -> Answer.oauthError(400,
              "invalid_grant", "Client not allowed OAuth 2.0 Device Authorization Grant"),
          "urn:openid:params:grant-type:ciba", form -> Answer.oauthError(400,
              "invalid_grant", "Client not allowed OIDC CIBA Grant"));

  /** Keycloak's answer to a CORS preflight on the token endpoint. */
  private static final Map<String, String> PREFLIGHT_HEADERS = preflightHeaders();

  private final RegisteredClients clients;
  private final TokenIssuer issuer;
  private final PoaSandbox.Faults faults;
  private final Recorder recorder;
  private final Clock clock;
  private final String scope;
  /** The scopes a client may ask for: those of {@link #scope}. */
  private final Set<String> clientScopes;
  private final Duration tokenLifetime;
  /**
   * Called for each request to {@link PoaSandbox#SAMPLE_PATH}, which is then served like the
   * token path; null when the sandbox does not accept that path (404, as POA's gateway would).
   */
  private final Runnable samplePathUsed;

  /** @param samplePathUsed see {@link #samplePathUsed}; null to answer 404 on the sample path */
  TokenRequestHandler(RegisteredClients clients, TokenIssuer issuer, PoaSandbox.Faults faults,
      Recorder recorder, Clock clock, String scope, Duration tokenLifetime,
      Runnable samplePathUsed) {
    this.clients = clients;
    this.issuer = issuer;
    this.faults = faults;
    this.recorder = recorder;
    this.clock = clock;
    this.scope = scope;
    this.clientScopes = Arrays.stream(scope.split(" "))
        .filter(name -> !name.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
    this.tokenLifetime = tokenLifetime;
    this.samplePathUsed = samplePathUsed;
  }

  @Override
  public void handle(LoopbackHttpServer.Request request, LoopbackHttpServer.Exchange exchange)
      throws IOException, InterruptedException {
    Instant receivedAt = clock.instant();
    String method = request.method();
    String path = request.rawPath();
    String contentType = request.header("Content-Type");
    byte[] body = request.body();

    boolean isForm = Form.isForm(contentType);
    Map<String, List<String>> form = Map.of();
    boolean malformedForm = false;
    if (isForm) {
      try {
        form = Form.parse(body, contentType);
      } catch (IllegalArgumentException e) {
        malformedForm = true;
      }
    }
    Credentials credentials = Credentials.of(form, request.header("Authorization"));

    boolean tokenRequest = false;
    Reply delivery = null;
    Answer answer;
    boolean samplePath = samplePathUsed != null && PoaSandbox.SAMPLE_PATH.equals(path);
    if (isApiPath(path)) {
      answer = apiAnswer(request.header("Authorization"));
    } else if (!PoaSandbox.TOKEN_PATH.equals(path) && !samplePath) {
      answer = Answer.plainError(404, "Unable to find matching target resource method", null);
    } else if ("OPTIONS".equals(method)) {
      String origin = request.header("Origin");
      answer = Answer.empty(200, origin == null ? Map.of() : preflight(origin));
    } else if (!"POST".equals(method)) {
      answer = Answer.plainError(405, "HTTP 405 Method Not Allowed", null);
    } else {
      tokenRequest = true;
      Fault fault = faults.nextScripted();
      if (fault instanceof Fault.Scripted scripted) {
        delivery = scripted.reply();
        answer = delivery.isSandboxAnswer()
            ? grant(isForm, malformedForm, form, credentials, foreignOrigin(request))
            : Answer.of(delivery);
        if (!delivery.headers().isEmpty() && delivery.isSandboxAnswer()) {
          answer = answer.withHeaders(delivery.headers());
        }
      } else {
        answer = fault != null
            ? faultAnswer(fault, credentials.clientId)
            : grant(isForm, malformedForm, form, credentials, foreignOrigin(request));
      }
    }

    boolean noResponse = answer.dropsConnection() || (delivery != null
        && (delivery.delivery() == Reply.Delivery.CLOSE_WITHOUT_RESPONSE
            || delivery.delivery() == Reply.Delivery.RESET_WITHOUT_RESPONSE));
    recorder.record(new RecordedRequest(receivedAt, method, path, contentType, form,
        credentials.clientId, noResponse ? 0 : answer.status, tokenRequest, request.headers()));
    if (samplePath) {
      samplePathUsed.run();
    }

    if (tokenRequest) {
      Duration latency = faults.latency();
      if (!latency.isZero()) {
        TimeUnit.NANOSECONDS.sleep(latency.toNanos());
      }
    }
    if (answer.dropsConnection()) {
      exchange.closeConnection();
      return;
    }
    deliver(exchange, answer, delivery);
  }

  private static boolean isApiPath(String path) {
    return path.equals(PoaSandbox.API_PATH) || path.startsWith(PoaSandbox.API_PATH + '/');
  }

  /** The POA API stand-in's answer: 200 for a valid token of this sandbox, else 401. */
  private Answer apiAnswer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Answer.plainError(401, "invalid_request", "Bearer token required")
          .withHeader("WWW-Authenticate", "Bearer realm=\"" + PoaSandbox.REALM + '"');
    }
    boolean scriptedRejection = faults.takeTokenRejection();
    if (scriptedRejection || !issuer.isValid(authorization.substring(7).trim())) {
      return Answer.plainError(401, "invalid_token", "Token verification failed")
          .withHeader("WWW-Authenticate", "Bearer realm=\"" + PoaSandbox.REALM
              + "\", error=\"invalid_token\"");
    }
    return Answer.plain(200, "{\"accepted\":true}");
  }

  /**
   * Writes the answer as the scripted reply says: after its delay and hold, whole, dripped, cut
   * off by a reset, stalled, or not at all.
   */
  private static void deliver(LoopbackHttpServer.Exchange exchange, Answer answer, Reply how)
      throws IOException, InterruptedException {
    Map<String, String> headers = new LinkedHashMap<>();
    if (answer.body != null && !answer.headers.containsKey("Content-Type")) {
      headers.put("Content-Type", "application/json");
    }
    if (answer.noStore) {
      headers.put("Cache-Control", "no-store");
      headers.put("Pragma", "no-cache");
    }
    headers.putAll(answer.headers);
    byte[] body = answer.body == null || exchange.isHead()
        ? new byte[0] : answer.body.getBytes(StandardCharsets.UTF_8);
    if (how == null) {
      exchange.send(answer.status, headers, body);
      return;
    }
    if (!how.delay().isZero()) {
      TimeUnit.NANOSECONDS.sleep(how.delay().toNanos());
    }
    if (how.hold() != null) {
      how.hold().await();
    }
    switch (how.delivery()) {
      case CLOSE_WITHOUT_RESPONSE -> {
        exchange.closeConnection();
        return;
      }
      case RESET_WITHOUT_RESPONSE -> {
        exchange.resetConnection();
        return;
      }
      default -> { }
    }
    boolean cutOff = how.delivery() == Reply.Delivery.RESET_MID_BODY
        || how.delivery() == Reply.Delivery.STALL_MID_BODY;
    int end = cutOff ? body.length / 2 : body.length;
    int step = how.bytesPerPeriod() > 0 ? how.bytesPerPeriod() : Math.max(1, end);
    exchange.sendHead(answer.status, headers, body.length);
    exchange.sendBodyPart(body, 0, 0);
    for (int from = 0; from < end; from += step) {
      int length = Math.min(step, end - from);
      exchange.sendBodyPart(body, from, length);
      if (how.bytesPerPeriod() > 0 && from + length < end) {
        TimeUnit.NANOSECONDS.sleep(how.period().toNanos());
      }
    }
    if (how.delivery() == Reply.Delivery.RESET_MID_BODY) {
      exchange.resetConnection();
    } else if (how.delivery() == Reply.Delivery.STALL_MID_BODY) {
      exchange.stallUntilClientHangsUp();
    }
  }

  private Answer grant(boolean isForm, boolean malformedForm, Map<String, List<String>> form,
      Credentials credentials, boolean foreignOrigin) {
    if (malformedForm) {
      // Keycloak decodes the whole form first; a broken escape is an exception it does not map.
      return Answer.plainError(500, "unknown_error",
          "For more on this error consult the server log.");
    }
    String grantType = isForm ? first(form, GRANT_TYPE) : null;
    if (grantType == null) {
      return Answer.oauthError(400, "invalid_request", "Missing form parameter: " + GRANT_TYPE);
    }
    Function<Map<String, List<String>>, Answer> refusal = REFUSED_GRANTS.get(grantType);
    if (refusal == null && !CLIENT_CREDENTIALS.equals(grantType)) {
      return Answer.oauthError(400, "unsupported_grant_type", "Unsupported " + GRANT_TYPE);
    }
    switch (clients.check(credentials.clientId, credentials.secret)) {
      case UNKNOWN_CLIENT:
        return Answer.oauthError(401, "invalid_client", INVALID_CLIENT_CREDENTIALS);
      case WRONG_SECRET:
        return Answer.oauthError(401, "unauthorized_client", INVALID_CLIENT_CREDENTIALS);
      case AUTHENTICATED:
      default:
        break;
    }
    if (foreignOrigin) {
      return Answer.oauthError(403, "Invalid origin", null);
    }
    if (form.values().stream().anyMatch(values -> values.size() != 1)) {
      return Answer.oauthError(400, "invalid_request", "duplicated parameter");
    }
    if (refusal != null) {
      return refusal.apply(form);
    }
    String requested = first(form, "scope");
    boolean openid = false;
    if (requested != null) {
      // Keycloak splits on single spaces: "a  b" holds an empty scope, " " none at all.
      List<String> asked = Arrays.asList(requested.split(" "));
      openid = asked.contains(OPENID);
      if (!asked.stream().allMatch(name -> OPENID.equals(name) || clientScopes.contains(name))) {
        return Answer.oauthError(400, "invalid_scope",
            "Invalid scopes: " + withoutControlCharacters(requested));
      }
    }
    String granted = openid && !clientScopes.contains(OPENID) ? OPENID + ' ' + scope : scope;
    return Answer.oauth(200, tokenResponse(credentials.clientId, granted, openid));
  }

  private Answer faultAnswer(Fault fault, String clientId) {
    if (fault instanceof Fault.ServerError error) {
      return Answer.plainError(error.status(), "unknown_error",
          "For more on this error consult the server log.");
    }
    if (fault instanceof Fault.TooManyRequests limited) {
      return Answer.plainError(429, "HTTP 429 Too Many Requests", null).withHeader("Retry-After",
          Long.toString(limited.retryAfterSeconds()));
    }
    if (fault instanceof Fault.MalformedBody) {
      String whole = tokenResponse(clientId == null ? "unknown" : clientId, scope, false);
      return Answer.oauth(200, whole.substring(0, whole.length() / 2));
    }
    return Answer.DROP;
  }

  /** Keycloak 26's client-credentials response: its fields, in its order. */
  private String tokenResponse(String clientId, String grantedScope, boolean openid) {
    TokenIssuer.Tokens tokens = issuer.issue(clientId, grantedScope, tokenLifetime, openid);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("access_token", tokens.accessToken);
    fields.put("expires_in", tokenLifetime.getSeconds());
    fields.put("refresh_expires_in", 0);
    fields.put("token_type", "Bearer");
    if (tokens.idToken != null) {
      fields.put("id_token", tokens.idToken);
    }
    fields.put("not-before-policy", 0);
    fields.put("scope", grantedScope);
    return Json.object(fields);
  }

  /**
   * Whether the request comes from a browser page of another origin. Keycloak accepts an
   * {@code Origin} only if it is one of the client's web origins (POA's partner clients have
   * none) or its own; the sandbox's own origin is {@code http://} and the {@code Host} it was
   * addressed by.
   */
  private static boolean foreignOrigin(LoopbackHttpServer.Request request) {
    String origin = request.header("Origin");
    return origin != null && !origin.equals("http://" + request.header("Host"));
  }

  private static Map<String, String> preflight(String origin) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Access-Control-Allow-Origin", origin);
    headers.putAll(PREFLIGHT_HEADERS);
    return headers;
  }

  private static Map<String, String> preflightHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Access-Control-Allow-Methods", "POST, OPTIONS");
    headers.put("Access-Control-Allow-Credentials", "true");
    headers.put("Access-Control-Allow-Headers", "Origin, Accept, X-Requested-With,"
        + " Access-Control-Request-Method, Access-Control-Request-Headers, DPoP, Content-Type,"
        + " Authorization");
    headers.put("Access-Control-Max-Age", "3600");
    return Collections.unmodifiableMap(headers);
  }

  /** Keycloak leaves control characters out of an error description. */
  private static String withoutControlCharacters(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().filter(c -> !Character.isISOControl(c)).forEach(out::appendCodePoint);
    return out.toString();
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * What the sandbox answers: a status, a JSON body (or none), whether it is one of the token
   * endpoint's OAuth answers (those carry no-store), extra headers; or no answer at all.
   */
  private static final class Answer {

    static final Answer DROP = new Answer(0, null, false, Map.of());

    final int status;
    /** Null for no body (and then no {@code Content-Type}). */
    final String body;
    final boolean noStore;
    final Map<String, String> headers;

    private Answer(int status, String body, boolean noStore, Map<String, String> headers) {
      this.status = status;
      this.body = body;
      this.noStore = noStore;
      this.headers = headers;
    }

    /** An answer of Keycloak's token endpoint itself: JSON, with no-store. */
    static Answer oauth(int status, String body) {
      return new Answer(status, body, true, Map.of());
    }

    /** Keycloak's OAuth error: {@code error}, and {@code error_description} when there is one. */
    static Answer oauthError(int status, String error, String description) {
      return oauth(status, errorBody(error, description));
    }

    /**
     * An error from outside the token endpoint's own code (routing, an unmapped exception, the
     * gateway): the same JSON shape, without no-store.
     */
    static Answer plainError(int status, String error, String description) {
      return new Answer(status, errorBody(error, description), false, Map.of());
    }

    /** A scripted reply's own status, headers and body; never no-store unless it says so. */
    static Answer of(Reply reply) {
      String body = reply.body().length == 0 ? null : new String(reply.body(), StandardCharsets.UTF_8);
      return new Answer(reply.status(), body, false, reply.headers());
    }

    /** A JSON answer outside the token endpoint (the API stand-in). */
    static Answer plain(int status, String body) {
      return new Answer(status, body, false, Map.of());
    }

    static Answer empty(int status, Map<String, String> headers) {
      return new Answer(status, null, false, Map.copyOf(headers));
    }

    private static String errorBody(String error, String description) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("error", error);
      if (description != null) {
        fields.put("error_description", description);
      }
      return Json.object(fields);
    }

    Answer withHeader(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Answer(status, body, noStore, Map.copyOf(more));
    }

    Answer withHeaders(Map<String, String> extra) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.putAll(extra);
      return new Answer(status, body, noStore, Map.copyOf(more));
    }

    boolean dropsConnection() {
      return status == 0;
    }
  }

  /**
   * The client credentials a request presents, from the form or from HTTP Basic (RFC 6749
   * section 2.3.1: each part URL-encoded, then Base64); form fields win, as on Keycloak.
   * Never printed: it holds a secret.
   */
  private static final class Credentials {

    final String clientId;
    final String secret;

    private Credentials(String clientId, String secret) {
      this.clientId = clientId;
      this.secret = secret;
    }

    static Credentials of(Map<String, List<String>> form, String authorization) {
      String clientId = null;
      String secret = null;
      if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
        try {
          String decoded = new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
          int colon = decoded.indexOf(':');
          if (colon > 0) {
            clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
          }
        } catch (IllegalArgumentException e) {
          // Not Base64 or broken escapes: no credentials from this header, as on Keycloak.
        }
      }
      String formId = first(form, "client_id");
      String formSecret = first(form, "client_secret");
      return new Credentials(formId != null ? formId : clientId,
          formSecret != null ? formSecret : secret);
    }

    @Override
    public String toString() {
      return "Credentials{clientId=" + clientId + ", secret=" + RecordedRequest.MASK + '}';
    }
  }
}
