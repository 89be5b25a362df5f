package io.github.poaauth.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text the CLI is about to print, in every spelling a secret takes on its way
 * through an HTTP exchange or an error message: as typed, URL- or form-encoded
 * ({@code a b+c/=} is {@code a+b%2Bc%2F%3D} in a form body, {@code a%20b%2Bc%2F%3D} in a URL,
 * with hex digits in either case), JSON-escaped (a backslash and {@code u0061} for {@code a},
 * {@code \/}, {@code \"}), and any mix of these character by character. Matching is done with
 * one pattern per secret that accepts, at each character of the secret, each of that
 * character's spellings. The HTTP Basic credentials ({@code base64(id:secret)}) are masked too.
 *
 * <p>Control characters are escaped after masking ({@link #escapeControls}), so what a server
 * sends can neither move the cursor nor rewrite the terminal's title.
 *
 * <p>Immutable and thread-safe.
 */
final class SecretMask {

  static final String MASK = "****";

  private static final SecretMask NONE = new SecretMask(List.of(), List.of());

  private final List<Pattern> patterns;
  private final List<String> literals;

  private SecretMask(List<Pattern> patterns, List<String> literals) {
    this.patterns = List.copyOf(patterns);
    this.literals = List.copyOf(literals);
  }

  /** A mask that changes nothing but control characters. */
  static SecretMask none() {
    return NONE;
  }

  /** This mask and the spellings of one more secret; a null or empty secret adds nothing. */
  SecretMask with(String secret) {
    if (secret == null || secret.isEmpty()) {
      return this;
    }
    List<Pattern> morePatterns = new ArrayList<>(patterns);
    morePatterns.add(spellingsOf(secret));
    return new SecretMask(morePatterns, literals);
  }

  /** This mask and the HTTP Basic credentials of this client, as a header would carry them. */
  SecretMask withBasicCredentials(String clientId, String secret) {
    if (clientId == null || secret == null || secret.isEmpty()) {
      return this;
    }
    List<String> moreLiterals = new ArrayList<>(literals);
    moreLiterals.add(Base64.getEncoder().encodeToString(
        (clientId + ':' + secret).getBytes(StandardCharsets.UTF_8)));
    return new SecretMask(patterns, moreLiterals);
  }

  /** The text with every spelling of every secret replaced by {@value #MASK}. */
  String mask(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String literal : literals) {
      out = out.replace(literal, MASK);
    }
    for (Pattern pattern : patterns) {
      out = pattern.matcher(out).replaceAll(Matcher.quoteReplacement(MASK));
    }
    return out;
  }

  /** Whether the text holds a secret in any spelling. */
  boolean reveals(String text) {
    return text != null && !mask(text).equals(text);
  }

  /** {@link #mask} then {@link #escapeControls}: what may go to a terminal. */
  String forTerminal(String text) {
    return escapeControls(mask(text));
  }

  /**
   * Every control character (C0 but tab and line feed, DEL, C1) and every Unicode format
   * character (bidirectional overrides and the like) written as {@code \}{@code uXXXX}.
   */
  static String escapeControls(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isUnsafe(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** Whether a character would do something to a terminal other than show itself. */
  static boolean isUnsafe(char c) {
    if (c == '\t' || c == '\n') {
      return false;
    }
    return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
  }

  private static Pattern spellingsOf(String secret) {
    StringBuilder regex = new StringBuilder();
    secret.codePoints().forEach(cp -> regex.append(spellingsOf(cp)));
    return Pattern.compile(regex.toString());
  }

  /** A regex group matching one code point in any of its spellings. */
  private static String spellingsOf(int codePoint) {
    List<String> alternatives = new ArrayList<>();
    String literal = new String(Character.toChars(codePoint));
    alternatives.add(Pattern.quote(literal));
    // URL and form encoding: each UTF-8 byte as %XX, hex in either case; a space as '+'.
    StringBuilder percent = new StringBuilder();
    for (byte b : literal.getBytes(StandardCharsets.UTF_8)) {
      percent.append('%').append(hexDigit((b >> 4) & 0xF)).append(hexDigit(b & 0xF));
    }
    alternatives.add(percent.toString());
    if (codePoint == ' ') {
      alternatives.add("\\+");
    }
    // JSON: \\uXXXX for each UTF-16 unit, hex in either case, and the short escapes.
    StringBuilder unicode = new StringBuilder();
    for (char unit : Character.toChars(codePoint)) {
      unicode.append("\\\\u");
      for (int shift = 12; shift >= 0; shift -= 4) {
        unicode.append(hexDigit((unit >> shift) & 0xF));
      }
    }
    alternatives.add(unicode.toString());
    String shortEscape = jsonShortEscape(codePoint);
    if (shortEscape != null) {
      alternatives.add(Pattern.quote(shortEscape));
    }
    return "(?:" + String.join("|", alternatives) + ")";
  }

  private static String jsonShortEscape(int codePoint) {
    switch (codePoint) {
      case '"': return "\\\"";
      case '\\': return "\\\\";
      case '/': return "\\/";
      case '\b': return "\\b";
      case '\f': return "\\f";
      case '\n': return "\\n";
      case '\r': return "\\r";
      case '\t': return "\\t";
      default: return null;
    }
  }

  /** A character class matching one hex digit in either case. */
  private static String hexDigit(int value) {
    char upper = Character.toUpperCase(Character.forDigit(value, 16));
    char lower = Character.forDigit(value, 16);
    return upper == lower ? String.valueOf(upper) : "[" + upper + lower + "]";
  }
}
