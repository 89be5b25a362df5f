package io.github.poaauth.client;

import feign.RequestInterceptor;
import feign.RequestTemplate;
import feign.Target;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>Thread-safe and immutable (the host rule's one-entry cache of the last origin aside). Throws
 * what {@link PoaTokenProvider#token()} throws.
 */
public final class BearerTokenInterceptor implements RequestInterceptor {
  private static final String AUTHORIZATION = "Authorization";

  private final PoaTokenProvider tokens;
  private final AllowedHosts hosts;

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
    // Feign runs interceptors before the target adds its URL: a template carries a URL of its own
    // only when a URI parameter (or an earlier interceptor) set one; otherwise the target's
    // URL decides the host.
    String url = TemplateTarget.absoluteUrl(template);
    if (url == null) {
      Target<?> target = template.feignTarget();
      url = target == null ? null : target.url();
    }
    if (url != null && hosts.allows(url)) {
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
    if (!hosts.allows(request.uri())) {
      return request;
    }
    return PoaApiAuthorization.withToken(request, tokens.token());
  }

  /**
   * The absolute URL part a template carries itself, read without building the template's URL
   * ({@link RequestTemplate#url()} builds a string per call, twice the allocation of the header
   * work). Feign keeps it in a private field; this reads that field when it behaves, on the Feign
   * version present, as this class assumes (checked once, with a probe template), and otherwise
   * falls back to {@code url()}.
   */
  static final class TemplateTarget {
    private static final VarHandle FIELD = findField();

    private TemplateTarget() {
    }

    /** @return the template's own absolute URL (scheme, authority, path), or null if it has none */
    static String absoluteUrl(RequestTemplate template) {
      if (FIELD != null) {
        return (String) FIELD.get(template);
      }
      String url = template.url();
      return url.startsWith("http") ? url : null;
    }

    static boolean readsTheField() {
      return FIELD != null;
    }

    private static VarHandle findField() {
      try {
        VarHandle field = MethodHandles.privateLookupIn(RequestTemplate.class, MethodHandles.lookup())
            .findVarHandle(RequestTemplate.class, "target", String.class);
        RequestTemplate relative = new RequestTemplate().uri("/probe?q=1");
        RequestTemplate absolute = new RequestTemplate().uri("/probe");
        absolute.target("https://probe.invalid:8443/base");
        Object none = field.get(relative);
        Object some = field.get(absolute);
        boolean behaves = none == null
            && some instanceof String s
            && s.startsWith("https://probe.invalid:8443")
            && absolute.url().startsWith(s)
            && !relative.url().startsWith("http");
        return behaves ? field : null;
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null;
      }
    }
  }

  @Override
  public String toString() {
    return "BearerTokenInterceptor{hosts=" + hosts.given() + '}';
  }
}
