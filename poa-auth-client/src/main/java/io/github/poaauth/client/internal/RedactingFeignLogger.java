package io.github.poaauth.client.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feign's HTTP log, written to SLF4J logger {@value #LOGGER_NAME} at DEBUG, with every line
 * passed through a {@link Redactor} first: even at Feign's {@code FULL} level, which prints
 * request and response bodies, no client secret or token value reaches the log.
 */
final class RedactingFeignLogger extends feign.Logger {
  static final String LOGGER_NAME = "io.github.poaauth.client.http";

  private final Logger log = LoggerFactory.getLogger(LOGGER_NAME);
  private final Redactor redactor;

  RedactingFeignLogger(Redactor redactor) {
    this.redactor = redactor;
  }

  @Override
  protected void log(String configKey, String format, Object... args) {
    if (log.isDebugEnabled()) {
      log.debug(redactor.redact(methodTag(configKey) + String.format(format, args)));
    }
  }
}
