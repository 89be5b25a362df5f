package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import feign.Client;
import feign.Feign;
import feign.Request;
import feign.RequestLine;
import feign.Response;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The redirect rule of {@link PoaApiAuthorization}, for Feign and java.net.http: a request that
 * carries the token is answered with a redirect to another origin (another host, or the same
 * host on a port that is not allowed); the answer goes back to the caller and the other origin
 * never sees the token. Tokens come from the sandbox; the redirecting API is a loopback server.
 */
class RedirectRuleTest {
  interface Api {
    @RequestLine("GET /api/orders")
    Response orders();
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

  private static Api feign(Client client, PoaApiAuthorization poa, RedirectingServers servers) {
    return Feign.builder()
        .addCapability(poa.feignCapability())
        .client(client)
        // Options that follow redirects, as Feign's defaults do.
        .options(new Request.Options(10, TimeUnit.SECONDS, 10, TimeUnit.SECONDS, true))
        .target(Api.class, "http://" + servers.apiHost());
  }

  @ParameterizedTest
  @CsvSource({"302, localhost", "301, 127.0.0.1", "303, localhost", "307, 127.0.0.1"})
  void feign_tokenBearingRequest_answeredWithARedirect_getsTheRedirect(int status, String host) {
    try (RedirectingServers servers = new RedirectingServers(status, host)) {
      PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, servers.apiHost());

      try (Response response = feign(new Client.Default(null, null), poa, servers).orders()) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.headers().get("Location")).containsExactly(servers.target().toString());
      }
      assertThat(servers.arrivedAtTarget()).isEmpty();
      assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    }
  }

  /** The control: the same client follows the redirect when the request carries no token. */
  @Test
  void feign_requestWithoutToken_followsTheRedirect() {
    try (RedirectingServers servers = new RedirectingServers(302, "localhost")) {
      PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, "api.poa.example.com");

      try (Response response = feign(new Client.Default(null, null), poa, servers).orders()) {
        assertThat(response.status()).isEqualTo(200);
      }
      assertThat(servers.arrivedAtTarget()).containsExactly(Optional.empty());
      assertThat(POA.sandbox().tokenRequestCount()).isZero();
    }
  }

  @ParameterizedTest
  @CsvSource({"302, localhost", "308, 127.0.0.1"})
  void httpClient_tokenBearingRequest_answeredWithARedirect_getsTheRedirect(int status,
      String host) throws Exception {
    try (RedirectingServers servers = new RedirectingServers(status, host)) {
      PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, servers.apiHost());

      HttpResponse<String> response = poa.send(HttpClient.newHttpClient(),
          HttpRequest.newBuilder(servers.api()).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(status);
      assertThat(response.request().headers().firstValue("Authorization")).isPresent();
      assertThat(servers.arrivedAtTarget()).isEmpty();
    }
  }

  /**
   * java.net.http cannot turn redirects off per request, so a client that follows them is
   * refused before a token is fetched; the control shows what it would do with the token.
   */
  @Test
  void httpClient_thatFollowsRedirects_isRefused_andWouldHaveCarriedTheToken() throws Exception {
    HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    try (RedirectingServers servers = new RedirectingServers(302, "localhost")) {
      PoaApiAuthorization poa = PoaApiAuthorization.forHosts(tokens, servers.apiHost());
      HttpRequest request = HttpRequest.newBuilder(servers.api()).build();

      assertThatIllegalArgumentException()
          .isThrownBy(() -> poa.send(following, request, HttpResponse.BodyHandlers.ofString()))
          .withMessageContaining("Redirect.NEVER");
      assertThat(POA.sandbox().tokenRequestCount()).isZero();
      assertThat(servers.arrivedAtTarget()).isEmpty();

      // The control: such a client follows the redirect with the request. Whether it forwards
      // the Authorization header to another origin depends on the JDK (17 does, newer ones
      // drop it); the rule cannot rely on either.
      following.send(PoaApiAuthorization.withToken(request, tokens.token()),
          HttpResponse.BodyHandlers.discarding());
      assertThat(servers.arrivedAtTarget()).as("the JDK client follows the redirect").hasSize(1);
    }
  }
}
