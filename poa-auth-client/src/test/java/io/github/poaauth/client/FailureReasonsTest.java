package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.poaauth.client.TokenEndpointUnavailableException.Reason;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.Reply;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each {@link Reason} from the real cause that raises it, against real endpoints on loopback:
 * callers tell failures apart by type, never by message, and the JDK's network exception is the
 * cause where it holds no secret.
 */
class FailureReasonsTest {
  private static final String SECRET = "reasons-secret";
  private PoaSandbox server;

  @BeforeEach
  void start() {
    server = PoaSandbox.builder().client("partner-1", SECRET).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TokenEndpointUnavailableException failure(String baseUrl,
      UnaryOperator<PoaTokenProvider.Builder> settings) {
    PoaTokenProvider.Builder builder = PoaTokenProvider.builder().baseUrl(baseUrl)
        .clientId("partner-1").clientSecret(SECRET).callTimeout(Duration.ofSeconds(20))
        .retry(1, Duration.ofMillis(10), Duration.ofMillis(10));
    try (PoaTokenProvider tokens = settings.apply(builder).build()) {
      return catchThrowableOfType(tokens::token, TokenEndpointUnavailableException.class);
    }
  }

  @Test
  void refusedConnection_isConnect_withTheJdksExceptionAsCause() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nobody listens there
    }
    TokenEndpointUnavailableException e = failure("http://127.0.0.1:" + port, b -> b);
    assertThat(e.reason()).isEqualTo(Reason.CONNECT);
    assertThat(e.isRetryable()).isTrue();
    // The caller's own exception has the shared failure as cause, and that the JDK's exception.
    assertThat(e.getCause()).isInstanceOf(TokenEndpointUnavailableException.class)
        .hasCauseInstanceOf(ConnectException.class);
  }

  @Test
  void unknownHost_isDns() {
    TokenEndpointUnavailableException e = failure("https://poa-auth-test.invalid", b -> b);
    assertThat(e.reason()).isEqualTo(Reason.DNS);
    assertThat(e.isRetryable()).isTrue();
  }

  @Test
  void tlsToAPlainHttpServer_isTls_notRetried() {
    TokenEndpointUnavailableException e = failure(
        server.baseUrl().replace("http://", "https://"), b -> b.retry(3, Duration.ofMillis(1),
            Duration.ofMillis(1)));
    assertThat(e.reason()).isEqualTo(Reason.TLS);
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getCause()).hasCauseInstanceOf(SSLException.class);
    assertThat(server.tokenRequestCount()).isZero();
  }

  @Test
  void slowAnswer_isTimeout_ofTheAttempt() {
    server.faults().otherwise(Reply.token().delayed(Duration.ofSeconds(60)));
    TokenEndpointUnavailableException e = failure(server.baseUrl(),
        b -> b.connectTimeout(Duration.ofMillis(200)).readTimeout(Duration.ofMillis(300)));
    assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
  }

  @ParameterizedTest(name = "HTTP {0}: retryable {1}")
  @CsvSource({"503, true", "429, true", "408, true", "404, false", "405, false", "302, false"})
  void statusAnswer_isHttpStatus_withTheStatus(int status, boolean retryable) {
    server.faults().otherwise(Reply.status(status));
    TokenEndpointUnavailableException e = failure(server.baseUrl(), b -> b);
    assertThat(e.reason()).isEqualTo(Reason.HTTP_STATUS);
    assertThat(e.httpStatus()).isEqualTo(OptionalInt.of(status));
    assertThat(e.isRetryable()).isEqualTo(retryable);
  }

  @Test
  void failingSecretSource_isSecretSource_withoutARequest() {
    TokenEndpointUnavailableException e = failure(server.baseUrl(), b -> b.clientSecretSource(
        () -> {
          throw new IllegalStateException("vault down: " + SECRET);
        }));
    assertThat(e.reason()).isEqualTo(Reason.SECRET_SOURCE);
    assertThat(e.getCause()).isInstanceOf(TokenEndpointUnavailableException.class).hasNoCause();
    assertThat(e.getMessage()).doesNotContain(SECRET);
    assertThat(server.tokenRequestCount()).isZero();
  }

  @Test
  void rejectingExecutor_isExecutor_forAsynchronousCallers() {
    PoaTokenProvider tokens = PoaTokenProvider.builder().baseUrl(server.baseUrl())
        .clientId("partner-1").clientSecret(SECRET).executor(task -> {
          throw new java.util.concurrent.RejectedExecutionException("full");
        }).build();
    try (tokens) {
      Throwable e = catchThrowableOfType(() -> tokens.tokenAsync().join(),
          java.util.concurrent.CompletionException.class).getCause();
      assertThat(e).isInstanceOfSatisfying(TokenEndpointUnavailableException.class,
          u -> assertThat(u.reason()).isEqualTo(Reason.EXECUTOR));
      // A blocking caller never depends on the executor.
      assertThat(server.isValidToken(tokens.token().value())).isTrue();
    }
  }
}
