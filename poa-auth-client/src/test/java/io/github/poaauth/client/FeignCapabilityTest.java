package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import feign.Feign;
import feign.FeignException;
import feign.Headers;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host rule of {@link PoaApiAuthorization}, through its Feign capability against the sandbox
 * (both the token endpoint and the API stand-in, which checks the token) and through
 * {@link PoaApiAuthorization#mayCarryToken}.
 */
class FeignCapabilityTest {
  interface PartnerApi {
    @RequestLine("GET " + PoaSandbox.API_PATH + "/folios")
    String folios();

    /** Feign sends this to {@code base}, not to the target's URL. */
    @RequestLine("GET " + PoaSandbox.API_PATH + "/folios")
    String folios(URI base);

    @RequestLine("GET " + PoaSandbox.API_PATH + "/folios")
    @Headers({"Authorization: Basic old", "X-Trace: 1"})
    String foliosWithOwnAuthorization();
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

  private PartnerApi feign(String target, String... hosts) {
    return Feign.builder()
        .addCapability(PoaApiAuthorization.forHosts(tokens, hosts).feignCapability())
        .target(PartnerApi.class, target);
  }

  @Test
  void feignClient_toAllowedHost_getsBearerHeader() {
    PartnerApi api = feign(POA.sandbox().baseUrl(), "127.0.0.1");

    assertThat(api.folios()).isEqualTo("{\"accepted\":true}");
    RecordedRequest apiCall = lastApiCall();
    assertThat(apiCall.header("Authorization")).hasValue("Bearer " + RecordedRequest.MASK);
    assertThat(apiCall.responseStatus()).as("the stand-in accepted the sandbox's token").hasValue(200);
  }

  @Test
  void feignClient_ownAuthorizationHeader_isReplaced_otherHeadersKept() {
    PartnerApi api = feign(POA.sandbox().baseUrl(), "127.0.0.1");

    assertThat(api.foliosWithOwnAuthorization()).isEqualTo("{\"accepted\":true}");
    assertThat(lastApiCall().header("Authorization")).hasValue("Bearer " + RecordedRequest.MASK);
    assertThat(lastApiCall().header("X-Trace")).hasValue("1");
  }

  @Test
  void feignClient_toOtherHost_getsNoHeader_andNoTokenIsFetched() {
    PartnerApi api = feign(POA.sandbox().baseUrl(), "api.poa.example.com");

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
    PartnerApi targetAllowed = feign(allowed.toString(), "127.0.0.1");
    PartnerApi targetOther = feign(other.toString(), "127.0.0.1");

    assertThatThrownBy(() -> targetAllowed.folios(other)).isInstanceOf(FeignException.class);
    assertThat(lastApiCall().header("Authorization")).as("sent to localhost").isEmpty();
    assertThat(targetOther.folios(allowed)).isEqualTo("{\"accepted\":true}");
    assertThat(lastApiCall().header("Authorization")).as("sent to 127.0.0.1")
        .hasValue("Bearer " + RecordedRequest.MASK);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void feignCapability_wrapsTheClientOnce() {
    var capability = PoaApiAuthorization.forHosts(tokens, "127.0.0.1").feignCapability();
    feign.Client once = capability.enrich(new feign.Client.Default(null, null));

    assertThat(capability.enrich(once)).isSameAs(once);
  }

  private static RecordedRequest lastApiCall() {
    return POA.sandbox().recordedRequests().stream()
        .filter(request -> request.path().startsWith(PoaSandbox.API_PATH))
        .reduce((first, second) -> second).orElseThrow();
  }

  @Test
  void withToken_replacesEveryAuthorizationHeader_keepsTheRest() {
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://api.poa.example.com/v2/folios"))
        .header("Authorization", "Basic old").header("authorization", "Basic other")
        .header("X-Trace", "1").build();
    AccessToken token = tokens.token();

    HttpRequest authorized = PoaApiAuthorization.withToken(request, token);

    assertThat(authorized.headers().allValues("Authorization"))
        .containsExactly("Bearer " + token.value());
    assertThat(authorized.headers().map().keySet())
        .filteredOn(name -> name.equalsIgnoreCase("Authorization")).hasSize(1);
    assertThat(authorized.headers().firstValue("X-Trace")).contains("1");
    assertThat(authorized.uri()).isEqualTo(request.uri());
  }

  /** Clear text to a remote host, user info, a look-alike host, a port not pinned. */
  @ParameterizedTest
  @ValueSource(strings = {
      "http://api.poa.example.com/v2/folios",
      "https://api.poa.example.com@evil.example/x",
      "https://api.poa.example.com.evil.example/x",
      "https://api.poa.example.com:8444/x",
      "https://evil.example/collect"})
  void notAnAllowedHttpsTarget_mayNotCarryTheToken(String url) {
    PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, "api.poa.example.com:8443",
        "127.0.0.1");

    assertThat(poa.mayCarryToken(URI.create(url))).isFalse();
    assertThat(poa.mayCarryToken(url)).isFalse();
  }

  @Test
  void pinnedPort_andLoopbackHttp_mayCarryTheToken() {
    PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, "api.poa.example.com:8443",
        "127.0.0.1");

    assertThat(poa.mayCarryToken(URI.create("https://api.poa.example.com:8443/x"))).isTrue();
    assertThat(poa.mayCarryToken(URI.create("http://127.0.0.1:9/x"))).isTrue();
  }

  /** A host given with two ports allows exactly those, not any port. */
  @Test
  void hostGivenWithTwoPorts_allowsExactlyThose() {
    PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens,
        "api.poa.example.com:8443", "api.poa.example.com:9443");

    assertThat(poa.mayCarryToken("https://api.poa.example.com:8443/x")).isTrue();
    assertThat(poa.mayCarryToken("https://api.poa.example.com:9443/x")).isTrue();
    assertThat(poa.mayCarryToken("https://api.poa.example.com/x")).isFalse();
  }
}
