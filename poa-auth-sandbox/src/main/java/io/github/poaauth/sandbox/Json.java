package io.github.poaauth.sandbox;

import java.util.Map;

/**
 * Writes the few flat JSON objects the sandbox answers with.
 *
 * <p>Hand-written so that the sandbox has no runtime dependency: its bodies are flat objects of
 * strings and integers, in a fixed field order (the order Keycloak writes them in).
 */
final class Json {

  private Json() {}

  /** A JSON object of the entries in iteration order; values are {@link String} or {@link Number}. */
  static String object(Map<String, ?> fields) {
    StringBuilder out = new StringBuilder(128).append('{');
    boolean first = true;
    for (Map.Entry<String, ?> field : fields.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      string(out, field.getKey());
      out.append(':');
      Object value = field.getValue();
      if (value instanceof Number) {
        out.append(value);
      } else {
        string(out, String.valueOf(value));
      }
    }
    return out.append('}').toString();
  }

  private static void string(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
