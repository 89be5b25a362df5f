package io.github.poaauth.client.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Masks secrets in text that is about to be logged: the client secret (as given and
 * form-encoded), form and JSON fields that carry secrets or tokens, and bearer credentials in
 * headers. Applied to every line the HTTP logger writes, whatever its level.
 */
public final class Redactor {
  static final String MASK = "****";

  private static final Pattern FORM_SECRET =
      Pattern.compile("(?i)(client_secret=)[^&\\s]*");
  private static final Pattern JSON_SECRET = Pattern.compile(
      "(?i)(\"(?:access_token|refresh_token|id_token|client_secret)\"\\s*:\\s*\")[^\"]*(\")");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9\\-._~+/]+=*");
  private static final Pattern BASIC = Pattern.compile("(?i)(basic\\s+)[A-Za-z0-9+/]+=*");

  private final String secret;
  private final String encodedSecret;

  /** @param secret the client secret to mask wherever it appears literally */
  public Redactor(String secret) {
    this.secret = secret;
    this.encodedSecret = URLEncoder.encode(secret, StandardCharsets.UTF_8);
  }

  /** @return text with every secret replaced by {@code ****} */
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    if (!secret.isEmpty()) {
      out = out.replace(secret, MASK).replace(encodedSecret, MASK);
    }
    out = FORM_SECRET.matcher(out).replaceAll("$1" + MASK);
    out = JSON_SECRET.matcher(out).replaceAll("$1" + MASK + "$2");
    out = BEARER.matcher(out).replaceAll("$1" + MASK);
    out = BASIC.matcher(out).replaceAll("$1" + MASK);
    return out;
  }
}
