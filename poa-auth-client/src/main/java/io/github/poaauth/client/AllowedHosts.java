package io.github.poaauth.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who may receive a bearer token: a request to an allowed host (and, where ports were given, one
 * of those ports), over {@code https}, or {@code http} to a loopback host, without user info.
 * Immutable.
 */
final class AllowedHosts {
  /** The hosts as given, lower case, ports included, in the order given. */
  private final Set<String> given;
  /** Lower-case host to the ports it may be reached on; an empty set means any port. */
  private final Map<String, Set<Integer>> ports;

  private AllowedHosts(Set<String> given, Map<String, Set<Integer>> ports) {
    this.given = given;
    this.ports = ports;
  }

  /**
   * @param hosts host names, each optionally with a port; at least one
   * @throws IllegalArgumentException when there is none, or one is blank, a URL or has a bad port
   */
  static AllowedHosts of(Collection<String> hosts) {
    if (hosts == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one allowed host is required, such as "
          + "\"api.poa.example.com\": the token is only sent to these hosts");
    }
    Set<String> given = new LinkedHashSet<>();
    Map<String, Set<Integer>> ports = new HashMap<>();
    Set<String> anyPort = new LinkedHashSet<>();
    for (String host : hosts) {
      URI uri = parse(host);
      String name = uri.getHost();
      given.add(host.trim().toLowerCase(Locale.ROOT));
      Set<Integer> known = ports.computeIfAbsent(name, h -> new LinkedHashSet<>());
      if (uri.getPort() == -1) {
        anyPort.add(name);
      } else {
        known.add(uri.getPort());
      }
    }
    anyPort.forEach(name -> ports.put(name, Set.of()));
    Map<String, Set<Integer>> frozen = new HashMap<>();
    ports.forEach((name, p) -> frozen.put(name, Set.copyOf(p)));
    return new AllowedHosts(Collections.unmodifiableSet(given), Map.copyOf(frozen));
  }

  private static URI parse(String host) {
    String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
    URI uri = null;
    if (!h.isEmpty() && !h.contains("/") && !h.contains("@")) {
      try {
        uri = new URI("https://" + h);
      } catch (URISyntaxException e) {
        uri = null;
      }
    }
    if (uri == null || uri.getHost() == null || uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new IllegalArgumentException("allowed host must be a bare host name such as "
          + "\"api.poa.example.com\", optionally with a port, but was '" + host + "'");
    }
    return uri;
  }

  Set<String> given() {
    return given;
  }

  boolean allows(URI uri) {
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
   * Judged by the URL's origin ({@code scheme://authority}), which decides who receives the
   * request; the rest of the URL plays no part. A URL without an origin, or with a malformed
   * one, is not allowed.
   */
  boolean allows(String url) {
    String origin = url == null ? null : originOf(url);
    if (origin == null) {
      return false;
    }
    try {
      return allows(new URI(origin));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@code scheme://authority} as written at the start of {@code url}, or null. */
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

  @Override
  public String toString() {
    return given.toString();
  }
}
