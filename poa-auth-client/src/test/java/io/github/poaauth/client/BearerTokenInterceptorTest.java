package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import feign.Feign;
import feign.RequestLine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BearerTokenInterceptorTest {
  interface PartnerApi {
    @RequestLine("GET /v2/folios")
    String folios();
  }

  private ScriptedTokenServer tokenServer;
  private HttpServer resourceServer;
  private final List<String> authorizationSeen = new CopyOnWriteArrayList<>();
  private PoaTokenProvider tokens;

  @BeforeEach
  void start() throws Exception {
    tokenServer = new ScriptedTokenServer();
    resourceServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    resourceServer.createContext("/", exchange -> {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      authorizationSeen.add(auth == null ? "<none>" : auth);
      exchange.sendResponseHeaders(200, 2);
      exchange.getResponseBody().write("ok".getBytes());
      exchange.close();
    });
    resourceServer.start();
    tokens = PoaTokenProvider.builder().baseUrl(tokenServer.baseUrl())
        .clientId("partner-1").clientSecret("secret").build();
  }

  @AfterEach
  void stop() {
    tokens.close();
    resourceServer.stop(0);
    tokenServer.close();
  }

  @Test
  void feignClient_toAllowedHost_getsBearerHeader() {
    PartnerApi api = Feign.builder()
        .requestInterceptor(BearerTokenInterceptor.forHosts(tokens, "127.0.0.1"))
        .target(PartnerApi.class, "http://127.0.0.1:" + resourceServer.getAddress().getPort());

    assertThat(api.folios()).isEqualTo("ok");
    assertThat(authorizationSeen).containsExactly("Bearer token-1");
  }

  @Test
  void feignClient_toOtherHost_getsNoHeader_andNoTokenIsFetched() {
    PartnerApi api = Feign.builder()
        .requestInterceptor(BearerTokenInterceptor.forHosts(tokens, "api.poa.example.com"))
        .target(PartnerApi.class, "http://localhost:" + resourceServer.getAddress().getPort());

    assertThat(api.folios()).isEqualTo("ok");
    assertThat(authorizationSeen).containsExactly("<none>");
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void httpRequest_toAllowedHost_isAuthorized_replacingExistingHeader() {
    BearerTokenInterceptor bearer = BearerTokenInterceptor.forHosts(tokens, "API.poa.example.com");
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://api.poa.example.com/v2/folios"))
        .header("Authorization", "Basic old").header("X-Trace", "1").build();

    HttpRequest authorized = bearer.authorize(request);

    assertThat(authorized.headers().allValues("Authorization")).containsExactly("Bearer token-1");
    assertThat(authorized.headers().firstValue("X-Trace")).contains("1");
    assertThat(authorized.uri()).isEqualTo(request.uri());
  }

  /** Regression (issue 15 D): the token went over plain http to an allowed, non-loopback host. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "http://api.poa.example.com/v2/folios",          // clear text to a remote host
      "https://api.poa.example.com@evil.example/x",    // user info: the host is evil.example
      "https://api.poa.example.com.evil.example/x",    // look-alike host
      "https://api.poa.example.com:8444/x"})           // not the pinned port
  void httpRequest_notToAnAllowedHttpsTarget_getsNoToken(String url) {
    BearerTokenInterceptor bearer = BearerTokenInterceptor.forHosts(tokens, "api.poa.example.com:8443",
        "127.0.0.1");
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();

    assertThat(bearer.authorize(request)).isSameAs(request);
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void pinnedPort_andLoopbackHttp_areAuthorized() {
    BearerTokenInterceptor bearer = BearerTokenInterceptor.forHosts(tokens, "api.poa.example.com:8443",
        "127.0.0.1");

    assertThat(bearer.authorize(HttpRequest.newBuilder(URI.create("https://api.poa.example.com:8443/x"))
        .build()).headers().firstValue("Authorization")).contains("Bearer token-1");
    assertThat(bearer.authorize(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/x"))
        .build()).headers().firstValue("Authorization")).contains("Bearer token-1");
  }

  @Test
  void httpRequest_toOtherHost_isReturnedUnchanged() {
    BearerTokenInterceptor bearer = BearerTokenInterceptor.forHosts(tokens, "api.poa.example.com");
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://evil.example/collect")).build();

    assertThat(bearer.authorize(request)).isSameAs(request);
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void forHosts_withoutHosts_orWithUrl_isRefused() {
    assertThatThrownBy(() -> BearerTokenInterceptor.forHosts(tokens))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one allowed host");
    assertThatThrownBy(() -> BearerTokenInterceptor.forHosts(tokens, "https://api.poa.example.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bare host name");
  }
}
