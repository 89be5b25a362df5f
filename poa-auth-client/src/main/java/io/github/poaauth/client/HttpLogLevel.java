package io.github.poaauth.client;

/**
 * How much of the token request {@link PoaTokenProvider.Builder#httpLogLevel(HttpLogLevel)}
 * writes to SLF4J logger {@code io.github.poaauth.client.http} at DEBUG; never a body or a
 * header value, at any level.
 */
public enum HttpLogLevel {
  /** Nothing. */
  NONE(feign.Logger.Level.NONE),
  /** Method, URL, status and time. */
  BASIC(feign.Logger.Level.BASIC),
  /** Also the header names and the body sizes. */
  HEADERS(feign.Logger.Level.HEADERS);

  private final feign.Logger.Level feignLevel;

  HttpLogLevel(feign.Logger.Level feignLevel) {
    this.feignLevel = feignLevel;
  }

  feign.Logger.Level feignLevel() {
    return feignLevel;
  }
}
