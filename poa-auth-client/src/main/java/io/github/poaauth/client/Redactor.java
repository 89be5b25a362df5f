package io.github.poaauth.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Masks secrets in text about to leave the provider: the client secret as given, form-encoded
 * ({@code +} or {@code %20}) and JSON-escaped, and the form and JSON fields, bearer and basic
 * credentials that carry secrets or tokens.
 */
final class Redactor {
  static final String MASK = "****";

  private static final Pattern FORM_SECRET =
      Pattern.compile("(?i)((?:client_secret|access_token|refresh_token|id_token)=)[^&\\s]*");
  private static final Pattern JSON_SECRET = Pattern.compile("(?i)(\"(?:access_token|refresh_token"
      + "|id_token|client_secret)\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*(\")");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9\\-._~+/]+=*");
  private static final Pattern BASIC = Pattern.compile("(?i)(basic\\s+)[A-Za-z0-9+/]+=*");

  /** Every spelling of the secret, longest first, so that a longer one is masked whole. */
  private final Set<String> spellings = new LinkedHashSet<>();

  Redactor(String secret) {
    if (secret != null && !secret.isEmpty()) {
      String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
      String json = secret.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/");
      List<String> all = new ArrayList<>(List.of(secret, form,
          form.replace("+", "%20"), json, secret.replace("\\", "\\\\").replace("\"", "\\\"")));
      all.sort((a, b) -> b.length() - a.length());
      spellings.addAll(all);
    }
  }

  /** The text with every secret replaced by {@code ****}. */
  String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String spelling : spellings) {
      out = out.replace(spelling, MASK);
    }
    out = FORM_SECRET.matcher(out).replaceAll("$1" + MASK);
    out = JSON_SECRET.matcher(out).replaceAll("$1" + MASK + "$2");
    out = BEARER.matcher(out).replaceAll("$1" + MASK);
    out = BASIC.matcher(out).replaceAll("$1" + MASK);
    return out;
  }
}
