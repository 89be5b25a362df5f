package io.github.poaauth.sandbox;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Answers every request the sandbox receives, the way POA's Keycloak-based token endpoint does.
 *
 * <p>Order of checks on {@code POST} {@value PoaSandbox#TOKEN_PATH}, as in Keycloak 26's
 * {@code TokenEndpoint}: a scripted fault, if one is pending, replaces the answer; then the
 * grant type (missing: {@code invalid_request}; other than {@code client_credentials}:
 * {@code unsupported_grant_type}), then client authentication (unknown or missing client id:
 * 401 {@code invalid_client}; missing or wrong secret: 401 {@code unauthorized_client}), then
 * duplicated form parameters ({@code invalid_request}). A body that is not a form carries no
 * form parameters, so it fails the grant type check, as it does on Keycloak.
 *
 * <p>The request is recorded before the latency fault's pause and before the answer is written,
 * so a test that has received its answer (or lost its connection) can already read it back.
 *
 * <p>Thread-safe: it holds only thread-safe collaborators; each exchange runs on its own thread.
 */
final class TokenEndpoint implements HttpHandler {

  private static final String GRANT_TYPE = "grant_type";
  private static final String CLIENT_CREDENTIALS = "client_credentials";
  private static final String INVALID_CLIENT_CREDENTIALS =
      "Invalid client or Invalid client credentials";

  private final RegisteredClients clients;
  private final TokenIssuer issuer;
  private final PoaSandbox.Faults faults;
  private final Recorder recorder;
  private final Clock clock;
  private final String scope;
  private final Duration tokenLifetime;

  TokenEndpoint(RegisteredClients clients, TokenIssuer issuer, PoaSandbox.Faults faults,
      Recorder recorder, Clock clock, String scope, Duration tokenLifetime) {
    this.clients = clients;
    this.issuer = issuer;
    this.faults = faults;
    this.recorder = recorder;
    this.clock = clock;
    this.scope = scope;
    this.tokenLifetime = tokenLifetime;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      serve(exchange);
    } catch (IOException e) {
      // The client went away before the answer was written: there is nobody left to tell.
    } catch (InterruptedException e) {
      // The sandbox is closing while a latency fault holds this request: drop it.
      Thread.currentThread().interrupt();
    } finally {
      // Without sendResponseHeaders this closes the socket: that is how a dropped connection
      // is made (see Fault.DropConnection).
      exchange.close();
    }
  }

  private void serve(HttpExchange exchange) throws IOException, InterruptedException {
    Instant receivedAt = clock.instant();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    Headers headers = exchange.getRequestHeaders();
    String contentType = headers.getFirst("Content-Type");
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }

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
    Credentials credentials = Credentials.of(form, headers.getFirst("Authorization"));

    boolean tokenRequest = false;
    Answer answer;
    if (!PoaSandbox.TOKEN_PATH.equals(path)) {
      answer = Answer.error(404, "Unable to find matching target resource method", null);
    } else if (!"POST".equals(method)) {
      answer = Answer.error(405, "HTTP 405 Method Not Allowed", null).withHeader("Allow", "POST");
    } else {
      tokenRequest = true;
      Fault fault = faults.nextScripted();
      answer = fault != null
          ? faultAnswer(fault, credentials.clientId)
          : grant(isForm, malformedForm, form, credentials);
    }

    recorder.record(new RecordedRequest(receivedAt, method, path, contentType, form,
        credentials.clientId, answer.status));

    if (tokenRequest) {
      Duration latency = faults.latency();
      if (!latency.isZero()) {
        TimeUnit.NANOSECONDS.sleep(latency.toNanos());
      }
    }
    if (answer.dropsConnection()) {
      return;
    }
    send(exchange, answer, "HEAD".equals(method));
  }

  private Answer grant(boolean isForm, boolean malformedForm, Map<String, List<String>> form,
      Credentials credentials) {
    if (malformedForm) {
      // Sandbox-specific text: Keycloak's answer to a broken percent-escape was not measured.
      return Answer.error(400, "invalid_request", "Malformed form body");
    }
    String grantType = isForm ? first(form, GRANT_TYPE) : null;
    if (grantType == null) {
      return Answer.error(400, "invalid_request", "Missing form parameter: " + GRANT_TYPE);
    }
    if (!CLIENT_CREDENTIALS.equals(grantType)) {
      return Answer.error(400, "unsupported_grant_type", "Unsupported " + GRANT_TYPE);
    }
    switch (clients.check(credentials.clientId, credentials.secret)) {
      case UNKNOWN_CLIENT:
        return Answer.error(401, "invalid_client", INVALID_CLIENT_CREDENTIALS);
      case WRONG_SECRET:
        return Answer.error(401, "unauthorized_client", INVALID_CLIENT_CREDENTIALS);
      case AUTHENTICATED:
      default:
        break;
    }
    if (form.values().stream().anyMatch(values -> values.size() != 1)) {
      return Answer.error(400, "invalid_request", "duplicated parameter");
    }
    return Answer.json(200, tokenResponse(credentials.clientId));
  }

  private Answer faultAnswer(Fault fault, String clientId) {
    if (fault instanceof Fault.ServerError) {
      return Answer.error(((Fault.ServerError) fault).status(), "unknown_error",
          "For more on this error consult the server log.");
    }
    if (fault instanceof Fault.TooManyRequests) {
      return Answer.error(429, "HTTP 429 Too Many Requests", null).withHeader("Retry-After",
          Long.toString(((Fault.TooManyRequests) fault).retryAfterSeconds()));
    }
    if (fault instanceof Fault.MalformedBody) {
      String whole = tokenResponse(clientId == null ? "unknown" : clientId);
      return Answer.json(200, whole.substring(0, whole.length() / 2));
    }
    return Answer.DROP;
  }

  /** Keycloak 26's client-credentials response: its fields, in its order. */
  private String tokenResponse(String clientId) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("access_token", issuer.issue(clientId, scope, tokenLifetime));
    fields.put("expires_in", tokenLifetime.getSeconds());
    fields.put("refresh_expires_in", 0);
    fields.put("token_type", "Bearer");
    fields.put("not-before-policy", 0);
    fields.put("scope", scope);
    return Json.object(fields);
  }

  private static void send(HttpExchange exchange, Answer answer, boolean head) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "application/json");
    headers.set("Cache-Control", "no-store");
    headers.set("Pragma", "no-cache");
    answer.headers.forEach(headers::set);
    byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
    if (head) {
      exchange.sendResponseHeaders(answer.status, -1);
      return;
    }
    exchange.sendResponseHeaders(answer.status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** What the sandbox answers: a status, a JSON body and extra headers, or no answer at all. */
  private static final class Answer {

    static final Answer DROP = new Answer(0, "", Map.of());

    final int status;
    final String body;
    final Map<String, String> headers;

    private Answer(int status, String body, Map<String, String> headers) {
      this.status = status;
      this.body = body;
      this.headers = headers;
    }

    static Answer json(int status, String body) {
      return new Answer(status, body, Map.of());
    }

    /** Keycloak's error shape: {@code error}, and {@code error_description} when there is one. */
    static Answer error(int status, String error, String description) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("error", error);
      if (description != null) {
        fields.put("error_description", description);
      }
      return json(status, Json.object(fields));
    }

    Answer withHeader(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Answer(status, body, Map.copyOf(more));
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
