package io.github.poaauth.client;

/**
 * How much of the token request {@link PoaTokenProvider.Builder#httpLogLevel(HttpLogLevel)}
 * writes to SLF4J logger {@code io.github.poaauth.client.http} at DEBUG; never a body or a
 * header value, at any level. Each is the Feign log level of the same name.
 */
public enum HttpLogLevel {
  /** Nothing. */
  NONE,
  /** Method, URL, status and time. */
  BASIC,
  /** Also the header names and the body sizes. */
  HEADERS
}
