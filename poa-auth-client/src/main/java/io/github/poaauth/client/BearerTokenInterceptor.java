package io.github.poaauth.client;

import feign.RequestInterceptor;
import feign.RequestTemplate;
import feign.Target;
import io.github.poaauth.client.internal.AllowedHosts;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Adds {@code Authorization: Bearer <token>} from a {@link PoaTokenProvider} to requests for
 * POA's other APIs, and only to requests that go to one of the allowed hosts (and port, if one
 * is given) over {@code https} ({@code http} only to a loopback host), so that a token never
 * leaks to a third party a client also talks to, nor travels in clear text. Any
 * {@code Authorization} header already present is replaced.
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
 *
 * <p><b>Redirects.</b> A client that follows redirects sends the header on to wherever the API
 * redirects, allowed or not. Send authorized requests with a client that does not follow them:
 * {@code HttpClient.Redirect.NEVER} (the JDK default) for {@code java.net.http};
 * {@code new Request.Options(connect, read, false)} for Feign (its default follows).
 *
 * <p>Thread-safe and immutable (a one-entry cache of the last target's decision aside). Throws
 * what {@link PoaTokenProvider#token()} throws.
 */
public final class BearerTokenInterceptor implements RequestInterceptor {
  private static final String AUTHORIZATION = "Authorization";

  /** The decision for one target URL: Feign hands the same String for every request of a target. */
  private record Decision(String url, boolean allowed) {
  }

  private final PoaTokenProvider tokens;
  private final AllowedHosts hosts;
  /**
   * Last target URL and whether it is allowed: compared by identity, so the common case costs
   * one volatile read and no parsing. A race only recomputes a decision.
   */
  private volatile Decision last;

  private BearerTokenInterceptor(PoaTokenProvider tokens, AllowedHosts hosts) {
    this.tokens = tokens;
    this.hosts = hosts;
  }

  /**
   * @param tokens where tokens come from
   * @param hosts host names that may receive the token, each optionally with a port
   *     ({@code api.poa.example.com} or {@code api.poa.example.com:8443}); at least one; no
   *     scheme, no path
   * @return the interceptor
   * @throws IllegalArgumentException when no host, or a blank one, or a URL is given
   */
  public static BearerTokenInterceptor forHosts(PoaTokenProvider tokens, String... hosts) {
    Objects.requireNonNull(tokens, "tokens");
    return new BearerTokenInterceptor(tokens,
        AllowedHosts.of(hosts == null ? List.of() : Arrays.asList(hosts)));
  }

  /** Adds the header when the Feign target is allowed; leaves other requests alone. */
  @Override
  public void apply(RequestTemplate template) {
    String url = template.url();
    if (!url.startsWith("http")) {
      Target<?> target = template.feignTarget();
      url = target == null ? null : target.url();
    }
    if (url != null && isAllowed(url)) {
      template.removeHeader(AUTHORIZATION);
      template.header(AUTHORIZATION, tokens.token().authorizationHeader());
    }
  }

  /**
   * @param request a request for one of POA's APIs
   * @return a copy with the {@code Authorization} header set if it goes to an allowed host over
   *     https (or http to loopback), or the request itself otherwise
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
    Decision d = last;
    if (d != null && d.url() == url) {
      return d.allowed();
    }
    boolean allowed = hosts.allows(url);
    last = new Decision(url, allowed);
    return allowed;
  }

  private boolean isAllowed(URI uri) {
    return hosts.allows(uri);
  }

  @Override
  public String toString() {
    return "BearerTokenInterceptor{hosts=" + hosts.given() + '}';
  }
}
