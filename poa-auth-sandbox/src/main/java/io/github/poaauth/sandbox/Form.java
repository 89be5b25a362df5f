package io.github.poaauth.sandbox;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reading of {@code application/x-www-form-urlencoded} request bodies. */
final class Form {

  static final String MEDIA_TYPE = "application/x-www-form-urlencoded";

  private Form() {}

  /** Whether a {@code Content-Type} header value names a form body (parameters allowed). */
  static boolean isForm(String contentType) {
    return contentType != null && mediaType(contentType).equals(MEDIA_TYPE);
  }

  /**
   * The body's fields, each name with its values in arrival order, names in first-arrival order.
   *
   * @throws IllegalArgumentException if a name or value has a broken percent-escape
   */
  static Map<String, List<String>> parse(byte[] body, String contentType) {
    Charset charset = charset(contentType);
    String text = new String(body, charset);
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      fields.computeIfAbsent(URLDecoder.decode(name, charset), n -> new ArrayList<>())
          .add(URLDecoder.decode(value, charset));
    }
    fields.replaceAll((name, values) -> Collections.unmodifiableList(values));
    return Collections.unmodifiableMap(fields);
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  /** The {@code charset} parameter if it names a charset this JVM knows, else UTF-8. */
  private static Charset charset(String contentType) {
    for (String parameter : contentType.split(";")) {
      int eq = parameter.indexOf('=');
      if (eq > 0 && parameter.substring(0, eq).trim().equalsIgnoreCase("charset")) {
        String name = parameter.substring(eq + 1).trim().replace("\"", "");
        try {
          return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
          return StandardCharsets.UTF_8;
        }
      }
    }
    return StandardCharsets.UTF_8;
  }
}
