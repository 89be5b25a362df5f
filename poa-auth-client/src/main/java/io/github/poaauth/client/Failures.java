package io.github.poaauth.client;

import io.github.poaauth.client.TokenEndpointUnavailableException.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * The failure boundary: every public exception of the client is made here, from fixed text and
 * numbers. Nothing the server sent reaches a message; a cause is the JDK's own exception when no
 * message in its chain holds a secret, otherwise a {@link RedactedCause}.
 */
final class Failures {
  private Failures() {
  }

  static TokenEndpointUnavailableException unavailable(Reason reason, String message) {
    return unavailable(reason, message, null);
  }

  /** Retryable unless a TLS failure or a closed provider. */
  private static TokenEndpointUnavailableException unavailable(Reason reason, String message,
      Throwable cause) {
    return new TokenEndpointUnavailableException(reason, -1,
        reason != Reason.TLS && reason != Reason.CLOSED, null, message, cause);
  }

  static TokenEndpointUnavailableException closed() {
    return unavailable(Reason.CLOSED, "PoaTokenProvider is closed");
  }

  static TokenEndpointUnavailableException callTimeout(Duration callTimeout) {
    return unavailable(Reason.CALL_TIMEOUT, "no token within the call timeout of " + callTimeout);
  }

  static TokenEndpointUnavailableException circuitOpen() {
    return unavailable(Reason.CIRCUIT_OPEN, "circuit breaker is open after repeated token "
        + "endpoint failures; not calling it until the breaker lets a trial call through");
  }

  static TokenEndpointUnavailableException unexpected(Throwable t) {
    return unavailable(Reason.UNEXPECTED, "token refresh failed unexpectedly: "
        + t.getClass().getSimpleName());
  }

  /** An answer that is neither a token nor an OAuth rejection. */
  static TokenEndpointUnavailableException httpStatus(int status, Duration retryAfter) {
    boolean transient_ = status == 408 || status == 429 || status >= 500 && status <= 599;
    String message = "token endpoint answered HTTP " + status;
    if (status >= 300 && status < 400) {
      message += " (a redirect): redirects are never followed with credentials; check baseUrl";
    } else if (status < 100 || status > 599) {
      message = "token endpoint answered HTTP status " + status + ", which is outside HTTP's "
          + "range: check baseUrl";
    } else if (!transient_) {
      message += ": check baseUrl and tokenPath (the documented token path is "
          + PoaTokenProvider.DEFAULT_TOKEN_PATH + ")";
    }
    return new TokenEndpointUnavailableException(Reason.HTTP_STATUS, status, transient_,
        transient_ ? retryAfter : null, message, null);
  }

  /** An I/O failure of the exchange, by its JDK exception; TLS wins over anything else. */
  static TokenEndpointUnavailableException io(IOException e, Redactor redactor) {
    Reason reason = Reason.IO;
    for (Throwable t = e; t != null && reason != Reason.TLS; t = t.getCause()) {
      if (t instanceof SSLException) {
        reason = Reason.TLS;
      } else if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        reason = Reason.DNS;
      } else if (t instanceof HttpTimeoutException && reason == Reason.IO) {
        reason = Reason.TIMEOUT;
      } else if (t instanceof ConnectException && reason == Reason.IO) {
        reason = Reason.CONNECT;
      }
    }
    String message = switch (reason) {
      case TLS -> "TLS with the token endpoint failed: its certificate is not trusted or does not "
          + "name its host; check baseUrl, or give the provider an sslContext that trusts it";
      case DNS -> "the token endpoint's host name did not resolve; check baseUrl";
      case TIMEOUT -> "token endpoint timed out";
      case CONNECT -> "could not connect to the token endpoint";
      default -> "token endpoint I/O error";
    };
    return unavailable(reason, message + " (" + e.getClass().getSimpleName() + ")",
        safeCause(e, redactor));
  }

  /** The last failure of a fetch that took several attempts. */
  static TokenEndpointUnavailableException afterAttempts(int attempts,
      TokenEndpointUnavailableException last) {
    return new TokenEndpointUnavailableException(last.reason(), last.httpStatus().orElse(-1),
        last.isRetryable(), last.retryAfter().orElse(null), "token endpoint unavailable after "
        + attempts + " attempts: " + last.getMessage(), last);
  }

  static CredentialsRejectedException rejected(int status, String code, String description) {
    return new CredentialsRejectedException(status, code, description, null);
  }

  static InvalidTokenResponseException invalidResponse(String what) {
    return new InvalidTokenResponseException("token response " + what, null);
  }

  static InvalidSettingException invalidSetting(String setting, String message) {
    return new InvalidSettingException(setting, message);
  }

  /** What one caller gets for a failure it waited for: its own instance, the shared cause. */
  static PoaAuthException forCaller(Throwable failure, Duration callTimeout) {
    Throwable f = failure;
    while ((f instanceof CompletionException || f instanceof ExecutionException)
        && f.getCause() != null) {
      f = f.getCause();
    }
    if (f instanceof PoaAuthException shared) {
      return shared.forCaller();
    }
    return f instanceof TimeoutException ? callTimeout(callTimeout) : unexpected(f);
  }

  /** Printable ASCII, at most {@code max} characters (then {@code ...}); null stays null. */
  static String printable(String text, int max) {
    if (text == null) {
      return null;
    }
    String clean = text.replaceAll("[^\\x20-\\x7E]", "?");
    return clean.length() <= max ? clean : clean.substring(0, max) + "...";
  }

  /** The exception itself when its whole chain is the JDK's and holds no secret. */
  static Throwable safeCause(Throwable original, Redactor redactor) {
    for (Throwable t = original; t != null; t = t.getCause()) {
      String type = t.getClass().getName();
      boolean jdk = Stream.of("java.", "javax.", "sun.", "jdk.").anyMatch(type::startsWith);
      String message = t.getMessage();
      if (!jdk || message != null && !redactor.redact(message).equals(message)) {
        String kept = printable(redactor.redact(original.getMessage()), 200);
        return new RedactedCause(original, kept == null ? "" : ": " + kept);
      }
    }
    return original;
  }

  /**
   * What is kept of an exception that may hold a secret: its type, its message redacted and
   * {@linkplain #printable printable} (200 characters), its stack trace; never its causes.
   */
  static final class RedactedCause extends Exception {
    private static final long serialVersionUID = 1L;

    private RedactedCause(Throwable original, String message) {
      super(original.getClass().getName() + message, null, false, true);
      setStackTrace(original.getStackTrace());
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  /**
   * Masks secrets in text about to leave the provider: the client secret as given, form-encoded
   * ({@code +} or {@code %20}) and JSON-escaped, and the form and JSON fields, bearer and basic
   * credentials that carry secrets or tokens.
   */
  static final class Redactor {
    static final String MASK = "****";

    private static final Pattern FORM_SECRET =
        Pattern.compile("(?i)((?:client_secret|access_token|refresh_token|id_token)=)[^&\\s]*");
    private static final Pattern JSON_SECRET = Pattern.compile("(?i)(\"(?:access_token|refresh_token"
        + "|id_token|client_secret)\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*(\")");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9\\-._~+/]+=*");
    private static final Pattern BASIC = Pattern.compile("(?i)(basic\\s+)[A-Za-z0-9+/]+=*");

    /** Every spelling of the secret, longest first, so that a longer one is masked whole. */
    private final List<String> spellings;

    /** Masks {@code secret} (null or empty: none) and the fields that carry secrets. */
    Redactor(String secret) {
      if (secret == null || secret.isEmpty()) {
        spellings = List.of();
        return;
      }
      String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
      String json = secret.replace("\\", "\\\\").replace("\"", "\\\"");
      spellings = Stream.of(secret, form, form.replace("+", "%20"), json.replace("/", "\\/"), json)
          .sorted(Comparator.comparingInt(String::length).reversed())
          .distinct()
          .toList();
    }

    /** The text with every secret replaced by {@code ****}. */
    String redact(String text) {
      if (text == null || text.isEmpty()) {
        return text;
      }
      String out = text;
      for (String spelling : spellings) {
        out = out.replace(spelling, MASK);
      }
      out = FORM_SECRET.matcher(out).replaceAll("$1" + MASK);
      out = JSON_SECRET.matcher(out).replaceAll("$1" + MASK + "$2");
      out = BEARER.matcher(out).replaceAll("$1" + MASK);
      return BASIC.matcher(out).replaceAll("$1" + MASK);
    }
  }
}
