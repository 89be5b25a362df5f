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

/** The host rule of {@link PoaApiAuthorization}: who may receive a bearer token. Immutable. */
final class AllowedHosts {
  /** The hosts as given, lower case, ports included, in the order given. */
  private final Set<String> given;
  /** Lower-case host to the ports it may be reached on; -1 stands for any port. */
  private final Map<String, Set<Integer>> ports;

  private AllowedHosts(Set<String> given, Map<String, Set<Integer>> ports) {
    this.given = given;
    this.ports = ports;
  }

  /** Host names, each optionally with a port; at least one, none blank, none a URL. */
  static AllowedHosts of(Collection<String> hosts) {
    if (hosts == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one allowed host is required, such as "
          + "\"api.poa.example.com\": the token is only sent to these hosts");
    }
    Set<String> given = new LinkedHashSet<>();
    Map<String, Set<Integer>> ports = new HashMap<>();
    for (String host : hosts) {
      URI uri = parse(host);
      given.add(host.trim().toLowerCase(Locale.ROOT));
      ports.computeIfAbsent(uri.getHost(), h -> new HashSet<>()).add(uri.getPort());
    }
    return new AllowedHosts(Collections.unmodifiableSet(given), ports);
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
    if (uri == null || uri.getHost() == null || uri.getScheme() == null
        || uri.getRawUserInfo() != null) {
      return false;
    }
    boolean https = uri.getScheme().equalsIgnoreCase("https");
    boolean loopbackHttp = uri.getScheme().equalsIgnoreCase("http")
        && Settings.isLoopback(uri.getHost());
    if (!https && !loopbackHttp) {
      return false;
    }
    Set<Integer> allowed = ports.getOrDefault(uri.getHost().toLowerCase(Locale.ROOT), Set.of());
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    return allowed.contains(-1) || allowed.contains(port);
  }

  /**
   * Judged by the URL's {@code scheme://authority}, which decides who receives the request;
   * without one, or with a malformed one, not allowed.
   */
  boolean allows(String url) {
    String origin = url == null ? null : originOf(url);
    try {
      return origin != null && allows(new URI(origin));
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
