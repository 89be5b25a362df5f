package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import feign.Feign;
import feign.FeignException;
import feign.RequestLine;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import io.github.poaauth.sandbox.RecordedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sandbox is both the token endpoint and the API (its stand-in, which checks the token). */
class BearerTokenInterceptorTest {
  interface PartnerApi {
    @RequestLine("GET " + PoaSandbox.API_PATH + "/folios")
    String folios();

    /** Feign sends this to {@code base}, not to the target's URL. */
    @RequestLine("GET " + PoaSandbox.API_PATH + "/folios")
    String folios(URI base);
  }

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  private PoaTokenProvider tokens;

  @BeforeEach
  void start() {
    tokens = PoaTokenProvider.builder().baseUrl(POA.sandbox().baseUrl())
        .clientId(POA.sandbox().defaultClientId())
        .clientSecret(POA.sandbox().defaultClientSecret()).build();
  }

  @AfterEach
  void stop() {
    tokens.close();
  }

  @Test
  void feignClient_toAllowedHost_getsBearerHeader() {
    PartnerApi api = Feign.builder()
        .requestInterceptor(BearerTokenInterceptor.forHosts(tokens, "127.0.0.1"))
        .target(PartnerApi.class, POA.sandbox().baseUrl());

    assertThat(api.folios()).isEqualTo("{\"accepted\":true}");
    RecordedRequest apiCall = lastApiCall();
    assertThat(apiCall.header("Authorization")).hasValue("Bearer " + RecordedRequest.MASK);
    assertThat(apiCall.responseStatus()).as("the stand-in accepted the sandbox's token").hasValue(200);
  }

  @Test
  void feignClient_toOtherHost_getsNoHeader_andNoTokenIsFetched() {
    PartnerApi api = Feign.builder()
        .requestInterceptor(BearerTokenInterceptor.forHosts(tokens, "api.poa.example.com"))
        .target(PartnerApi.class, POA.sandbox().baseUrl());

    assertThatThrownBy(api::folios).isInstanceOfSatisfying(FeignException.class,
        e -> assertThat(e.status()).isEqualTo(401));
    assertThat(lastApiCall().header("Authorization")).isEmpty();
    assertThat(POA.sandbox().tokenRequestCount()).isZero();
  }

  /**
   * A URI parameter overrides the target's URL: the host rule applies to where the request goes.
   * The sandbox answers on 127.0.0.1 under both names; only the allowed name gets the token.
   */
  @Test
  void feignMethodWithUriParameter_isJudgedByThatUri_notByTheTarget() {
    URI allowed = URI.create(POA.sandbox().baseUrl());
    URI other = URI.create("http://localhost:" + allowed.getPort());
    PartnerApi targetAllowed = Feign.builder()
        .requestInterceptor(BearerTokenInterceptor.forHosts(tokens, "127.0.0.1"))
        .target(PartnerApi.class, allowed.toString());
    PartnerApi targetOther = Feign.builder()
        .requestInterceptor(BearerTokenInterceptor.forHosts(tokens, "127.0.0.1"))
        .target(PartnerApi.class, other.toString());

    assertThatThrownBy(() -> targetAllowed.folios(other)).isInstanceOf(FeignException.class);
    assertThat(lastApiCall().header("Authorization")).as("sent to localhost").isEmpty();
    assertThat(targetOther.folios(allowed)).isEqualTo("{\"accepted\":true}");
    assertThat(lastApiCall().header("Authorization")).as("sent to 127.0.0.1")
        .hasValue("Bearer " + RecordedRequest.MASK);
  }

  /**
   * The interceptor reads a template's own URL from Feign's private field (no string built per
   * request) once a probe showed the field means what it assumes; this checks that it does on
   * the Feign version under test (the matrix runs 13.6 and 13.6.1), and that what it reads
   * agrees with {@code url()}.
   */
  @Test
  void templateTarget_readsFeignsField_andAgreesWithUrl() {
    feign.RequestTemplate relative = new feign.RequestTemplate().uri("/v2/folios?page=2");
    feign.RequestTemplate absolute = new feign.RequestTemplate().uri("/v2/folios");
    absolute.target("https://api.poa.example.com:8443/base?x=1");

    assertThat(BearerTokenInterceptor.TemplateTarget.readsTheField()).isTrue();
    assertThat(BearerTokenInterceptor.TemplateTarget.absoluteUrl(relative)).isNull();
    assertThat(BearerTokenInterceptor.TemplateTarget.absoluteUrl(absolute))
        .isEqualTo("https://api.poa.example.com:8443/base")
        .satisfies(url -> assertThat(absolute.url()).startsWith(url));
  }

  private static RecordedRequest lastApiCall() {
    return POA.sandbox().recordedRequests().stream()
        .filter(request -> request.path().startsWith(PoaSandbox.API_PATH))
        .reduce((first, second) -> second).orElseThrow();
  }

  @Test
  void httpRequest_toAllowedHost_isAuthorized_replacingExistingHeader() {
    BearerTokenInterceptor bearer = BearerTokenInterceptor.forHosts(tokens, "API.poa.example.com");
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://api.poa.example.com/v2/folios"))
        .header("Authorization", "Basic old").header("authorization", "Basic other")
        .header("X-Trace", "1").build();

    HttpRequest authorized = bearer.authorize(request);

    assertThat(authorized.headers().allValues("Authorization"))
        .containsExactly("Bearer " + tokens.token().value());
    assertThat(authorized.headers().map().keySet())
        .filteredOn(name -> name.equalsIgnoreCase("Authorization")).hasSize(1);
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
    assertThat(POA.sandbox().tokenRequestCount()).isZero();
  }

  @Test
  void pinnedPort_andLoopbackHttp_areAuthorized() {
    BearerTokenInterceptor bearer = BearerTokenInterceptor.forHosts(tokens, "api.poa.example.com:8443",
        "127.0.0.1");

    String expected = tokens.token().authorizationHeader();
    assertThat(bearer.authorize(HttpRequest.newBuilder(URI.create("https://api.poa.example.com:8443/x"))
        .build()).headers().firstValue("Authorization")).contains(expected);
    assertThat(bearer.authorize(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/x"))
        .build()).headers().firstValue("Authorization")).contains(expected);
  }

  @Test
  void httpRequest_toOtherHost_isReturnedUnchanged() {
    BearerTokenInterceptor bearer = BearerTokenInterceptor.forHosts(tokens, "api.poa.example.com");
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://evil.example/collect")).build();

    assertThat(bearer.authorize(request)).isSameAs(request);
    assertThat(POA.sandbox().tokenRequestCount()).isZero();
  }

  @Test
  void forHosts_withoutHosts_orWithUrl_isRefused() {
    assertThatThrownBy(() -> BearerTokenInterceptor.forHosts(tokens))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one allowed host");
    assertThatThrownBy(() -> BearerTokenInterceptor.forHosts(tokens, "https://api.poa.example.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bare host name");
  }

  /** Regression: a host given with two ports was widened to any port. */
  @Test
  void hostGivenWithTwoPorts_allowsExactlyThose() {
    BearerTokenInterceptor bearer = BearerTokenInterceptor.forHosts(tokens,
        "api.poa.example.com:8443", "api.poa.example.com:9443");

    for (String port : new String[] {"8443", "9443"}) {
      assertThat(bearer.authorize(HttpRequest.newBuilder(
          URI.create("https://api.poa.example.com:" + port + "/x")).build()).headers()
          .firstValue("Authorization")).isPresent();
    }
    HttpRequest other = HttpRequest.newBuilder(URI.create("https://api.poa.example.com/x")).build();
    assertThat(bearer.authorize(other)).isSameAs(other);
  }
}
