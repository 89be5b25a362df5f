package io.github.poaauth.micrometer;

import java.util.Optional;

/**
 * Stands for the exception of a failed token request on its observation (the listener gets
 * the exception's type, not the exception): so that the span is marked failed and names the
 * type. Carries no stack trace and nothing the server sent beyond the bounded error code.
 */
final class TokenRequestFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TokenRequestFailure(String errorType, Optional<String> errorCode) {
    super("POA token request failed: " + errorType
        + errorCode.map(c -> " (" + PoaAuthMetrics.errorCodeTag(errorCode) + ")").orElse(""),
        null, false, false);
  }
}
