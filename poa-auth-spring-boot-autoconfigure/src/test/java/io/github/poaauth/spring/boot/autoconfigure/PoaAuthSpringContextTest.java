package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import feign.FeignException;
import io.github.poaauth.client.PoaTokenEvent;
import io.github.poaauth.client.PoaTokenListener;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A real Spring Boot application context with the starter's auto-configuration, OpenFeign,
 * RestClient, WebClient and Actuator, against the sandbox: bearer tokens reach only the POA API,
 * a 401 is recovered once, concurrent 401s cost one token request, a redirect never carries the
 * token, the secret never shows.
 */
@SpringBootTest(classes = PoaAuthSpringContextTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
        "management.endpoints.web.exposure.include=*",
        "management.endpoint.env.show-values=always",
        "management.endpoint.configprops.show-values=always",
        "management.endpoint.health.show-details=always",
        "POA_AUTH_CLIENT_SECRET=env-form-secret-7f3a"})
class PoaAuthSpringContextTest {

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  /** An allowed API (127.0.0.1, any port) that redirects to another host (localhost). */
  static final RedirectingServers REDIRECTS = new RedirectingServers(302, "localhost");

  @AfterAll
  static void stopRedirects() {
    REDIRECTS.close();
  }

  @DynamicPropertySource
  static void poa(DynamicPropertyRegistry registry) {
    registry.add("poa.auth.base-url", () -> POA.sandbox().baseUrl());
    registry.add("poa.auth.client-id", () -> POA.sandbox().defaultClientId());
    registry.add("poa.auth.client-secret", () -> POA.sandbox().defaultClientSecret());
    registry.add("test.api-url", () -> POA.sandbox().apiEndpoint().toString());
    registry.add("test.redirecting-api-url", () -> "http://" + REDIRECTS.apiHost());
  }

  /** When set, token refreshes wait at their start until the latch is released. */
  static final AtomicReference<CountDownLatch> REFRESH_GATE = new AtomicReference<>();
  static final CountDownLatch REFRESH_STARTED = new CountDownLatch(1);
  /** Whether a held refresh started on the thread that subscribed, or waited out its bound. */
  static final AtomicBoolean REFRESH_ON_CALLER_OR_TIMED_OUT = new AtomicBoolean();
  static final AtomicReference<Thread> CALLER = new AtomicReference<>();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableFeignClients(clients = {PoaOrders.class, RedirectingOrders.class})
  static class App {
    @Bean
    PoaTokenListener refreshGate(PoaAuthProperties properties) {
      return event -> {
        CountDownLatch gate = REFRESH_GATE.get();
        if (gate == null || !(event instanceof PoaTokenEvent.RefreshStarted)) {
          return;
        }
        REFRESH_STARTED.countDown();
        if (Thread.currentThread() == CALLER.get()) {
          REFRESH_ON_CALLER_OR_TIMED_OUT.set(true);
          return;
        }
        try {
          // Bounded by the provider's own call timeout: only a failing run waits that long.
          if (!gate.await(properties.getCallTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            REFRESH_ON_CALLER_OR_TIMED_OUT.set(true);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
    }
  }

  @FeignClient(name = "poa-redirecting", url = "${test.redirecting-api-url}")
  interface RedirectingOrders {
    @GetMapping("/api/orders")
    ResponseEntity<String> orders();
  }

  @FeignClient(name = "poa-orders", url = "${test.api-url}")
  interface PoaOrders {
    @GetMapping("/orders")
    ResponseEntity<String> orders();
  }

  @Autowired PoaTokenProvider tokens;
  @Autowired PoaOrders orders;
  @Autowired RedirectingOrders redirectingOrders;
  @Autowired PoaAuthProperties properties;
  @Autowired RestClient.Builder restClientBuilder;
  @Autowired WebClient.Builder webClientBuilder;
  @Autowired EnvironmentEndpoint env;
  @Autowired ConfigurationPropertiesReportEndpoint configprops;
  @Autowired HealthEndpoint health;

  @BeforeEach
  void freshToken() {
    // The context (and its provider) is shared by the tests; each starts from a cached token.
    tokens.token();
    POA.sandbox().reset();
    REDIRECTS.clear();
  }

  @Test
  void feignClient_getsTheToken_andRecoversFromOne401() {
    POA.sandbox().faults().rejectTokens(1);

    ResponseEntity<String> response = orders.orders();

    assertThat(response.getBody()).isEqualTo("{\"accepted\":true}");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    assertThat(apiCalls()).isEqualTo(2);
  }

  @Test
  void feignClient_second401_reachesTheCaller() {
    POA.sandbox().faults().rejectTokens(2);

    assertThatThrownBy(() -> orders.orders()).isInstanceOf(FeignException.Unauthorized.class);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    assertThat(apiCalls()).isEqualTo(2);
  }

  @Test
  void restClient_getsTheToken_andRecoversFromOne401() {
    POA.sandbox().faults().rejectTokens(1);

    String body = restClientBuilder.build().get().uri(POA.sandbox().apiEndpoint()).retrieve()
        .body(String.class);

    assertThat(body).isEqualTo("{\"accepted\":true}");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    assertThat(apiCalls()).isEqualTo(2);
  }

  @Test
  void restClient_second401_reachesTheCaller() {
    POA.sandbox().faults().rejectTokens(2);

    HttpStatusCode status = restClientBuilder.build().get().uri(POA.sandbox().apiEndpoint())
        .exchange((request, response) -> response.getStatusCode());

    assertThat(status.value()).isEqualTo(401);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void restClient_otherHost_getsNoToken() {
    String otherHost = POA.sandbox().apiEndpoint().toString().replace("127.0.0.1", "localhost");
    org.junit.jupiter.api.Assumptions.assumeTrue(otherHost.contains("localhost"));

    HttpStatusCode status = restClientBuilder.build().get().uri(otherHost)
        .exchange((request, response) -> response.getStatusCode());

    assertThat(status.value()).isEqualTo(401);
    assertThat(POA.sandbox().tokenRequestCount()).isZero();
  }

  @Test
  void restClient_twoConcurrent401sWithTheSameToken_causeOneTokenRequest() throws Exception {
    POA.sandbox().faults().rejectTokens(2);
    CyclicBarrier both401 = new CyclicBarrier(2);
    // Added after the starter's interceptor, so it runs inside it: holds each first 401 until
    // the other request has its 401 too.
    RestClient client = restClientBuilder.clone().requestInterceptor((request, body, execution) -> {
      var response = execution.execute(request, body);
      if (response.getStatusCode().value() == 401) {
        Concurrently.awaitQuietly(both401);
      }
      return response;
    }).build();

    List<Integer> statuses = Concurrently.twice(() -> client.get()
        .uri(POA.sandbox().apiEndpoint())
        .exchange((request, response) -> response.getStatusCode().value()));

    assertThat(statuses).containsExactly(200, 200);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    assertThat(apiCalls()).isEqualTo(4);
  }

  @Test
  void webClient_getsTheToken_andRecoversFromOne401() {
    POA.sandbox().faults().rejectTokens(1);

    String body = webClientBuilder.build().get().uri(POA.sandbox().apiEndpoint()).retrieve()
        .bodyToMono(String.class).block();

    assertThat(body).isEqualTo("{\"accepted\":true}");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    assertThat(apiCalls()).isEqualTo(2);
  }

  @Test
  void webClient_second401_reachesTheCaller() {
    POA.sandbox().faults().rejectTokens(2);

    Integer status = webClientBuilder.build().get().uri(POA.sandbox().apiEndpoint())
        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block();

    assertThat(status).isEqualTo(401);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void webClient_twoConcurrent401sWithTheSameToken_causeOneTokenRequest() {
    POA.sandbox().faults().rejectTokens(2);
    CountDownLatch both401 = new CountDownLatch(2);
    ExchangeFilterFunction holding401s = (request, next) -> next.exchange(request)
        .flatMap(response -> response.statusCode().value() != 401 ? Mono.just(response)
            : Mono.fromCallable(() -> {
              both401.countDown();
              return both401.await(10, TimeUnit.SECONDS);
            }).subscribeOn(Schedulers.boundedElastic()).thenReturn(response));
    WebClient client = webClientBuilder.clone().filter(holding401s).build();
    Mono<Integer> call = client.get().uri(POA.sandbox().apiEndpoint())
        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()));

    List<Integer> statuses = Mono.zip(call.subscribeOn(Schedulers.parallel()),
        call.subscribeOn(Schedulers.parallel()), List::of).block();

    assertThat(statuses).containsExactly(200, 200);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
  }

  /**
   * The filter waits for a token on {@code tokenAsync()}, not on the subscribing thread: the
   * token request is held at its start until {@code subscribe()} has returned, which it could
   * not if it waited for the token.
   */
  @Test
  void webClient_waitingForAToken_blocksNoThread() throws Exception {
    WebClient client = webClientBuilder.build();
    Mono<Integer> call = client.get().uri(POA.sandbox().apiEndpoint())
        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()));
    tokens.invalidate(tokens.token());
    POA.sandbox().reset();
    CountDownLatch gate = new CountDownLatch(1);
    CompletableFuture<Integer> status = new CompletableFuture<>();
    CALLER.set(Thread.currentThread());
    REFRESH_GATE.set(gate);
    try {
      call.subscribe(status::complete, status::completeExceptionally);
      boolean subscribedBeforeTheToken = !status.isDone();
      gate.countDown();
      Integer answered = status.get(2 * callTimeout().toMillis(), TimeUnit.MILLISECONDS);

      assertThat(REFRESH_STARTED.getCount()).as("the token request started").isZero();
      assertThat(REFRESH_ON_CALLER_OR_TIMED_OUT).as("the token request ran on, or waited for, "
          + "the subscribing thread").isFalse();
      assertThat(subscribedBeforeTheToken).isTrue();
      assertThat(answered).isEqualTo(200);
      assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    } finally {
      REFRESH_GATE.set(null);
      CALLER.set(null);
      gate.countDown();
    }
  }

  private java.time.Duration callTimeout() {
    return properties.getCallTimeout();
  }

  @Test
  void feignClient_redirectOfATokenBearingRequest_isNotFollowed() {
    assertThatThrownBy(() -> redirectingOrders.orders())
        .isInstanceOfSatisfying(FeignException.class, e -> assertThat(e.status()).isEqualTo(302));
    assertThat(REDIRECTS.arrivedAtTarget()).isEmpty();
  }

  @Test
  void restClient_redirectOfATokenBearingRequest_isNotFollowed() {
    RestClient client = restClientBuilder.build();

    int status = client.get().uri(REDIRECTS.api())
        .exchange((request, response) -> response.getStatusCode().value());

    assertThat(status).isEqualTo(302);
    assertThat(REDIRECTS.arrivedAtTarget()).isEmpty();
    // The control: without the token, the same client follows the redirect.
    int followed = client.get().uri(REDIRECTS.api("localhost"))
        .exchange((request, response) -> response.getStatusCode().value());
    assertThat(followed).isEqualTo(200);
    assertThat(REDIRECTS.arrivedAtTarget()).containsExactly(Optional.empty());
  }

  @Test
  void webClient_redirectOfATokenBearingRequest_isNotFollowed() {
    WebClient client = webClientBuilder.build();

    Integer status = client.get().uri(REDIRECTS.api())
        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block();

    assertThat(status).isEqualTo(302);
    assertThat(REDIRECTS.arrivedAtTarget()).isEmpty();
    // The control: without the token, the same client follows the redirect.
    assertThat(client.get().uri(REDIRECTS.api("localhost"))
        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block())
        .isEqualTo(200);
    assertThat(REDIRECTS.arrivedAtTarget()).containsExactly(Optional.empty());
  }

  @Test
  void health_poaAuth_isUpWithTheTimeUntilExpiry() {
    IndicatedHealthDescriptor poa = (IndicatedHealthDescriptor) health.healthForPath("poaAuth");

    assertThat(poa.getStatus().getCode()).isEqualTo("UP");
    assertThat(poa.getDetails()).containsKeys("tokenExpiresIn", "tokenExpiresAt")
        .containsEntry("state", "VALID");
    assertThat(POA.sandbox().tokenRequestCount()).isZero();
  }

  @Test
  void actuatorEnvAndConfigprops_maskTheSecret_evenWithShowValuesAlways() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String secret = POA.sandbox().defaultClientSecret();

    String envJson = json.writeValueAsString(env.environment(null));
    String entry = json.writeValueAsString(env.environmentEntry("poa.auth.client-secret"));
    String envForm = json.writeValueAsString(env.environmentEntry("POA_AUTH_CLIENT_SECRET"));
    String props = json.writeValueAsString(configprops.configurationPropertiesWithPrefix("poa.auth"));

    assertThat(envJson).contains("poa.auth.client-id").contains(POA.sandbox().defaultClientId())
        .doesNotContain(secret).doesNotContain("env-form-secret-7f3a");
    assertThat(entry).contains("******").doesNotContain(secret);
    assertThat(envForm).contains("******").doesNotContain("env-form-secret-7f3a");
    assertThat(props).contains("clientSecret").contains("******").doesNotContain(secret)
        .contains(POA.sandbox().defaultClientId());
  }

  private static long apiCalls() {
    return POA.sandbox().recordedRequests().stream()
        .filter(r -> r.path().startsWith(PoaSandbox.API_PATH)).count();
  }

}
