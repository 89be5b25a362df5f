package io.github.poaauth.spring.boot.autoconfigure;

import feign.Request;
import feign.slf4j.Slf4jLogger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feign's SLF4J logger, the one Spring Cloud OpenFeign logs with by default (logger named after
 * the Feign client interface, at DEBUG, in Feign's format), except that the value of every
 * {@code Authorization} and {@code Proxy-Authorization} request header is printed as its scheme
 * and {@code ****}: {@code Authorization: Bearer ****}. So a bearer token never reaches the log,
 * at any {@code Logger.Level}; the header's name and scheme still show that it was sent.
 *
 * <p>POA's token itself never reaches a Feign logger: {@code PoaApiAuthorization}'s Feign
 * capability adds it after the logger has seen the request. This logger masks the
 * {@code Authorization} headers that request interceptors add (the application's own, or a
 * hand-made POA one). The starter makes every Spring Cloud OpenFeign client log with it, unless
 * the application has its own {@code feign.Logger} or {@code FeignLoggerFactory} bean: those are
 * used as they are. To keep your own logger and mask such headers, extend this class, or
 * override {@code shouldLogRequestHeader(String)} to leave {@code Authorization} out.
 *
 * <p>Response headers and bodies are logged as Feign logs them. Thread-safe.
 */
public class PoaTokenMaskingFeignLogger extends Slf4jLogger {
  private static final String MASK = "****";

  /** @param type the Feign client interface, whose name the SLF4J logger takes */
  public PoaTokenMaskingFeignLogger(Class<?> type) {
    super(type);
  }

  /** @param name the SLF4J logger's name */
  public PoaTokenMaskingFeignLogger(String name) {
    super(name);
  }

  @Override
  protected void logRequest(String configKey, Level logLevel, Request request) {
    // Below HEADERS, Feign prints no header: nothing to mask.
    super.logRequest(configKey, logLevel,
        logLevel.ordinal() >= Level.HEADERS.ordinal() ? masked(request) : request);
  }

  /** A copy of {@code request} whose credential headers show their scheme only. */
  static Request masked(Request request) {
    Map<String, Collection<String>> headers = new LinkedHashMap<>();
    boolean changed = false;
    for (Map.Entry<String, Collection<String>> header : request.headers().entrySet()) {
      if (isCredential(header.getKey())) {
        List<String> values = new ArrayList<>();
        for (String value : header.getValue()) {
          values.add(masked(value));
        }
        headers.put(header.getKey(), values);
        changed = true;
      } else {
        headers.put(header.getKey(), header.getValue());
      }
    }
    return changed ? Request.create(request.httpMethod(), request.url(), headers, request.body(),
        request.charset(), request.requestTemplate()) : request;
  }

  private static boolean isCredential(String header) {
    return "Authorization".equalsIgnoreCase(header)
        || "Proxy-Authorization".equalsIgnoreCase(header);
  }

  /** {@code Bearer abc} reads {@code Bearer ****}; a value that is not "scheme credentials", {@code ****}. */
  private static String masked(String value) {
    if (value == null) {
      return MASK;
    }
    String trimmed = value.strip();
    int space = trimmed.indexOf(' ');
    String scheme = space < 0 ? "" : trimmed.substring(0, space);
    return !scheme.isEmpty() && scheme.length() <= 20
        && scheme.chars().allMatch(Character::isLetter)
        ? scheme + ' ' + MASK : MASK;
  }
}
