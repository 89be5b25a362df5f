package io.github.poaauth.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one rule for who may receive a bearer token: a request to an allowed host (and, where a
 * port was given, that port), over {@code https}, or {@code http} to a loopback host, without
 * user info. Used by {@code BearerTokenInterceptor} and {@code PoaApiAuthorization}.
 *
 * <p>Unsupported API: this package may change without notice. Thread-safe; immutable but for
 * a one-entry cache of the last URL origin judged.
 */
final class AllowedHosts {
  /** The hosts as given, lower case, ports included. */
  private final Set<String> given;
  /** Lower-case host to the ports it may be reached on; an empty set means any port. */
  private final Map<String, Set<Integer>> ports;
  /**
   * The last origin ({@code scheme://authority}, as written in the URL) that {@link
   * #allows(String)} judged, and the judgement: requests to the same API, the common case, then
   * cost a prefix compare instead of a parse. A race only judges an origin again.
   */
  private volatile Judged last;

  private record Judged(String origin, boolean allowed) {
  }

  private AllowedHosts(Set<String> given, Map<String, Set<Integer>> ports) {
    this.given = given;
    this.ports = ports;
  }

  /**
   * @param hosts host names, each optionally with a port ({@code api.poa.example.com},
   *     {@code api.poa.example.com:8443}); at least one
   * @return the rule
   * @throws IllegalArgumentException when there is none, or one is blank, a URL or has a bad port
   */
  public static AllowedHosts of(Collection<String> hosts) {
    if (hosts == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one allowed host is required, such as "
          + "\"api.poa.example.com\": the token is only sent to these hosts");
    }
    Set<String> given = new LinkedHashSet<>();
    Map<String, Set<Integer>> ports = new HashMap<>();
    Set<String> anyPort = new HashSet<>();
    for (String host : hosts) {
      URI uri = parse(host);
      String name = uri.getHost();
      given.add(host.trim().toLowerCase(Locale.ROOT));
      ports.computeIfAbsent(name, h -> new HashSet<>());
      if (uri.getPort() == -1) {
        anyPort.add(name);
      } else {
        ports.get(name).add(uri.getPort());
      }
    }
    anyPort.forEach(name -> ports.put(name, Set.of()));
    Map<String, Set<Integer>> frozen = new HashMap<>();
    ports.forEach((name, p) -> frozen.put(name, Set.copyOf(p)));
    return new AllowedHosts(Collections.unmodifiableSet(given), Map.copyOf(frozen));
  }

  private static URI parse(String host) {
    String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
    URI uri;
    try {
      uri = h.isEmpty() || h.contains("/") || h.contains("@") ? null : new URI("https://" + h);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new IllegalArgumentException("allowed host must be a bare host name such as "
          + "\"api.poa.example.com\", optionally with a port, but was '" + host + "'");
    }
    return uri;
  }

  /** @return the hosts as given, lower case, ports included */
  public Set<String> given() {
    return given;
  }

  /**
   * @param uri a request's URI
   * @return whether a request to it may carry the token
   */
  public boolean allows(URI uri) {
    if (uri == null) {
      return false;
    }
    String host = uri.getHost();
    String scheme = uri.getScheme();
    if (host == null || scheme == null || uri.getRawUserInfo() != null) {
      return false;
    }
    boolean https = scheme.equalsIgnoreCase("https");
    if (!https && !(scheme.equalsIgnoreCase("http") && Settings.isLoopback(host))) {
      return false;
    }
    Set<Integer> allowed = ports.get(host.toLowerCase(Locale.ROOT));
    if (allowed == null) {
      return false;
    }
    int actual = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    return allowed.isEmpty() || allowed.contains(actual);
  }

  /**
   * Judged by the URL's origin, its {@code scheme://authority}, which decides who receives the
   * request; the rest of the URL plays no part.
   *
   * @param url a request's absolute URL
   * @return whether a request to it may carry the token; a URL without an origin, or with a
   *     malformed one, may not
   */
  public boolean allows(String url) {
    if (url == null) {
      return false;
    }
    Judged j = last;
    if (j != null && hasOrigin(url, j.origin())) {
      return j.allowed();
    }
    String origin = originOf(url);
    if (origin == null) {
      return false;
    }
    boolean allowed;
    try {
      allowed = allows(URI.create(origin));
    } catch (IllegalArgumentException e) {
      allowed = false;
    }
    last = new Judged(origin, allowed);
    return allowed;
  }

  /**
   * Whether {@code url} starts with {@code origin} followed by the end of the authority: then its
   * scheme, user info, host and port are those of the URL the origin came from (RFC 3986: the
   * authority ends at the first {@code /}, {@code ?} or {@code #}).
   */
  static boolean hasOrigin(String url, String origin) {
    if (!url.startsWith(origin)) {
      return false;
    }
    if (url.length() == origin.length()) {
      return true;
    }
    char next = url.charAt(origin.length());
    return next == '/' || next == '?' || next == '#';
  }

  /** @return {@code scheme://authority} as written at the start of {@code url}, or null */
  static String originOf(String url) {
    int colon = url.indexOf("://");
    if (colon <= 0) {
      return null;
    }
    int end = colon + 3;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    return url.substring(0, end);
  }
}
