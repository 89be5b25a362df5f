package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The socket-level faults (resets, closes without a byte, a body that never ends, a dripped
 * body, refused connections), seen on a raw socket, which shows exactly what arrived, and from
 * {@code java.net.http}, as a partner's client sees them.
 */
class SocketFaultsTest {

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  /** Long enough never to end a healthy read on a loaded machine; stalls are cut by it. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  @Test
  void resetNextMidBody_sendsTheHeadAndHalfTheBody_thenATcpReset() throws Exception {
    POA.sandbox().faults().resetNextMidBody();

    RawHttp.Received received;
    try (RawHttp raw = RawHttp.postToken(POA.sandbox(), READ_TIMEOUT)) {
      received = raw.read();
    }

    assertThat(received.head()).startsWith("HTTP/1.1 200 OK\r\n");
    assertThat(received.body().length).isEqualTo(received.contentLength() / 2);
    assertThat(received.bodyText()).startsWith("{\"access_token\":\"");
    assertThat(received.failure()).isInstanceOf(SocketException.class)
        .hasMessageContaining("reset");
    assertThat(POA.sandbox().lastTokenRequest().orElseThrow().responseStatus()).hasValue(200);
  }

  @Test
  void resetNextMidBody_isAnIoErrorForTheJdkClient_andTheNextRequestGetsTheToken() throws Exception {
    POA.sandbox().faults().resetNextMidBody();

    Throwable thrown = catchThrowable(() -> Wire.postForm(POA.sandbox(), Wire.validForm(POA.sandbox())));
    HttpResponse<String> next = Wire.postForm(POA.sandbox(), Wire.validForm(POA.sandbox()));

    assertThat(thrown).isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
    assertThat(next.statusCode()).isEqualTo(200);
  }

  @Test
  void resetNextConnection_resetsWithoutAByte() throws Exception {
    POA.sandbox().faults().resetNextConnection();

    RawHttp.Received received;
    try (RawHttp raw = RawHttp.postToken(POA.sandbox(), READ_TIMEOUT)) {
      received = raw.read();
    }

    assertThat(received.head()).isEmpty();
    assertThat(received.failure()).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    assertThat(POA.sandbox().lastTokenRequest().orElseThrow().responseStatus()).isEmpty();
  }

  @Test
  void dropNextConnection_closesWithoutAByte_cleanly() throws Exception {
    POA.sandbox().faults().dropNextConnection();

    RawHttp.Received received;
    try (RawHttp raw = RawHttp.postToken(POA.sandbox(), READ_TIMEOUT)) {
      received = raw.read();
    }

    assertThat(received.head()).isEmpty();
    assertThat(received.failure()).isNull();
    assertThat(received.endOfStream()).isTrue();
  }

  @Test
  void stallNextBody_sendsHalfTheBody_thenNothing_untilTheClientHangsUp() throws Exception {
    POA.sandbox().faults().stallNextBody();

    RawHttp.Received received;
    try (RawHttp raw = RawHttp.postToken(POA.sandbox(), Duration.ofMillis(300))) {
      received = raw.read();
    }

    assertThat(received.head()).startsWith("HTTP/1.1 200 OK\r\n");
    assertThat(received.body().length).isEqualTo(received.contentLength() / 2);
    assertThat(received.failure()).isInstanceOf(SocketTimeoutException.class);
    // The stalled connection does not hold up anyone else.
    assertThat(Wire.postForm(POA.sandbox(), Wire.validForm(POA.sandbox())).statusCode()).isEqualTo(200);
  }

  /**
   * {@code java.net.http}'s request timeout ends when the response headers arrive, so only a
   * deadline on the whole call ends a body that never ends: what the fault is for.
   */
  @Test
  void stallNextBody_outlastsTheJdkClientsRequestTimeout_onlyAWholeCallDeadlineEndsIt() {
    POA.sandbox().faults().stallNextBody();
    CompletableFuture<HttpResponse<String>> call = Wire.http().sendAsync(
        HttpRequest.newBuilder(POA.sandbox().tokenEndpoint())
            .header("Content-Type", Wire.FORM)
            .timeout(Duration.ofMillis(100))
            .POST(HttpRequest.BodyPublishers.ofString(Wire.validForm(POA.sandbox())))
            .build(),
        HttpResponse.BodyHandlers.ofString());

    Throwable thrown = catchThrowable(() -> call.get(1, TimeUnit.SECONDS));
    call.cancel(true);

    assertThat(thrown).isInstanceOf(TimeoutException.class);
  }

  @Test
  void dripNextBody_deliversTheWholeBodyOneByteAtATime_takingAtLeastTheGaps() throws Exception {
    Duration perByte = Duration.ofMillis(2);
    POA.sandbox().faults().dripNextBody(perByte);

    long started = System.nanoTime();
    RawHttp.Received received;
    try (RawHttp raw = RawHttp.postToken(POA.sandbox(), READ_TIMEOUT)) {
      received = raw.read();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(received.failure()).isNull();
    assertThat(received.body()).hasSize(received.contentLength());
    assertThat(POA.sandbox().isValidToken(Wire.json(received.bodyText()).get("access_token").asText()))
        .isTrue();
    // A lower bound only: a loaded machine makes it slower, never faster.
    assertThat(took).isGreaterThanOrEqualTo(perByte.multipliedBy(received.contentLength() - 1));
  }

  @Test
  void dripNextBody_throttledReply_dripsAnyBodyInChunks() throws Exception {
    POA.sandbox().faults().enqueue(Reply.json(503, "{\"error\":\"temporarily_unavailable\"}")
        .throttled(4, Duration.ofMillis(1)));

    HttpResponse<String> response = Wire.postForm(POA.sandbox(), Wire.validForm(POA.sandbox()));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("{\"error\":\"temporarily_unavailable\"}");
  }

  @Test
  void refuseConnections_refusesConnectsAndClosesOpenOnes_untilAcceptConnectionsOnTheSamePort() throws Exception {
    int port = POA.sandbox().tokenEndpoint().getPort();
    POA.sandbox().faults().refuseConnections();

    Throwable refused = catchThrowable(() -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    Throwable refusedToo = catchThrowable(() -> Wire.postForm(POA.sandbox(), Wire.validForm(POA.sandbox())));
    POA.sandbox().faults().acceptConnections();
    HttpResponse<String> afterwards = Wire.postForm(POA.sandbox(), Wire.validForm(POA.sandbox()));

    assertThat(refused).isInstanceOf(ConnectException.class);
    // A pooled connection of the JDK client is closed too: refused, or closed under it.
    assertThat(refusedToo).isInstanceOf(IOException.class);
    assertThat(afterwards.statusCode()).isEqualTo(200);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void reset_listensAgain() throws Exception {
    POA.sandbox().faults().refuseConnections();

    POA.sandbox().reset();

    assertThat(Wire.postForm(POA.sandbox(), Wire.validForm(POA.sandbox())).statusCode()).isEqualTo(200);
  }
}
