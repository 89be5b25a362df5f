package io.github.poaauth.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * The POA API stand-in at {@link PoaSandbox#API_PATH}: a resource server that accepts only
 * unexpired access tokens of its own sandbox, answering as a Keycloak-protected resource does
 * (RFC 6750 section 3), and rejects on cue ({@link PoaSandbox.Faults#rejectTokens(int)}) so that
 * partners can test their 401 recovery.
 */
final class ApiStandIn implements HttpHandler {
  private static final String CHALLENGE = "Bearer realm=\"" + PoaSandbox.REALM + "\"";

  private final TokenIssuer issuer;
  private final PoaSandbox.Faults faults;
  private final Recorder recorder;
  private final Clock clock;

  ApiStandIn(TokenIssuer issuer, PoaSandbox.Faults faults, Recorder recorder, Clock clock) {
    this.issuer = issuer;
    this.faults = faults;
    this.recorder = recorder;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      String path = exchange.getRequestURI().getRawPath();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      int status;
      String body;
      String challenge = null;
      if (!path.equals(PoaSandbox.API_PATH) && !path.startsWith(PoaSandbox.API_PATH + "/")) {
        status = 404;
        body = Json.object(Map.of("error", "Unable to find matching target resource method"));
      } else if (authorization == null
          || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        status = 401;
        body = Json.object(Map.of("error", "invalid_request",
            "error_description", "Bearer token required"));
        challenge = CHALLENGE;
      } else if (!issuer.isValid(authorization.substring(7).trim())
          || faults.takeTokenRejection()) {
        status = 401;
        body = Json.object(Map.of("error", "invalid_token",
            "error_description", "Token verification failed"));
        challenge = CHALLENGE + ", error=\"invalid_token\"";
      } else {
        status = 200;
        body = "{\"accepted\":true}";
      }
      recorder.record(new RecordedRequest(clock.instant(), exchange.getRequestMethod(), path,
          exchange.getRequestHeaders().getFirst("Content-Type"), Map.of(), null, status, false));
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      if (challenge != null) {
        exchange.getResponseHeaders().set("WWW-Authenticate", challenge);
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
