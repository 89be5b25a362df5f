package io.github.poaauth.client;

import feign.Request;
import feign.Response;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feign's HTTP log of the token call, at DEBUG on logger {@code io.github.poaauth.client.http},
 * from fixed text and numbers only: method, URL (validated to hold no credentials), status,
 * time, and from {@code HEADERS} on the names of the headers sent and the body sizes. Header
 * values and bodies are never printed: both can carry the secret or the token, and no redaction
 * pattern catches every spelling.
 */
final class RedactingFeignLogger extends feign.Logger {
  private final Logger log = LoggerFactory.getLogger("io.github.poaauth.client.http");

  @Override
  protected void log(String configKey, String format, Object... args) {
    // Feign's own lines could carry secrets: only the overrides below write.
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
    if (logLevel.compareTo(Level.HEADERS) >= 0) {
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
    if (logLevel.compareTo(Level.HEADERS) >= 0) {
      Integer length = response.body() == null ? Integer.valueOf(0) : response.body().length();
      write(configKey, "<--- END HTTP (" + response.headers().size() + " headers, "
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
}
