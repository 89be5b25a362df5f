package io.github.poaauth.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The CLI's own check of a base URL (or an API URL), before the client sees it: the client's
 * message quotes the URL and its host, and a user who typed the secret where the URL goes (the
 * host of {@code http://<secret>.example}) would see it repeated. These messages say what is
 * wrong and how to fix it without a character of the value.
 */
final class BaseUrls {

  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");
  private static final String NOT_SHOWN = " (the value is not shown, in case it holds a secret)";

  private BaseUrls() {}

  /**
   * What is wrong with the URL, or null: absolute, {@code https} ({@code http} only to a loopback
   * host), no user info, a port from 1 to 65535, no query or fragment. {@code what} names the
   * setting, e.g. "the base URL (--base-url or POA_BASE_URL)".
   */
  static String problem(String what, String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      return what + " is not a valid URL: give the POA environment's address, such as"
          + " https://poa.example.com" + NOT_SHOWN;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      return what + " must be an absolute https URL such as https://poa.example.com" + NOT_SHOWN;
    }
    if (uri.getRawUserInfo() != null) {
      return what + " must not carry user info (user:password@): the client id and secret go in"
          + " their own settings" + NOT_SHOWN;
    }
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65_535)) {
      return what + " has a port outside 1 to 65535" + NOT_SHOWN;
    }
    if (scheme.equals("http") && !isLoopback(uri.getHost())) {
      return what + " uses http to a host that is not loopback: the client secret would travel"
          + " in clear text. Use https with the same host (http is only for localhost, 127.0.0.1,"
          + " [::1])" + NOT_SHOWN;
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return what + " must not have a query or fragment" + NOT_SHOWN;
    }
    return null;
  }

  /** Loopback by name or literal address only: no DNS lookup. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches() || h.equals("[::1]")
        || h.equals("::1") || h.equals("[0:0:0:0:0:0:0:1]");
  }

  /**
   * The parts of a URL that an error line must not repeat: the URL as given, and its host and
   * user info, which a message may quote on their own.
   */
  static List<String> parts(String url) {
    List<String> parts = new ArrayList<>();
    if (url == null || url.isBlank()) {
      return parts;
    }
    parts.add(url.trim());
    try {
      URI uri = new URI(url.trim());
      if (uri.getHost() != null) {
        parts.add(uri.getHost());
      }
      if (uri.getRawUserInfo() != null) {
        parts.add(uri.getRawUserInfo());
      }
    } catch (URISyntaxException e) {
      // Not a URL: the value as given is all there is to hide.
    }
    return parts;
  }
}
