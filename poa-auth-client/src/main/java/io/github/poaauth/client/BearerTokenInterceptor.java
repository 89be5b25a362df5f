package io.github.poaauth.client;

import feign.RequestInterceptor;
import feign.RequestTemplate;
import feign.Target;
import io.github.poaauth.client.internal.ProviderSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Adds {@code Authorization: Bearer <token>} from a {@link PoaTokenProvider} to requests for
 * POA's other APIs, and only to requests whose host is one of the allowed hosts, so that a token
 * never leaks to a third party a client also talks to, and only over {@code https} (or
 * {@code http} to a loopback host, for the sandbox). Any {@code Authorization} header already
 * present is replaced. For recovery from a {@code 401}, see {@link PoaApiAuthorization} and
 * {@link UnauthorizedRecoveringClient}.
 *
 * <p>For Feign clients, register it as a {@link RequestInterceptor}:
 * <pre>{@code
 * BearerTokenInterceptor bearer = BearerTokenInterceptor.forHosts(tokens, "api.poa.example.com");
 * PartnerApi api = Feign.builder().requestInterceptor(bearer).target(PartnerApi.class, url);
 * }</pre>
 * For {@link java.net.http.HttpClient}, use {@link #authorize(HttpRequest)}:
 * <pre>{@code
 * HttpResponse<String> r = http.send(bearer.authorize(request), BodyHandlers.ofString());
 * if (r.statusCode() == 401) tokens.invalidate(usedToken);   // see PoaTokenProvider#invalidate
 * }</pre>
 * Thread-safe and immutable. Throws what {@link PoaTokenProvider#token()} throws.
 */
public final class BearerTokenInterceptor implements RequestInterceptor {
  private static final String AUTHORIZATION = "Authorization";

  private final PoaTokenProvider tokens;
  private final Set<String> hosts;

  private BearerTokenInterceptor(PoaTokenProvider tokens, Set<String> hosts) {
    this.tokens = tokens;
    this.hosts = hosts;
  }

  /**
   * @param tokens where tokens come from
   * @param hosts host names (no scheme, no port) that may receive the token; at least one
   * @return the interceptor
   * @throws IllegalArgumentException when no host, or a blank one, or a URL is given
   */
  public static BearerTokenInterceptor forHosts(PoaTokenProvider tokens, String... hosts) {
    Objects.requireNonNull(tokens, "tokens");
    if (hosts == null || hosts.length == 0) {
      throw new IllegalArgumentException("at least one allowed host is required, such as "
          + "\"api.poa.example.com\": the token is only sent to these hosts");
    }
    Set<String> allowed = Stream.of(hosts).map(h -> {
      if (h == null || h.isBlank() || h.contains("/") || h.contains(":") && !h.startsWith("[")) {
        throw new IllegalArgumentException("allowed host must be a bare host name such as "
            + "\"api.poa.example.com\" but was '" + h + "'");
      }
      return h.trim().toLowerCase(Locale.ROOT);
    }).collect(Collectors.toUnmodifiableSet());
    return new BearerTokenInterceptor(tokens, allowed);
  }

  /** Adds the header when the Feign target's host is allowed; leaves other requests alone. */
  @Override
  public void apply(RequestTemplate template) {
    Target<?> target = template.feignTarget();
    String url = template.url();
    if (!url.startsWith("http") && target != null) {
      url = target.url();
    }
    if (isAllowed(url)) {
      template.removeHeader(AUTHORIZATION);
      template.header(AUTHORIZATION, tokens.token().authorizationHeader());
    }
  }

  /**
   * @param request a request for one of POA's APIs
   * @return a copy with the {@code Authorization} header set if its host is allowed, or the
   *     request itself otherwise
   */
  public HttpRequest authorize(HttpRequest request) {
    if (!isAllowed(request.uri())) {
      return request;
    }
    return HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase(AUTHORIZATION))
        .header(AUTHORIZATION, tokens.token().authorizationHeader())
        .build();
  }

  private boolean isAllowed(String url) {
    try {
      return url != null && isAllowed(URI.create(url));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** An allowed host, over https, or http to a loopback host (the sandbox): never clear text. */
  private boolean isAllowed(URI uri) {
    if (uri.getHost() == null || uri.getScheme() == null) {
      return false;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    return hosts.contains(host) && (scheme.equals("https")
        || scheme.equals("http") && ProviderSettings.isLoopback(host));
  }

  @Override
  public String toString() {
    return "BearerTokenInterceptor{hosts=" + hosts + '}';
  }
}
