package io.github.poaauth.client;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * No token could be had from the token endpoint. {@link #reason()} says why, so that callers
 * never parse the message; {@link #isRetryable()} says whether a later call may succeed without
 * a configuration change. A cause is the JDK's network exception, reduced to its type and a
 * redacted message when its chain could hold a secret; never a Feign or Jackson exception.
 */
public final class TokenEndpointUnavailableException extends PoaAuthException {
  private static final long serialVersionUID = 3L;

  /** Why no token could be had. */
  public enum Reason {
    /** The TCP connection was refused, reset or could not be routed. Retryable. */
    CONNECT,
    /** The endpoint's host name did not resolve. Retryable. */
    DNS,
    /** The TLS handshake failed: certificate not trusted, wrong host name. Not retryable. */
    TLS,
    /**
     * One attempt ran out of its connect and read timeouts, or the token came too late to be
     * handed out (past its lifetime less the expiry skew). Retryable.
     */
    TIMEOUT,
    /** Another I/O failure during the exchange. Retryable. */
    IO,
    /**
     * The endpoint answered an HTTP status that is not a token or an OAuth rejection; see
     * {@link #httpStatus()}. Retryable for 408, 429 and 5xx; not for a redirect, 404, 405 or a
     * status outside HTTP's range (a wrong base URL or token path).
     */
    HTTP_STATUS,
    /** No token within {@link PoaTokenProvider.Builder#callTimeout(Duration)}. Retryable. */
    CALL_TIMEOUT,
    /** The circuit breaker is open after repeated failures: no request was made. Retryable. */
    CIRCUIT_OPEN,
    /** The client secret source threw or gave a blank secret: no request was made. Retryable. */
    SECRET_SOURCE,
    /** The executor did not run the refresh (rejected it, or never ran it). Retryable. */
    EXECUTOR,
    /** The waiting thread was interrupted; its interrupt flag is set again. Retryable. */
    INTERRUPTED,
    /** The provider is closed: every call fails with this. Not retryable. */
    CLOSED,
    /** An unexpected failure inside the client, reduced to its type. Retryable. */
    UNEXPECTED
  }

  /** Why no token could be had. */
  private final Reason reason;
  /** For {@link Reason#HTTP_STATUS}, else -1. */
  private final int httpStatus;
  /** Whether a later call may succeed without a configuration change. */
  private final boolean retryable;
  /** {@code Retry-After} in milliseconds, or -1; a long so that the exception serializes. */
  private final long retryAfterMillis;

  TokenEndpointUnavailableException(Reason reason, int httpStatus, boolean retryable,
      Duration retryAfter, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.httpStatus = httpStatus;
    this.retryable = retryable;
    this.retryAfterMillis = retryAfter == null ? -1 : retryAfter.toMillis();
  }

  /** {@return why no token could be had} */
  public Reason reason() {
    return reason;
  }

  /** {@return the status the endpoint answered, for {@link Reason#HTTP_STATUS} only} */
  public OptionalInt httpStatus() {
    return httpStatus < 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
  }

  /**
   * {@return whether a later call may succeed without a configuration change}: not after a TLS
   * failure, a wrong address (redirect, 404, 405) or on a closed provider.
   */
  public boolean isRetryable() {
    return retryable;
  }

  /** {@return the {@code Retry-After} of a 408, 429 or 5xx, at most 30 s, if one was sent} */
  public Optional<Duration> retryAfter() {
    return retryAfterMillis < 0 ? Optional.empty()
        : Optional.of(Duration.ofMillis(retryAfterMillis));
  }

  @Override
  TokenEndpointUnavailableException forCaller() {
    return new TokenEndpointUnavailableException(reason, httpStatus, retryable,
        retryAfter().orElse(null), getMessage(), this);
  }
}
