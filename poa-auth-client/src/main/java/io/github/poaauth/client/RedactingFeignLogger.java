package io.github.poaauth.client;

import feign.Request;
import feign.Response;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feign's HTTP log of the token call, written to SLF4J logger {@value #LOGGER_NAME} at DEBUG,
 * showing only what cannot carry a secret: method, URL (validated to hold no credentials),
 * status, elapsed time, header names that the client itself sends or that are standard, body
 * sizes. Header values the server sent and bodies are never printed, at any level: both can
 * carry the secret (a gateway echoing the request) or the token, and no redaction pattern
 * catches every spelling. {@code HEADERS} and {@code FULL} add the header names and body size.
 */
final class RedactingFeignLogger extends feign.Logger {
  static final String LOGGER_NAME = "io.github.poaauth.client.http";

  private final Logger log = LoggerFactory.getLogger(LOGGER_NAME);

  @Override
  protected void log(String configKey, String format, Object... args) {
    // Every line is written by the overrides below, from fixed text and numbers.
  }

  private void write(String configKey, String line) {
    log.debug("{}{}", methodTag(configKey), line);
  }

  @Override
  protected void logRequest(String configKey, Level logLevel, Request request) {
    if (!log.isDebugEnabled()) {
      return;
    }
    write(configKey, "---> " + request.httpMethod().name() + " " + request.url());
    if (logLevel.ordinal() >= Level.HEADERS.ordinal()) {
      write(configKey, "headers " + request.headers().keySet());
      write(configKey, "---> END HTTP (" + (request.body() == null ? 0 : request.body().length)
          + "-byte body, not shown)");
    }
  }

  @Override
  protected Response logAndRebufferResponse(String configKey, Level logLevel, Response response,
      long elapsedTime) throws IOException {
    if (!log.isDebugEnabled()) {
      return response;
    }
    write(configKey, "<--- HTTP " + response.status() + " (" + elapsedTime + "ms)");
    if (logLevel.ordinal() >= Level.HEADERS.ordinal()) {
      long names = response.headers().keySet().stream()
          .filter(name -> name != null && !name.toLowerCase(Locale.ROOT).startsWith(":")).count();
      Integer length = response.body() == null ? Integer.valueOf(0) : response.body().length();
      write(configKey, "<--- END HTTP (" + names + " headers, "
          + (length == null ? "unknown size" : length + "-byte body") + ", not shown)");
    }
    return response;
  }

  @Override
  protected IOException logIOException(String configKey, Level logLevel, IOException ioe,
      long elapsedTime) {
    if (log.isDebugEnabled()) {
      write(configKey, "<--- ERROR " + ioe.getClass().getSimpleName() + " (" + elapsedTime + "ms)");
    }
    return ioe;
  }

  @Override
  protected void logRetry(String configKey, Level logLevel) {
    // Feign never retries the token call; Resilience4j does.
  }
}
