package io.github.poaauth.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.InvalidTokenResponseException;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Named faults of the token endpoint, each with its stated outcome, scripted on the sandbox (its
 * reply queue and socket faults). Upper time bounds are the provider's call timeout: the one
 * promise the provider makes about time, whatever the load on the machine.
 */
@Tag("reliability")
@ExtendWith(ReliabilityReport.class)
class FaultOutcomesTest {
  static final String SECTION = "1 Faults of the token endpoint";
  static final int ATTEMPTS = 3;

  /** Outcomes the suite states. */
  enum Outcome {
    TOKEN(null), REJECTED(CredentialsRejectedException.class),
    UNAVAILABLE(TokenEndpointUnavailableException.class), INVALID(InvalidTokenResponseException.class);

    final Class<? extends Throwable> type;

    Outcome(Class<? extends Throwable> type) {
      this.type = type;
    }

    String label() {
      return this == TOKEN ? "token" : type.getSimpleName();
    }
  }

  static final String CLIENT_ID = "reliability-client";
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  /**
   * A sandbox that knows the suite's client; each case starts its own. The first one of the JVM
   * signs a token before any case runs: the first RSA signature loads the JDK's crypto, which on
   * a loaded machine takes longer than these cases' 500 ms read timeout and would add a retry.
   */
  static PoaSandbox sandbox() {
    PoaSandbox sandbox = PoaSandbox.builder().client(CLIENT_ID, SecurityTest.SECRET).start();
    if (!CRYPTO_WARM.getAndSet(true)) {
      try {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(sandbox.tokenEndpoint())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
                + CLIENT_ID + "&client_secret=" + URLEncoder.encode(SecurityTest.SECRET, StandardCharsets.UTF_8)))
            .build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sandbox.reset();
    }
    return sandbox;
  }

  private static final AtomicBoolean CRYPTO_WARM = new AtomicBoolean();

  static PoaTokenProvider.Builder provider(String baseUrl) {
    return PoaTokenProvider.builder()
        .baseUrl(baseUrl)
        .clientId(CLIENT_ID)
        .clientSecret(SecurityTest.SECRET)
        .connectTimeout(Duration.ofMillis(500))
        .readTimeout(Duration.ofMillis(500))
        .callTimeout(CALL_TIMEOUT)
        .retry(ATTEMPTS, Duration.ofMillis(10), Duration.ofMillis(10));
  }

  private static final String BODY_OK = "{\"access_token\":\"abc.def.ghi\",\"expires_in\":1800,\"token_type\":\"Bearer\"}";

  static Arguments fault(String name, Consumer<PoaSandbox.Faults> script, Outcome outcome,
      int requests, Duration atLeast) {
    return Arguments.of(name, script, outcome, requests, atLeast);
  }

  static Arguments fault(String name, Consumer<PoaSandbox.Faults> script, Outcome outcome, int requests) {
    return fault(name, script, outcome, requests, Duration.ZERO);
  }

  private static Reply json(int status, String body) {
    return Reply.json(status, body);
  }

  private static Reply respond(int status, String contentType, String body) {
    return Reply.of(status, contentType, body);
  }

  static Stream<Arguments> faults() {
    // The date is made when the case is scripted, right before the call: two seconds ahead, as
    // a server would send it (whole seconds).
    Consumer<PoaSandbox.Faults> retryAfterDate = s -> s.enqueue(json(429, "{}").withHeader("Retry-After",
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2))));
    return Stream.of(
        fault("500, then healthy", s -> s.enqueue(json(500, "{}")), Outcome.TOKEN, 2),
        fault("500 persistent", s -> s.otherwise(json(500, "{}")), Outcome.UNAVAILABLE, ATTEMPTS),
        fault("502 with an HTML body", s -> s.enqueue(respond(502, "text/html", "<html><body>Bad Gateway</body></html>")),
            Outcome.TOKEN, 2),
        fault("503 with Retry-After: 1", s -> s.enqueue(json(503, "{}").withHeader("Retry-After", "1")),
            Outcome.TOKEN, 2, Duration.ofMillis(950)),
        fault("504 persistent", s -> s.otherwise(json(504, "{}")), Outcome.UNAVAILABLE, ATTEMPTS),
        fault("429 with Retry-After in seconds", s -> s.enqueue(json(429, "{}").withHeader("Retry-After", "1")),
            Outcome.TOKEN, 2, Duration.ofMillis(950)),
        fault("429 with Retry-After as an HTTP date", retryAfterDate,
            Outcome.TOKEN, 2, Duration.ofMillis(900)),
        fault("connection reset before the response", s -> s.resetNextConnection(), Outcome.TOKEN, 2),
        fault("connection reset during the body", s -> s.resetNextMidBody(), Outcome.TOKEN, 2),
        fault("connection reset, persistent", s -> s.otherwise(Reply.resetWithoutResponse()), Outcome.UNAVAILABLE, ATTEMPTS),
        fault("empty response (closed without a byte)", s -> s.dropNextConnection(), Outcome.TOKEN, 2),
        fault("200 with an empty body", s -> s.otherwise(respond(200, "application/json", "")), Outcome.INVALID, 1),
        fault("truncated JSON", s -> s.otherwise(json(200, "{\"access_token\":\"abc\",\"expires_in\":18")),
            Outcome.INVALID, 1),
        fault("JSON that is not an object", s -> s.otherwise(json(200, "[\"abc\"]")), Outcome.INVALID, 1),
        fault("access_token missing", s -> s.otherwise(json(200, "{\"expires_in\":1800,\"token_type\":\"Bearer\"}")),
            Outcome.INVALID, 1),
        fault("access_token empty", s -> s.otherwise(json(200, "{\"access_token\":\"\",\"expires_in\":1800,\"token_type\":\"Bearer\"}")),
            Outcome.INVALID, 1),
        fault("access_token null", s -> s.otherwise(json(200, "{\"access_token\":null,\"expires_in\":1800,\"token_type\":\"Bearer\"}")),
            Outcome.INVALID, 1),
        fault("expires_in missing", s -> s.otherwise(json(200, "{\"access_token\":\"abc\",\"token_type\":\"Bearer\"}")),
            Outcome.INVALID, 1),
        fault("expires_in zero", s -> s.otherwise(json(200, "{\"access_token\":\"abc\",\"expires_in\":0,\"token_type\":\"Bearer\"}")),
            Outcome.INVALID, 1),
        fault("expires_in negative", s -> s.otherwise(json(200, "{\"access_token\":\"abc\",\"expires_in\":-1,\"token_type\":\"Bearer\"}")),
            Outcome.INVALID, 1),
        fault("expires_in a string", s -> s.otherwise(json(200, "{\"access_token\":\"abc\",\"expires_in\":\"1800\",\"token_type\":\"Bearer\"}")),
            Outcome.INVALID, 1),
        fault("expires_in huge (beyond int)", s -> s.otherwise(json(200, "{\"access_token\":\"abc\",\"expires_in\":9999999999999,\"token_type\":\"Bearer\"}")),
            Outcome.INVALID, 1),
        fault("expires_in absurd (> 7 days)", s -> s.otherwise(json(200, "{\"access_token\":\"abc\",\"expires_in\":31536000,\"token_type\":\"Bearer\"}")),
            Outcome.INVALID, 1),
        fault("token_type other than Bearer (mac)", s -> s.otherwise(json(200, "{\"access_token\":\"abc\",\"expires_in\":1800,\"token_type\":\"mac\"}")),
            Outcome.INVALID, 1),
        fault("token_type bearer in lower case", s -> s.otherwise(json(200, "{\"access_token\":\"abc\",\"expires_in\":1800,\"token_type\":\"bearer\"}")),
            Outcome.TOKEN, 1),
        fault("wrong Content-Type (text/html)", s -> s.otherwise(respond(200, "text/html", BODY_OK)), Outcome.INVALID, 1),
        fault("200 with an OAuth error body", s -> s.otherwise(json(200, "{\"error\":\"invalid_client\"}")),
            Outcome.INVALID, 1),
        // Headers arrive, the body does not: each attempt ends at connect + read timeout (1 s).
        fault("a read that never finishes", s -> s.otherwise(Reply.token().stallMidBody()),
            Outcome.UNAVAILABLE, ATTEMPTS, Duration.ofMillis(3 * 900)),
        fault("slow drip body (1 byte / 100 ms)", s -> s.otherwise(Reply.token().throttled(1, Duration.ofMillis(100))),
            Outcome.UNAVAILABLE, ATTEMPTS, Duration.ofMillis(3 * 900)),
        // No response headers within the read timeout (500 ms): each attempt ends at the read timeout.
        fault("answer after 40 s", s -> s.otherwise(json(200, BODY_OK).delayed(Duration.ofSeconds(40))),
            Outcome.UNAVAILABLE, ATTEMPTS, Duration.ofMillis(3 * 450)),
        fault("401 invalid_client", s -> s.otherwise(json(401, "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client or Invalid client credentials\"}")),
            Outcome.REJECTED, 1),
        fault("400 unauthorized_client", s -> s.otherwise(json(400, "{\"error\":\"unauthorized_client\"}")),
            Outcome.REJECTED, 1),
        fault("401 with an HTML body (no OAuth error)", s -> s.otherwise(respond(401, "text/html", "<html>denied</html>")),
            Outcome.REJECTED, 1),
        fault("404 (wrong base URL)", s -> s.otherwise(respond(404, "text/html", "<html>Not Found</html>")),
            Outcome.UNAVAILABLE, 1)
    );
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void fault_hasItsStatedOutcome(String name, Consumer<PoaSandbox.Faults> script, Outcome expected,
      int expectedRequests, Duration atLeast) throws Exception {
    try (PoaSandbox server = sandbox()) {
      script.accept(server.faults());
      try (PoaTokenProvider tokens = provider(server.baseUrl()).build()) {
        long start = System.nanoTime();
        Outcome observed;
        Throwable failure = null;
        AccessToken token = null;
        try {
          token = tokens.token();
          observed = Outcome.TOKEN;
        } catch (RuntimeException e) {
          failure = e;
          observed = Stream.of(Outcome.values()).filter(o -> o.type != null && o.type.isInstance(e))
              .findFirst().orElseThrow(() -> new AssertionError("untyped failure", e));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        int requests = server.tokenRequestCount();
        ReliabilityReport.record(new ReliabilityReport.Row(SECTION, name, expected.label(),
            observed.label(), requests, bound(atLeast), within(took, atLeast)));

        assertThat(observed).as("outcome (failure: %s)", failure).isEqualTo(expected);
        assertThat(requests).as("requests the server saw").isEqualTo(expectedRequests);
        assertThat(took).isGreaterThanOrEqualTo(atLeast);
        // Not bounded by the wall clock: a fault that ran into the call timeout would say so.
        if (failure instanceof TokenEndpointUnavailableException u) {
          assertThat(u.reason()).isNotEqualTo(TokenEndpointUnavailableException.Reason.CALL_TIMEOUT);
        }
        if (token != null) {
          assertThat(token.value()).isNotBlank();
          assertThat(token.authorizationHeader()).startsWith("Bearer ");
        }
        if (failure != null) {
          assertThat(failure.getMessage()).doesNotContain(SecurityTest.SECRET).doesNotContain("abc");
        }
      }
    }
  }

  @Test
  void connectionRefused_isUnavailable_afterAllAttempts() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    try (PoaTokenProvider tokens = provider("http://127.0.0.1:" + closedPort).build()) {
      long start = System.nanoTime();
      Throwable failure = org.assertj.core.api.Assertions.catchThrowable(tokens::token);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      ReliabilityReport.record(new ReliabilityReport.Row(SECTION, "connection refused",
          Outcome.UNAVAILABLE.label(), failure == null ? "token" : failure.getClass().getSimpleName(),
          0, bound(Duration.ZERO), within(took, Duration.ZERO)));

      assertThat(failure).isInstanceOfSatisfying(TokenEndpointUnavailableException.class,
              u -> assertThat(u.reason()).isEqualTo(TokenEndpointUnavailableException.Reason.CONNECT))
          .hasMessageContaining("after 3 attempts").hasMessageContaining("ConnectException");
    }
  }

  /** The other host is {@code localhost}, a loopback name on every OS (127.0.0.2 is not on macOS). */
  @Test
  void redirectToAnotherHost_isNeverFollowed_andTheOtherHostSeesNothing() throws Exception {
    try (PoaSandbox elsewhere = sandbox(); PoaSandbox server = sandbox()) {
      server.faults().otherwise(Reply.status(302).withHeader("Location",
          "http://localhost:" + elsewhere.tokenEndpoint().getPort() + PoaSandbox.TOKEN_PATH));
      try (PoaTokenProvider tokens = provider(server.baseUrl()).build()) {
        long start = System.nanoTime();
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(tokens::token);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        ReliabilityReport.record(new ReliabilityReport.Row(SECTION,
            "302 redirect to another host (that host saw " + elsewhere.recordedRequests().size() + " requests)",
            Outcome.UNAVAILABLE.label(), failure == null ? "token" : failure.getClass().getSimpleName(),
            server.tokenRequestCount(), bound(Duration.ZERO), within(took, Duration.ZERO)));

        assertThat(failure).isInstanceOf(TokenEndpointUnavailableException.class)
            .hasMessageContaining("never followed").hasMessageNotContaining("localhost");
        assertThat(server.tokenRequestCount()).isEqualTo(1);
        assertThat(elsewhere.recordedRequests()).isEmpty();
      }
    }
  }

  /** The asserted bound: at least the lower one, at most the call timeout. */
  static String bound(Duration atLeast) {
    return (atLeast.isZero() ? "" : "≥ " + atLeast.toMillis() + " ms, ") + "≤ call timeout ("
        + CALL_TIMEOUT.toMillis() + " ms)";
  }

  /** What the report says of the time taken: no wall-clock figures, which vary run to run. */
  static String within(Duration took, Duration atLeast) {
    return took.compareTo(atLeast) >= 0 && took.compareTo(CALL_TIMEOUT) <= 0 ? "within" : "OUTSIDE";
  }
}
