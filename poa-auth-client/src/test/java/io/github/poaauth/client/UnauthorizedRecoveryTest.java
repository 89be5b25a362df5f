package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import feign.Client;
import feign.Feign;
import feign.RequestLine;
import feign.Response;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import io.github.poaauth.sandbox.Reply;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 401 recovery ({@link PoaApiAuthorization#send} for java.net.http and
 * {@link PoaApiAuthorization#feignCapability()} for Feign) against the sandbox's POA API stand-in: one
 * re-send with a fresh token, a second 401 to the caller, concurrent 401s with one token cost one
 * token request.
 */
class UnauthorizedRecoveryTest {

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  private final HttpClient http = HttpClient.newHttpClient();
  private PoaTokenProvider tokens;
  private PoaApiAuthorization poa;

  interface PoaApi {
    @RequestLine("GET /sandbox/api/orders")
    Response orders();
  }

  @BeforeEach
  void start() {
    PoaSandbox sandbox = POA.sandbox();
    tokens = PoaTokenProvider.builder().baseUrl(sandbox.baseUrl())
        .clientId(sandbox.defaultClientId()).clientSecret(sandbox.defaultClientSecret()).build();
    poa = PoaApiAuthorization.forHosts(tokens, URI.create(sandbox.baseUrl()).getHost());
  }

  @AfterEach
  void stop() {
    tokens.close();
  }

  @Test
  void httpClient_401_invalidatesThatToken_andResendsOnceWithAFreshOne() throws Exception {
    String first = tokens.token().value();
    POA.sandbox().faults().rejectTokens(1);

    HttpResponse<String> response = poa.send(http, apiRequest(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.request().headers().firstValue("Authorization")).get()
        .isNotEqualTo("Bearer " + first);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(2);
    assertThat(apiCalls()).isEqualTo(2);
  }

  @Test
  void httpClient_second401_goesBackToTheCallerUnchanged() throws Exception {
    POA.sandbox().faults().rejectTokens(2);

    HttpResponse<String> response = poa.send(http, apiRequest(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("invalid_token");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(2);
    assertThat(apiCalls()).isEqualTo(2);
  }

  @Test
  void httpClient_otherHost_getsNoToken_andNothingIsFetched() throws Exception {
    URI otherHost = URI.create(POA.sandbox().apiEndpoint().toString().replace("127.0.0.1", "localhost"));
    org.junit.jupiter.api.Assumptions.assumeTrue(!otherHost.equals(POA.sandbox().apiEndpoint()));

    HttpResponse<String> response = poa.send(http, HttpRequest.newBuilder(otherHost).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("invalid_request");
    assertThat(POA.sandbox().tokenRequestCount()).isZero();
  }

  /** The flow every blocking adapter goes through, with answers that are plain strings. */
  @Test
  void exchange_401_discardsTheFirstAnswer_andSendsOnceMoreWithAFreshToken() {
    List<String> sent = new ArrayList<>();
    List<String> discarded = new ArrayList<>();

    String answer = poa.exchange(token -> {
      sent.add(token.authorizationHeader());
      return sent.size() == 1 ? "first" : "second";
    }, a -> a.equals("first") ? 401 : 200, discarded::add);

    assertThat(answer).isEqualTo("second");
    assertThat(discarded).containsExactly("first");
    assertThat(sent).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void exchange_answerThatStands_isNeitherDiscardedNorSentAgain() {
    List<String> discarded = new ArrayList<>();

    String ok = poa.exchange(token -> "ok", a -> 200, discarded::add);
    String forbidden = poa.exchange(token -> "forbidden", a -> 403, discarded::add);

    assertThat(List.of(ok, forbidden)).containsExactly("ok", "forbidden");
    assertThat(discarded).isEmpty();
  }

  @Test
  void exchange_whenReadingTheStatusFails_discardsTheAnswer_andThrowsThat() {
    List<String> discarded = new ArrayList<>();
    IOException unreadable = new IOException("unreadable");

    assertThatThrownBy(() -> poa.exchange(token -> "answer", a -> {
      throw unreadable;
    }, discarded::add)).isSameAs(unreadable);
    assertThat(discarded).containsExactly("answer");
  }

  @Test
  void exchange_whenNoFreshTokenCanBeHad_discardsThe401_andThrowsWhatTheProviderThrows() {
    tokens.token();
    POA.sandbox().faults().enqueue(Reply.json(401, "{\"error\":\"invalid_client\"}"));
    List<String> discarded = new ArrayList<>();

    assertThatThrownBy(() -> poa.exchange(token -> "401", a -> 401, discarded::add))
        .isInstanceOf(PoaAuthException.class);
    assertThat(discarded).containsExactly("401");
  }

  @Test
  void mayCarryToken_onlyAllowedHosts_overHttpsOrHttpToLoopback() {
    PoaApiAuthorization api = PoaApiAuthorization.forHosts(tokens, "api.poa.example.com", "localhost");

    assertThat(api.mayCarryToken(URI.create("https://api.poa.example.com/x"))).isTrue();
    assertThat(api.mayCarryToken(URI.create("https://API.poa.example.com/x"))).isTrue();
    assertThat(api.mayCarryToken(URI.create("http://api.poa.example.com/x"))).isFalse();
    assertThat(api.mayCarryToken(URI.create("https://api.poa.example.com.evil.example/x"))).isFalse();
    assertThat(api.mayCarryToken(URI.create("http://localhost:8080/x"))).isTrue();
    assertThat(api.mayCarryToken("not a url")).isFalse();
    assertThat(api.mayCarryToken(URI.create("https://user@api.poa.example.com/x"))).isFalse();
    PoaApiAuthorization pinned = PoaApiAuthorization.forHosts(tokens, "api.poa.example.com:8443");
    assertThat(pinned.mayCarryToken(URI.create("https://api.poa.example.com:8443/x"))).isTrue();
    assertThat(pinned.mayCarryToken(URI.create("https://api.poa.example.com/x"))).isFalse();
  }

  @Test
  void forHosts_rejectsNoHost_aBlankOne_andAUrl() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> PoaApiAuthorization.forHosts(tokens)).withMessageContaining("at least one");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> PoaApiAuthorization.forHosts(tokens, " ")).withMessageContaining("bare host");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> PoaApiAuthorization.forHosts(tokens, "https://api.poa.example.com"))
        .withMessageContaining("bare host");
  }

  @Test
  void httpClient_twoConcurrent401sWithTheSameToken_causeOneTokenRequest() throws Exception {
    tokens.token();
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    POA.sandbox().faults().rejectTokens(2);
    // Both first answers (401) are held until both have arrived: then both recover at once.
    CyclicBarrier both401 = new CyclicBarrier(2);
    HttpResponse.BodyHandler<String> handler = info -> {
      if (info.statusCode() == 401) {
        awaitQuietly(both401);
      }
      return HttpResponse.BodySubscribers.ofString(java.nio.charset.StandardCharsets.UTF_8);
    };

    List<Integer> statuses = concurrently(() -> poa.send(http, apiRequest(), handler).statusCode());

    assertThat(statuses).containsExactly(200, 200);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(2);
    assertThat(apiCalls()).isEqualTo(4);
  }

  @Test
  void feign_401_invalidatesThatToken_andResendsOnce() {
    POA.sandbox().faults().rejectTokens(1);
    PoaApi api = feign(new Client.Default(null, null));

    try (Response response = api.orders()) {
      assertThat(response.status()).isEqualTo(200);
    }
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(2);
    assertThat(apiCalls()).isEqualTo(2);
  }

  @Test
  void feign_second401_goesBackToTheCallerUnchanged() {
    POA.sandbox().faults().rejectTokens(2);
    PoaApi api = feign(new Client.Default(null, null));

    try (Response response = api.orders()) {
      assertThat(response.status()).isEqualTo(401);
    }
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(2);
  }

  @Test
  void feign_twoConcurrent401sWithTheSameToken_causeOneTokenRequest() throws Exception {
    tokens.token();
    POA.sandbox().faults().rejectTokens(2);
    CyclicBarrier both401 = new CyclicBarrier(2);
    Client plain = new Client.Default(null, null);
    Client holding401s = (request, options) -> {
      Response r = plain.execute(request, options);
      if (r.status() == 401) {
        awaitQuietly(both401);
      }
      return r;
    };
    PoaApi api = feign(holding401s);

    List<Integer> statuses = concurrently(() -> {
      try (Response r = api.orders()) {
        return r.status();
      }
    });

    assertThat(statuses).containsExactly(200, 200);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(2);
  }

  private PoaApi feign(Client client) {
    return Feign.builder()
        .addCapability(poa.feignCapability())
        .client(client)
        .target(PoaApi.class, POA.sandbox().baseUrl());
  }

  private HttpRequest apiRequest() {
    return HttpRequest.newBuilder(URI.create(POA.sandbox().apiEndpoint() + "/orders")).build();
  }

  private static long apiCalls() {
    return POA.sandbox().recordedRequests().stream()
        .filter(r -> r.path().startsWith(PoaSandbox.API_PATH)).count();
  }

  static void awaitQuietly(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the other request never got its 401", e);
    }
  }

  static List<Integer> concurrently(java.util.concurrent.Callable<Integer> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> a = pool.submit(call);
      Future<Integer> b = pool.submit(call);
      return List.of(a.get(20, TimeUnit.SECONDS), b.get(20, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }

  /** A redirect must never carry the token, whatever options the partner's client has. */
  @Test
  void feign_requestWithTheToken_isSentWithoutFollowingRedirects() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean followed = new java.util.concurrent.atomic.AtomicBoolean(true);
    Client recording = (request, options) -> {
      followed.set(options.isFollowRedirects());
      return Response.builder().status(200).reason("OK").request(request)
          .headers(java.util.Map.of()).body(new byte[0]).build();
    };
    PoaApi api = Feign.builder()
        .addCapability(poa.feignCapability())
        .client(recording)
        .options(new feign.Request.Options(1, TimeUnit.SECONDS, 1, TimeUnit.SECONDS, true))
        .target(PoaApi.class, POA.sandbox().baseUrl());

    api.orders().close();

    assertThat(followed).as("redirects followed with the token on").isFalse();
  }

  @Test
  void send_refusesAClientThatFollowsRedirects() {
    HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> poa.send(following, apiRequest(),
            HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Redirect.NEVER");
    assertThat(POA.sandbox().tokenRequestCount()).isZero();
  }
}
