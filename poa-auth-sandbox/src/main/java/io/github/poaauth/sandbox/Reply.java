package io.github.poaauth.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * One scripted answer of the {@link PoaSandbox} to a token request, for
 * {@link PoaSandbox.Faults#enqueue(Reply)} and {@link PoaSandbox.Faults#otherwise(Reply)}: any
 * status, headers and body, or the sandbox's own token answer ({@link #token()}), delivered
 * normally or in one of the ways a real network misbehaves.
 *
 * <pre>{@code
 * sandbox.faults()
 *     .enqueue(Reply.of(502, "text/html", "<html>Bad Gateway</html>"))  // a gateway's error page
 *     .enqueue(Reply.token().resetMidBody())                            // TCP reset half-way
 *     .enqueue(Reply.token().throttled(1, Duration.ofMillis(100)))      // 1 byte every 100 ms
 *     .enqueue(Reply.token().stallMidBody());                           // a body that never ends
 * }</pre>
 *
 * <p>How it is delivered, in this order: the {@link #delayed delay} and the {@link #heldUntil
 * hold} pass before anything is written; then either a whole answer, or (socket policies) a
 * connection closed ({@link #closeWithoutResponse()}) or reset ({@link #resetWithoutResponse()})
 * without a byte, or a head and half of the body followed by a reset ({@link #resetMidBody()})
 * or by silence until the client hangs up ({@link #stallMidBody()}); a {@link #throttled
 * throttled} body is written a few bytes at a time.
 *
 * <p>Immutable and thread-safe: every {@code with...} method returns a new reply, so one reply
 * may be enqueued many times.
 */
public final class Reply {

  /** How the answer ends. */
  enum Delivery { WHOLE, CLOSE_WITHOUT_RESPONSE, RESET_WITHOUT_RESPONSE, RESET_MID_BODY, STALL_MID_BODY }

  private static final Reply TOKEN = new Reply(0, Map.of(), null, Duration.ZERO, null, 0,
      Duration.ZERO, Delivery.WHOLE);

  /** 0 for the sandbox's own answer to the request. */
  private final int status;
  private final Map<String, String> headers;
  /** Null for the sandbox's own answer; empty for no body. */
  private final byte[] body;
  private final Duration delay;
  private final CountDownLatch hold;
  private final int bytesPerPeriod;
  private final Duration period;
  private final Delivery delivery;

  private Reply(int status, Map<String, String> headers, byte[] body, Duration delay,
      CountDownLatch hold, int bytesPerPeriod, Duration period, Delivery delivery) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.delay = delay;
    this.hold = hold;
    this.bytesPerPeriod = bytesPerPeriod;
    this.period = period;
    this.delivery = delivery;
  }

  /**
   * The sandbox's own answer to the request (a token, or the OAuth error its credentials earn),
   * to be delivered in a faulty way: {@code Reply.token().resetMidBody()}.
   */
  public static Reply token() {
    return TOKEN;
  }

  /**
   * An answer with this status, {@code Content-Type} and body (UTF-8).
   *
   * @param contentType the {@code Content-Type}, or null for none
   * @param body the body; empty for none
   * @throws IllegalArgumentException unless the status is 100 to 599, or if the content type
   *     holds a line break
   */
  public static Reply of(int status, String contentType, String body) {
    Objects.requireNonNull(body, "body must not be null (use \"\" for no body)");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be between 100 and 599, but was " + status);
    }
    Reply reply = new Reply(status, Map.of(), body.getBytes(StandardCharsets.UTF_8), Duration.ZERO,
        null, 0, Duration.ZERO, Delivery.WHOLE);
    return contentType == null ? reply : reply.withHeader("Content-Type", contentType);
  }

  /** An {@code application/json} answer with this status and body. */
  public static Reply json(int status, String body) {
    return of(status, "application/json", body);
  }

  /** An answer with this status and no body (for a redirect, add {@code Location}). */
  public static Reply status(int status) {
    return of(status, null, "");
  }

  /**
   * Socket policy: the request is read in full, then the connection is closed (FIN) without a
   * byte of response. The client reads the end of the stream: an I/O error.
   */
  public static Reply closeWithoutResponse() {
    return TOKEN.delivered(Delivery.CLOSE_WITHOUT_RESPONSE);
  }

  /**
   * Socket policy: the request is read in full, then the connection is reset (TCP RST) without
   * a byte of response. The client sees "connection reset".
   */
  public static Reply resetWithoutResponse() {
    return TOKEN.delivered(Delivery.RESET_WITHOUT_RESPONSE);
  }

  /**
   * This reply with one more header (replacing one of the same name, case-insensitively).
   * {@code Content-Length} is always the sandbox's own.
   *
   * @throws IllegalArgumentException if the name is blank or {@code Content-Length}, or either
   *     holds a line break
   */
  public Reply withHeader(String name, String value) {
    Objects.requireNonNull(name, "header name must not be null");
    Objects.requireNonNull(value, "value of header '" + name + "' must not be null");
    if (name.isBlank() || name.contains(":") || name.equalsIgnoreCase("Content-Length")
        || (name + value).contains("\r") || (name + value).contains("\n")) {
      throw new IllegalArgumentException("header must have a name without ':' or line breaks,"
          + " other than Content-Length, and a value without line breaks, but was '" + name + "'");
    }
    Map<String, String> more = new LinkedHashMap<>();
    headers.forEach((n, v) -> {
      if (!n.equalsIgnoreCase(name)) {
        more.put(n, v);
      }
    });
    more.put(name, value);
    return new Reply(status, Map.copyOf(more), body, delay, hold, bytesPerPeriod, period, delivery);
  }

  /**
   * This reply, after a pause before anything is written (the request is recorded first).
   *
   * @throws IllegalArgumentException if negative
   */
  public Reply delayed(Duration delay) {
    Objects.requireNonNull(delay, "delay must not be null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, but was " + delay);
    }
    return new Reply(status, headers, body, delay, hold, bytesPerPeriod, period, delivery);
  }

  /**
   * This reply, held back until the latch reaches zero (or the sandbox closes): lets a test
   * decide when an answer arrives, without sleeping. The request is recorded before the hold.
   */
  public Reply heldUntil(CountDownLatch release) {
    Objects.requireNonNull(release, "release latch must not be null");
    return new Reply(status, headers, body, delay, release, bytesPerPeriod, period, delivery);
  }

  /**
   * This reply with its body dripped: {@code bytes} bytes, then a pause of {@code period}, and
   * so on (the head is sent at once). A client's read timeout that restarts with every byte
   * does not end it; a whole-call timeout does.
   *
   * @throws IllegalArgumentException unless {@code bytes} &ge; 1 and {@code period} is positive
   */
  public Reply throttled(int bytes, Duration period) {
    Objects.requireNonNull(period, "throttle period must not be null");
    if (bytes < 1) {
      throw new IllegalArgumentException("throttle bytes must be at least 1, but was " + bytes);
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("throttle period must be positive, but was " + period);
    }
    return new Reply(status, headers, body, delay, hold, bytes, period, delivery);
  }

  /**
   * Socket policy: the status line, the headers (with the full {@code Content-Length}) and the
   * first half of the body are sent, then the connection is reset (TCP RST).
   */
  public Reply resetMidBody() {
    return delivered(Delivery.RESET_MID_BODY);
  }

  /**
   * Socket policy: the status line, the headers (with the full {@code Content-Length}) and the
   * first half of the body are sent, then nothing more, the connection open, until the client
   * hangs up or the sandbox closes: a body that never ends.
   */
  public Reply stallMidBody() {
    return delivered(Delivery.STALL_MID_BODY);
  }

  /** Settings and sizes, never the body (it may be a token). */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Reply{");
    text.append(status == 0 ? "the sandbox's answer" : "status=" + status);
    if (!headers.isEmpty()) {
      text.append(", headers=").append(headers.keySet());
    }
    if (body != null) {
      text.append(", body=").append(body.length).append(" bytes");
    }
    if (!delay.isZero()) {
      text.append(", delayed ").append(delay);
    }
    if (hold != null) {
      text.append(", held until released");
    }
    if (bytesPerPeriod > 0) {
      text.append(", throttled ").append(bytesPerPeriod).append(" bytes per ").append(period);
    }
    if (delivery != Delivery.WHOLE) {
      text.append(", ").append(delivery.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }
    return text.append('}').toString();
  }

  private Reply delivered(Delivery how) {
    return new Reply(status, headers, body, delay, hold, bytesPerPeriod, period, how);
  }

  // ---- read by the sandbox -----------------------------------------------------------------

  /** Whether the sandbox's own answer fills in status, headers and body. */
  boolean isSandboxAnswer() {
    return status == 0;
  }

  int status() {
    return status;
  }

  Map<String, String> headers() {
    return headers;
  }

  byte[] body() {
    return body;
  }

  Duration delay() {
    return delay;
  }

  CountDownLatch hold() {
    return hold;
  }

  int bytesPerPeriod() {
    return bytesPerPeriod;
  }

  Duration period() {
    return period;
  }

  Delivery delivery() {
    return delivery;
  }
}
