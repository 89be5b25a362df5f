package io.github.poaauth.micrometer;

import io.github.poaauth.sandbox.TestClock;
import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.InvalidTokenResponseException;
import io.github.poaauth.client.PoaAuthException;
import io.github.poaauth.client.PoaTokenEvent;
import io.github.poaauth.client.PoaTokenListener;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.tck.MeterRegistryAssert;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real refreshes against the sandbox, one test per {@link PoaTokenEvent} type and the meters and
 * observations it produces; time moves by a {@link TestClock}, background refreshes run on
 * the calling thread (a direct executor), so nothing here waits or sleeps.
 */
class PoaAuthMetricsTest {
  private static final String NAME = "poa-test";
  private static final Duration LIFETIME = PoaSandbox.DEFAULT_TOKEN_LIFETIME;

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension(PoaSandbox.builder());

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TestObservationRegistry observations = TestObservationRegistry.create();
  private final TestClock clock = TestClock.at(java.time.Instant.parse("2026-11-27T10:00:00Z"));
  private final PoaAuthMetrics metrics = PoaAuthMetrics.create(NAME, meters, observations, clock);
  private final List<PoaTokenProvider> providers = new ArrayList<>();

  PoaAuthMetricsTest() {
    // Observations become timers, as Spring Boot and PoaAuthMetrics.create(name, registry) do it.
    observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
  }

  @AfterEach
  void close() {
    providers.forEach(PoaTokenProvider::close);
    metrics.close();
  }

  // --- RefreshStarted -------------------------------------------------------------------------

  @Test
  void refreshStarted_opensTheRequestObservation_activeUntilTheOutcome() {
    AtomicBoolean checked = new AtomicBoolean();
    AtomicReference<AssertionError> failed = new AtomicReference<>();
    PoaTokenListener probe = event -> {
      if (event instanceof PoaTokenEvent.RefreshStarted) {
        // Runs right after the metrics listener saw RefreshStarted, before any request.
        try {
          assertThat(observations).hasSingleObservationThat()
              .hasNameEqualTo(PoaAuthMetrics.REQUEST)
              .hasBeenStarted()
              .isNotStopped()
              .hasLowCardinalityKeyValue("provider", NAME)
              .hasLowCardinalityKeyValue("background", "false");
          assertThat(meters.get(PoaAuthMetrics.REQUEST + ".active").longTaskTimer().activeTasks())
              .isEqualTo(1);
          assertThat(POA.sandbox().tokenRequestCount()).isZero();
        } catch (AssertionError e) {
          failed.set(e);
        }
        checked.set(true);
      }
    };
    PoaTokenProvider tokens = provider(builder().listener(
        PoaTokenListeners.of(metrics.listener(), probe)));

    tokens.token();

    assertThat(checked).isTrue();
    assertThat(failed.get()).isNull();
    assertThat(meters.get(PoaAuthMetrics.REQUEST + ".active").longTaskTimer().activeTasks()).isZero();
    assertThat(observations).hasSingleObservationThat().hasBeenStopped();
  }

  // --- RefreshSucceeded -----------------------------------------------------------------------

  @Test
  void refreshSucceeded_stopsTheObservationAsSuccess_timesIt_andCountsTheRefresh() {
    PoaTokenProvider tokens = provider(builder());

    tokens.token();

    assertThat(observations).hasSingleObservationThat()
        .hasNameEqualTo(PoaAuthMetrics.REQUEST)
        .hasContextualNameEqualTo("poa-auth token request")
        .hasBeenStopped()
        .doesNotHaveError()
        .hasLowCardinalityKeyValue("provider", NAME)
        .hasLowCardinalityKeyValue("background", "false")
        .hasLowCardinalityKeyValue("outcome", "success")
        .hasLowCardinalityKeyValue("error.type", "none");
    MeterRegistryAssert.assertThat(meters)
        .hasTimerWithNameAndTags(PoaAuthMetrics.REQUEST, io.micrometer.core.instrument.Tags.of(
            "provider", NAME, "background", "false", "outcome", "success", "error.type", "none",
            "error", "none"));
    assertThat(meters.get(PoaAuthMetrics.REQUEST).timer().count()).isEqualTo(1);
    assertThat(refreshes("false", "success", "none")).isEqualTo(1);
    assertThat(refreshes("false", "failure", "TokenEndpointUnavailableException")).isZero();
  }

  @Test
  void refreshSucceeded_forAWaitingCaller_isAChildOfTheCallersObservation() {
    PoaTokenProvider tokens = provider(builder());
    Observation caller = Observation.start("partner.request", observations);

    try (Observation.Scope scope = caller.openScope()) {
      tokens.token();
    } finally {
      caller.stop();
    }

    assertThat(observations).hasObservationWithNameEqualTo(PoaAuthMetrics.REQUEST).that()
        .hasParentObservationEqualTo(caller)
        .hasBeenStopped();
  }

  @Test
  void refreshSucceeded_inTheBackground_isTaggedBackground() {
    PoaTokenProvider tokens = provider(builder());
    tokens.token();
    // Past the refresh point (the first half of the 5-minute window), before the 30 s skew.
    clock.advance(LIFETIME.minus(Duration.ofMinutes(2)));

    tokens.token();                                         // refreshes on the direct executor

    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(2);
    assertThat(refreshes("true", "success", "none")).isEqualTo(1);
    assertThat(refreshes("false", "success", "none")).isEqualTo(1);
    assertThat(observations).hasNumberOfObservationsWithNameEqualTo(PoaAuthMetrics.REQUEST, 2)
        .hasAnObservation(o -> o.hasLowCardinalityKeyValue("background", "true")
            .hasLowCardinalityKeyValue("outcome", "success"));
  }

  @Test
  void refreshSucceeded_gaugesReadTheCachedTokensExpiryAndAge_withoutARequest() {
    PoaTokenProvider tokens = provider(builder());
    metrics.bind(tokens);
    assertThat(gauge(PoaAuthMetrics.TIME_TO_EXPIRY)).isNaN();
    assertThat(gauge(PoaAuthMetrics.AGE)).isNaN();

    tokens.token();
    clock.advance(Duration.ofMinutes(10));

    assertThat(gauge(PoaAuthMetrics.TIME_TO_EXPIRY))
        .isCloseTo(LIFETIME.minus(Duration.ofMinutes(10)).toSeconds(), within(0.001));
    assertThat(gauge(PoaAuthMetrics.AGE)).isCloseTo(600, within(0.001));
    assertThat(meters.get(PoaAuthMetrics.AGE).gauge().getId().getBaseUnit()).isEqualTo("seconds");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
  }

  // --- RefreshFailed --------------------------------------------------------------------------

  /** The sandbox's faults and the exception type each one becomes. */
  enum Fault {
    SERVER_ERROR(s -> s.faults().failNext(1, 503), TokenEndpointUnavailableException.class),
    TOO_MANY_REQUESTS(s -> s.faults().tooManyRequests(1, 0), TokenEndpointUnavailableException.class),
    DROPPED_CONNECTION(s -> s.faults().dropNextConnection(), TokenEndpointUnavailableException.class),
    MALFORMED_BODY(s -> s.faults().malformedNextBody(), InvalidTokenResponseException.class);

    final Consumer<PoaSandbox> inject;
    final Class<? extends PoaAuthException> type;

    Fault(Consumer<PoaSandbox> inject, Class<? extends PoaAuthException> type) {
      this.inject = inject;
      this.type = type;
    }
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void refreshFailed_stopsTheObservationWithTheErrorType_andCountsTheFailure(Fault fault) {
    PoaTokenProvider tokens = provider(builder());
    fault.inject.accept(POA.sandbox());

    assertThatThrownBy(tokens::token).isInstanceOf(fault.type);

    String type = fault.type.getSimpleName();
    assertThat(observations).hasSingleObservationThat()
        .hasBeenStopped()
        .hasError()
        .hasLowCardinalityKeyValue("outcome", "failure")
        .hasLowCardinalityKeyValue("error.type", type)
        .hasLowCardinalityKeyValue("background", "false")
        .assertThatError().hasMessageContaining(type);
    assertThat(refreshes("false", "failure", type)).isEqualTo(1);
    assertThat(refreshes("false", "success", "none")).isZero();
    assertThat(meters.get(PoaAuthMetrics.REQUEST).tag("outcome", "failure").tag("error.type", type)
        .timer().count()).isEqualTo(1);
    assertThat(meters.find(PoaAuthMetrics.REJECTIONS).counters()).isEmpty();
  }

  @Test
  void refreshFailed_inTheBackground_whileTheTokenIsValid_isTaggedBackground() {
    PoaTokenProvider tokens = provider(builder());
    metrics.bind(tokens);
    AccessToken first = tokens.token();
    clock.advance(LIFETIME.minus(Duration.ofMinutes(2)));   // past the refresh point
    POA.sandbox().faults().failNext(1, 500);

    assertThat(tokens.token()).isEqualTo(first);            // the failure is invisible to callers

    assertThat(refreshes("true", "failure", "TokenEndpointUnavailableException")).isEqualTo(1);
    assertThat(gauge(PoaAuthMetrics.TIME_TO_EXPIRY)).isCloseTo(120, within(0.001));
  }

  // --- RejectionCooldownStarted ---------------------------------------------------------------

  @Test
  void rejectionCooldownStarted_wrongSecret_countsTheRejectionByCode_andMarksTheObservation() {
    PoaTokenProvider tokens = provider(builder().clientSecret("not-the-secret"));

    CredentialsRejectedException rejected =
        catchThrowableOfType(CredentialsRejectedException.class, tokens::token);
    assertThatThrownBy(tokens::token).isInstanceOf(CredentialsRejectedException.class); // cool-down

    assertThat(rejected.errorCode()).hasValue("unauthorized_client");
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    assertThat(meters.get(PoaAuthMetrics.REJECTIONS).tag("provider", NAME)
        .tag("error.code", "unauthorized_client").counter().count()).isEqualTo(1);
    assertThat(refreshes("false", "failure", "CredentialsRejectedException")).isEqualTo(1);
    assertThat(observations).hasSingleObservationThat()
        .hasEvent(PoaAuthMetrics.EVENT_REJECTION_COOLDOWN)
        .hasLowCardinalityKeyValue("error.type", "CredentialsRejectedException")
        .assertThatError().hasMessageContaining("unauthorized_client");
  }

  // --- TokenInvalidated -----------------------------------------------------------------------

  @Test
  void tokenInvalidated_countsTheInvalidationOnce_perDroppedToken() {
    PoaTokenProvider tokens = provider(builder());
    AccessToken token = tokens.token();
    assertThat(invalidations()).isZero();                   // registered before the first one

    assertThat(tokens.invalidate(token)).isTrue();
    assertThat(tokens.invalidate(token)).isFalse();         // no longer cached: no event

    assertThat(invalidations()).isEqualTo(1);
    assertThat(observations).hasNumberOfObservationsWithNameEqualTo(PoaAuthMetrics.REQUEST, 1);
  }

  // --- CircuitBreakerStateChanged -------------------------------------------------------------

  @Test
  void circuitBreakerStateChanged_countsTheTransition_andARefusalIsNotARefresh() {
    PoaTokenProvider tokens = provider(builder().circuitBreaker(50, 2, 2, Duration.ofSeconds(30)));
    metrics.bind(tokens);
    POA.sandbox().faults().failNext(2, 503);

    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    observations.clear();
    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    assertThat(observations).hasSingleObservationThat()          // the one that opened it
        .hasEvent(PoaAuthMetrics.EVENT_CIRCUIT_BREAKER + "open");
    double refusedBefore = refusals("false");
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);
    }

    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(2);   // the others were refused
    assertThat(meters.get(PoaAuthMetrics.TRANSITIONS).tag("provider", NAME).tag("from", "closed")
        .tag("to", "open").counter().count()).isEqualTo(1);
    // Refreshes count token requests only; the refused calls have their own counter.
    assertThat(refreshes("false", "failure", "TokenEndpointUnavailableException")).isEqualTo(2);
    assertThat(refusedBefore).isZero();
    assertThat(refusals("false")).isEqualTo(5);
    assertThat(observations).hasNumberOfObservationsWithNameEqualTo(PoaAuthMetrics.REQUEST, 1);
  }

  /** Resilience4j's own meters come from Resilience4j, through the registries the provider uses. */
  @Test
  void resilience4jMeters_comeFromTheRegistriesGivenToTheProvider() {
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    RetryRegistry retries = RetryRegistry.ofDefaults();
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
    PoaTokenProvider tokens = provider(builder().registries(breakers, retries)
        .retry(2, Duration.ofMillis(1), Duration.ofMillis(1)));
    POA.sandbox().faults().failNext(1, 502);

    tokens.token();

    assertThat(meters.get("resilience4j.retry.calls").tag("name", NAME)
        .tag("kind", "successful_with_retry").functionCounter().count()).isEqualTo(1);
    assertThat(meters.get("resilience4j.circuitbreaker.calls").tag("name", NAME)
        .tag("kind", "successful").timer().count()).isEqualTo(1);
    assertThat(refreshes("false", "success", "none")).isEqualTo(1);
  }

  private double refusals(String background) {
    return meters.get(PoaAuthMetrics.REFUSALS).tag("provider", NAME)
        .tag("background", background).counter().count();
  }

  // --- lifecycle, references, hygiene ---------------------------------------------------------

  @Test
  void close_removesEveryMeterItRegistered() {
    PoaTokenProvider tokens = provider(builder());
    metrics.bind(tokens);
    tokens.token();
    tokens.close();

    metrics.close();

    List<String> left = meters.getMeters().stream().map(m -> m.getId().getName())
        .filter(n -> !n.startsWith(PoaAuthMetrics.REQUEST))   // the observation handler's own
        .toList();
    assertThat(left).isEmpty();
  }

  @Test
  void close_whileARequestRuns_stillStopsItsObservation_andLeavesNoCounter() {
    PoaTokenListener closeOnStart = event -> {
      if (event instanceof PoaTokenEvent.RefreshStarted) {
        metrics.close();
      }
    };
    PoaTokenProvider tokens = provider(builder().listener(
        PoaTokenListeners.of(metrics.listener(), closeOnStart)));

    tokens.token();

    assertThat(observations).hasSingleObservationThat().hasBeenStopped()
        .hasLowCardinalityKeyValue("outcome", "success");
    assertThat(meters.find(PoaAuthMetrics.REFRESHES).counters()).isEmpty();
  }

  @Test
  void closedProvider_gaugesReadNaN() {
    PoaTokenProvider tokens = provider(builder());
    metrics.bind(tokens);
    tokens.token();

    tokens.close();

    assertThat(gauge(PoaAuthMetrics.TIME_TO_EXPIRY)).isNaN();
    assertThat(gauge(PoaAuthMetrics.AGE)).isNaN();
  }

  @Test
  void boundMeters_doNotKeepAClosedProviderReachable() {
    WeakReference<PoaTokenProvider> ref = boundAndClosedProvider();

    // Not a timing wait: full collections until the only path left, a weak one, is cleared.
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
    }

    assertThat(ref.get()).isNull();
    assertThat(gauge(PoaAuthMetrics.TIME_TO_EXPIRY)).isNaN();
  }

  private WeakReference<PoaTokenProvider> boundAndClosedProvider() {
    PoaTokenProvider tokens = builder().build();
    metrics.bind(tokens);
    tokens.token();
    tokens.close();
    return new WeakReference<>(tokens);
  }

  @Test
  void bind_rejectsAProviderOfAnotherName_andASecondBind() {
    PoaTokenProvider other = provider(builder().name("another"));
    PoaTokenProvider tokens = provider(builder());

    assertThatThrownBy(() -> metrics.bind(other)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'poa-test'").hasMessageContaining("'another'");
    metrics.bind(tokens);
    assertThatThrownBy(() -> metrics.bind(tokens)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> PoaAuthMetrics.create(" ", meters))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("providerName");
  }

  @Test
  void createWithoutObservationRegistry_stillTimesTokenRequests() {
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    PoaAuthMetrics simple = PoaAuthMetrics.create(NAME, own);
    PoaTokenProvider tokens = provider(builder().listener(simple.listener()));

    tokens.token();

    assertThat(own.get(PoaAuthMetrics.REQUEST).tag("outcome", "success").timer().count())
        .isEqualTo(1);
    simple.close();
  }

  @Test
  void noTagHoldsTheSecretOrTheToken_andEveryMeterIsTaggedWithTheProvider() {
    PoaTokenProvider tokens = provider(builder());
    metrics.bind(tokens);
    AccessToken token = tokens.token();
    tokens.invalidate(token);
    POA.sandbox().faults().failNext(1, 503);
    assertThatThrownBy(tokens::token).isInstanceOf(TokenEndpointUnavailableException.class);

    for (Meter meter : meters.getMeters()) {
      List<Tag> tags = meter.getId().getTags();
      assertThat(tags).extracting(Tag::getValue)
          .noneMatch(v -> v.contains(PoaSandbox.DEFAULT_CLIENT_SECRET) || v.contains(token.value()));
      assertThat(meter.getId().getTag("provider")).as(meter.getId().toString()).isEqualTo(NAME);
    }
  }

  @Test
  void listeners_aThrowingOneDoesNotKeepTheEventFromTheOthers() {
    List<PoaTokenEvent> seen = new ArrayList<>();
    PoaTokenListener throwing = event -> {
      throw new IllegalStateException("partner listener bug");
    };
    PoaTokenProvider tokens = provider(builder().listener(
        PoaTokenListeners.of(throwing, metrics.listener(), seen::add)));

    tokens.token();

    assertThat(seen).hasSize(2);
    assertThat(refreshes("false", "success", "none")).isEqualTo(1);
  }

  // --- helpers --------------------------------------------------------------------------------

  private PoaTokenProvider.Builder builder() {
    return PoaTokenProvider.builder()
        .name(NAME)
        .baseUrl(POA.sandbox().baseUrl())
        .clientId(PoaSandbox.DEFAULT_CLIENT_ID)
        .clientSecret(PoaSandbox.DEFAULT_CLIENT_SECRET)
        .clock(clock)
        .executor(Runnable::run)
        .retry(1, Duration.ofMillis(200), Duration.ofSeconds(5))
        .listener(metrics.listener());
  }

  private PoaTokenProvider provider(PoaTokenProvider.Builder builder) {
    PoaTokenProvider provider = builder.build();
    providers.add(provider);
    return provider;
  }

  private double refreshes(String background, String outcome, String errorType) {
    return counterValue(meters, PoaAuthMetrics.REFRESHES, "background", background, "outcome",
        outcome, "error.type", errorType);
  }

  private double invalidations() {
    return counterValue(meters, PoaAuthMetrics.INVALIDATIONS);
  }

  private double gauge(String name) {
    return meters.get(name).tag("provider", NAME).gauge().value();
  }

  private static double counterValue(MeterRegistry registry, String name, String... tags) {
    return registry.get(name).tag("provider", NAME).tags(tags).counter().count();
  }
}
