package io.github.poaauth.micrometer;

import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.InvalidTokenResponseException;
import io.github.poaauth.client.PoaTokenEvent;
import io.github.poaauth.client.PoaTokenListener;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.client.PoaTokenStatus;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Micrometer meters and observations for one {@link PoaTokenProvider}: a timed
 * {@link Observation} per token request (a trace span too, where tracing is configured), gauges
 * of the cached token's remaining lifetime and age, counters of refreshes by outcome and error
 * type, of calls the open circuit breaker refused, of rejections, invalidations and circuit
 * breaker transitions. Resilience4j's own breaker and retry meters come from Resilience4j: give
 * the provider registries ({@link PoaTokenProvider.Builder#registries}) and bind them with
 * {@code resilience4j-micrometer} (Spring Boot Actuator does it for the starter).
 *
 * <pre>{@code
 * PoaAuthMetrics metrics = PoaAuthMetrics.create("poa-auth-token", meterRegistry, observationRegistry);
 * PoaTokenProvider tokens = PoaTokenProvider.builder()
 *     .name("poa-auth-token")                  // the same name
 *     ...
 *     .listener(metrics.listener())            // or PoaTokenListeners.of(metrics.listener(), yours)
 *     .build();
 * metrics.bind(tokens);                        // the token gauges
 * ...
 * tokens.close();
 * metrics.close();                             // removes this provider's meters
 * }</pre>
 *
 * <h2>Meters</h2>
 * Every meter is tagged {@code provider} with the provider's name; no tag holds a token, a
 * secret or a per-request value. Prometheus names in brackets.
 * <ul>
 *   <li>Observation {@value #REQUEST}, tags {@code provider}, {@code background},
 *       {@code outcome} ({@code success}, {@code failure}), {@code error.type} (the simple name
 *       of the exception callers get, or {@code none}): with Micrometer's
 *       {@link DefaultMeterObservationHandler} a timer
 *       [{@code poa_auth_token_request_seconds}] and a long task timer of the requests in
 *       flight [{@code poa_auth_token_request_active_seconds}]. A failed request's observation
 *       carries an error whose message names the type and the OAuth error code; it stands for the
 *       real exception, which the listener does not see. Its parent is the observation current
 *       on the thread that runs the request: the waiting caller's, or usually none for a
 *       background refresh on the provider's executor. A rejection adds event {@value #EVENT_REJECTION_COOLDOWN}, a
 *       circuit breaker transition during the request event {@code circuitbreaker.<new state>}
 *       (the meter handler counts events as
 *       {@code poa_auth_token_request_rejection_cooldown_total} and
 *       {@code poa_auth_token_request_circuitbreaker_open_total}, say).</li>
 *   <li>Counter {@value #REFRESHES} [{@code poa_auth_token_refreshes_total}], tags as the
 *       observation: finished token requests, whatever the observation registry.</li>
 *   <li>Counter {@value #REFUSALS} [{@code poa_auth_token_refusals_total}], tag
 *       {@code background}: calls that needed a token request while the circuit breaker was
 *       open, refused without one; not counted as refreshes.</li>
 *   <li>Counter {@value #REJECTIONS} [{@code poa_auth_token_rejections_total}], tag
 *       {@code error.code} (an RFC 6749 error code, {@code other} or {@code none}): the
 *       endpoint rejected the credentials.</li>
 *   <li>Counter {@value #INVALIDATIONS} [{@code poa_auth_token_invalidations_total}]: a
 *       resource API refused a token and the application dropped it.</li>
 *   <li>Counter {@value #TRANSITIONS} [{@code poa_auth_circuitbreaker_transitions_total}], tags
 *       {@code from}, {@code to} (lower-case states).</li>
 *   <li>Gauge {@value #TIME_TO_EXPIRY} [{@code poa_auth_token_time_to_expiry_seconds}]: seconds
 *       until the cached token's nominal expiry (negative once past it); NaN with no token, a
 *       closed provider or one that was garbage-collected. After {@link #bind}.</li>
 *   <li>Gauge {@value #AGE} [{@code poa_auth_token_age_seconds}]: seconds since the cached
 *       token was requested; NaN as above. After {@link #bind}.</li>
 * </ul>
 *
 * <h2>References</h2>
 * Gauges hold the provider weakly, so the meter registry never keeps a provider alive. {@link #close()} removes every meter
 * this instance registered (the observation's timers belong to the observation handler and stay).
 *
 * <h2>Thread safety</h2>
 * Thread-safe. The provider emits a token request's events on one thread, one request at a time,
 * so one open observation per instance is all there is; give each provider its own instance (and
 * its own name).
 */
public final class PoaAuthMetrics implements AutoCloseable {
  /** Observation (and timer) of one token request, its retries included. */
  public static final String REQUEST = "poa.auth.token.request";
  /** Counter of finished token requests. */
  public static final String REFRESHES = "poa.auth.token.refreshes";
  /** Counter of calls the open circuit breaker refused without a token request. */
  public static final String REFUSALS = "poa.auth.token.refusals";
  /** Counter of rejected credentials. */
  public static final String REJECTIONS = "poa.auth.token.rejections";
  /** Counter of tokens dropped by {@link PoaTokenProvider#invalidate}. */
  public static final String INVALIDATIONS = "poa.auth.token.invalidations";
  /** Counter of circuit breaker transitions. */
  public static final String TRANSITIONS = "poa.auth.circuitbreaker.transitions";
  /** Gauge of the seconds until the cached token's nominal expiry. */
  public static final String TIME_TO_EXPIRY = "poa.auth.token.time.to.expiry";
  /** Gauge of the seconds since the cached token was requested. */
  public static final String AGE = "poa.auth.token.age";
  /** Observation event of a rejection, after which the provider fails calls fast for a while. */
  public static final String EVENT_REJECTION_COOLDOWN = "rejection.cooldown";
  /**
   * Prefix of the observation event of a circuit breaker transition during a token request,
   * followed by the new state: {@code circuitbreaker.open}, {@code circuitbreaker.half_open}, ...
   */
  public static final String EVENT_CIRCUIT_BREAKER = "circuitbreaker.";

  static final String TAG_PROVIDER = "provider";
  static final String TAG_BACKGROUND = "background";
  static final String TAG_OUTCOME = "outcome";
  static final String TAG_ERROR_TYPE = "error.type";
  static final String TAG_ERROR_CODE = "error.code";
  static final String NONE = "none";

  /** RFC 6749 section 5.2 codes; anything else the server sends is counted as "other". */
  private static final Set<String> OAUTH_ERROR_CODES = Set.of("invalid_request", "invalid_client",
      "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope");

  private final String providerName;
  private final MeterRegistry meters;
  private final ObservationRegistry observations;
  private final Clock clock;
  private final Tags providerTag;
  private final PoaTokenListener listener = this::onEvent;
  /** Ids of every meter this instance registered itself, for close(). */
  private final Set<Meter.Id> registered = ConcurrentHashMap.newKeySet();
  /**
   * The open observation of the provider's one in-flight token request. Written by the refresh
   * thread; an AtomicReference because consecutive requests may run on different threads.
   */
  private final AtomicReference<Observation> inFlight = new AtomicReference<>();
  /** Whether bind() ran. Guarded by this. */
  private boolean bound;
  /** Read unlocked by counter(), which then unregisters what it registered. */
  private volatile boolean closed;

  private PoaAuthMetrics(String providerName, MeterRegistry meters,
      ObservationRegistry observations, Clock clock) {
    this.providerName = requireName(providerName);
    this.meters = Objects.requireNonNull(meters, "meterRegistry");
    this.observations = Objects.requireNonNull(observations, "observationRegistry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.providerTag = Tags.of(TAG_PROVIDER, providerName);
    // Pre-registered, so that the first failure is an increase from 0, which rate() sees, and
    // not the birth of a series at 1, which it does not.
    for (String background : new String[] {"false", "true"}) {
      refreshes(background, "success", NONE);
      refreshes(background, "failure", CredentialsRejectedException.class.getSimpleName());
      refreshes(background, "failure", TokenEndpointUnavailableException.class.getSimpleName());
      refreshes(background, "failure", InvalidTokenResponseException.class.getSimpleName());
      refusals(background);
    }
    counter(INVALIDATIONS, "Tokens dropped after a resource API refused them", Tags.empty());
  }

  /**
   * Meters and observations for the provider named {@code providerName}. Register the
   * observation registry's handlers yourself: with a {@link DefaultMeterObservationHandler}
   * the observations become timers, with Micrometer Tracing's handlers spans.
   *
   * @param providerName the provider's {@link PoaTokenProvider.Builder#name(String) name}
   *     ({@link PoaTokenProvider#DEFAULT_NAME} unless set), the {@code provider} tag
   * @param meterRegistry where the counters, gauges and Resilience4j meters go
   * @param observationRegistry where token requests are observed; {@link ObservationRegistry#NOOP}
   *     for none
   * @return a new instance; pass {@link #listener()} to the provider's builder, then
   *     {@link #bind(PoaTokenProvider)} the provider
   */
  public static PoaAuthMetrics create(String providerName, MeterRegistry meterRegistry,
      ObservationRegistry observationRegistry) {
    return new PoaAuthMetrics(providerName, meterRegistry, observationRegistry, Clock.systemUTC());
  }

  /**
   * Like {@link #create(String, MeterRegistry, ObservationRegistry)} with an observation registry
   * of its own that times token requests into {@code meterRegistry}: for applications without
   * an observation registry (no tracing).
   *
   * @param providerName the provider's name
   * @param meterRegistry where every meter goes
   * @return a new instance
   */
  public static PoaAuthMetrics create(String providerName, MeterRegistry meterRegistry) {
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig()
        .observationHandler(new DefaultMeterObservationHandler(meterRegistry));
    return create(providerName, meterRegistry, observations);
  }

  /**
   * Like {@link #create(String, MeterRegistry, ObservationRegistry)}, reading the gauges' "now"
   * from {@code clock}: give it the provider's {@link PoaTokenProvider.Builder#clock(Clock)}
   * when that is not the system clock.
   *
   * @param providerName the provider's name
   * @param meterRegistry where the meters go
   * @param observationRegistry where token requests are observed
   * @param clock the provider's clock
   * @return a new instance
   */
  public static PoaAuthMetrics create(String providerName, MeterRegistry meterRegistry,
      ObservationRegistry observationRegistry, Clock clock) {
    return new PoaAuthMetrics(providerName, meterRegistry, observationRegistry, clock);
  }

  /**
   * The listener to give {@link PoaTokenProvider.Builder#listener(PoaTokenListener)}; with a
   * listener of your own, {@link PoaTokenListeners#of(PoaTokenListener...)}. Quick and
   * non-blocking: it only updates meters and observations.
   *
   * @return the same listener every time
   */
  public PoaTokenListener listener() {
    return listener;
  }

  /**
   * Registers the gauges of the cached token (read from {@link PoaTokenProvider#status()},
   * never a request) and Resilience4j's meters of the provider's circuit breaker and retry.
   *
   * @param provider the provider built with {@link #listener()}
   * @return this
   * @throws IllegalArgumentException the provider's name is not the one given to
   *     {@code create}
   * @throws IllegalStateException already bound, or closed
   */
  public synchronized PoaAuthMetrics bind(PoaTokenProvider provider) {
    Objects.requireNonNull(provider, "provider");
    if (!providerName.equals(provider.name())) {
      throw new IllegalArgumentException("PoaAuthMetrics was created for provider '" + providerName
          + "' but the provider is named '" + provider.name() + "': give create() the name "
          + "given to PoaTokenProvider.Builder.name()");
    }
    if (closed) {
      throw new IllegalStateException("PoaAuthMetrics for '" + providerName + "' is closed");
    }
    if (bound) {
      throw new IllegalStateException("PoaAuthMetrics for '" + providerName + "' is bound already");
    }
    Clock now = clock;
    // The gauges hold the provider weakly (Micrometer's default); their functions must capture
    // nothing that leads back to it.
    gauge(TIME_TO_EXPIRY, "Seconds until the cached POA token's nominal expiry", provider,
        p -> secondsBetween(now.instant(), usable(p.status()).flatMap(PoaTokenStatus::tokenExpiresAt)));
    gauge(AGE, "Seconds since the cached POA token was requested", provider,
        p -> secondsBetween(usable(p.status()).flatMap(PoaTokenStatus::tokenIssuedAt), now.instant()));

    bound = true;
    return this;
  }

  /**
   * Removes every meter this instance registered from the meter registry, Resilience4j's
   * included; call it when the provider is closed. Events that still arrive register no meter;
   * an observation still open is stopped when its outcome arrives. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    registered.forEach(meters::remove);
    registered.clear();
  }

  /** Names the provider and the registries; no secret is known here. */
  @Override
  public String toString() {
    return "PoaAuthMetrics{provider=" + providerName + ", meterRegistry="
        + meters.getClass().getSimpleName() + ", bound=" + bound + ", closed=" + closed
        + '}';
  }

  private void onEvent(PoaTokenEvent event) {
    // Handled after close() too: an observation opened before it must still be stopped, and a
    // counter registered after it is removed again by counter().
    if (event instanceof PoaTokenEvent.RefreshStarted started) {
      refreshStarted(started.background());
    } else if (event instanceof PoaTokenEvent.RefreshSucceeded succeeded) {
      refreshFinished(succeeded.background(), null, Optional.empty());
    } else if (event instanceof PoaTokenEvent.RefreshFailed failed) {
      String type = failed.errorType().getSimpleName();
      refreshFinished(failed.background(), type, failed.errorCode());
      if (failed.errorType() == CredentialsRejectedException.class) {
        counter(REJECTIONS, "Token requests the endpoint rejected (credentials)",
            Tags.of(TAG_ERROR_CODE, errorCodeTag(failed.errorCode()))).increment();
      }
    } else if (event instanceof PoaTokenEvent.RefreshRefused refused) {
      refusals(Boolean.toString(refused.background())).increment();
    } else if (event instanceof PoaTokenEvent.TokenInvalidated) {
      counter(INVALIDATIONS, "Tokens dropped after a resource API refused them", Tags.empty())
          .increment();
    } else if (event instanceof PoaTokenEvent.RejectionCooldownStarted cooldown) {
      Observation current = inFlight.get();
      if (current != null) {
        current.event(Observation.Event.of(EVENT_REJECTION_COOLDOWN,
            "calls fail fast for " + cooldown.cooldown() + " ("
                + errorCodeTag(cooldown.errorCode()) + ")"));
      }
    } else if (event instanceof PoaTokenEvent.CircuitBreakerStateChanged changed) {
      String from = changed.from().toLowerCase(Locale.ROOT);
      String to = changed.to().toLowerCase(Locale.ROOT);
      counter(TRANSITIONS, "Circuit breaker transitions of the token request",
          Tags.of("from", from, "to", to)).increment();
      Observation current = inFlight.get();
      if (current != null) {
        current.event(Observation.Event.of(EVENT_CIRCUIT_BREAKER + to,
            "circuit breaker " + from + " -> " + to));
      }
    }
  }

  private void refreshStarted(boolean background) {
    Observation observation = Observation.createNotStarted(REQUEST, observations)
        .contextualName("poa-auth token request")
        .lowCardinalityKeyValue(TAG_PROVIDER, providerName)
        .lowCardinalityKeyValue(TAG_BACKGROUND, Boolean.toString(background))
        .start();
    Observation abandoned = inFlight.getAndSet(observation);
    if (abandoned != null) {
      // The previous request ended without an outcome event (an Error escaped the fetch); its
      // observation must not stay open forever.
      stop(abandoned, "failure", "unknown", new TokenRequestFailure("unknown", Optional.empty()));
    }
  }

  private void refreshFinished(boolean background, String errorType, Optional<String> errorCode) {
    String outcome = errorType == null ? "success" : "failure";
    String type = errorType == null ? NONE : errorType;
    refreshes(Boolean.toString(background), outcome, type).increment();
    Observation observation = inFlight.getAndSet(null);
    if (observation != null) {
      stop(observation, outcome, type,
          errorType == null ? null : new TokenRequestFailure(errorType, errorCode));
    }
  }

  private static void stop(Observation observation, String outcome, String errorType,
      Throwable error) {
    observation.lowCardinalityKeyValue(TAG_OUTCOME, outcome)
        .lowCardinalityKeyValue(TAG_ERROR_TYPE, errorType);
    if (error != null) {
      observation.error(error);
    }
    observation.stop();
  }

  private Counter refreshes(String background, String outcome, String errorType) {
    return counter(REFRESHES, "Finished POA token requests (retries included) by outcome",
        Tags.of(TAG_BACKGROUND, background, TAG_OUTCOME, outcome, TAG_ERROR_TYPE, errorType));
  }

  private Counter refusals(String background) {
    return counter(REFUSALS, "Calls refused by the open circuit breaker, without a token request",
        Tags.of(TAG_BACKGROUND, background));
  }

  private Counter counter(String name, String description, Tags tags) {
    Counter counter = Counter.builder(name).description(description).tags(providerTag).tags(tags)
        .register(meters);
    registered.add(counter.getId());
    if (closed) {
      // An event that raced with close(): do not leave its counter behind.
      meters.remove(counter);
    }
    return counter;
  }

  private void gauge(String name, String description, PoaTokenProvider provider,
      java.util.function.ToDoubleFunction<PoaTokenProvider> value) {
    Gauge gauge = Gauge.builder(name, provider, value).description(description).baseUnit("seconds")
        .tags(providerTag).register(meters);
    registered.add(gauge.getId());
  }

  /** The status, unless the provider is closed (its token, if any, is no longer handed out). */
  private static Optional<PoaTokenStatus> usable(PoaTokenStatus status) {
    return status.state() == PoaTokenStatus.State.CLOSED ? Optional.empty() : Optional.of(status);
  }

  private static double secondsBetween(Instant from, Optional<Instant> to) {
    return to.map(t -> Duration.between(from, t).toMillis() / 1000.0).orElse(Double.NaN);
  }

  private static double secondsBetween(Optional<Instant> from, Instant to) {
    return from.map(f -> Duration.between(f, to).toMillis() / 1000.0).orElse(Double.NaN);
  }

  /** A bounded tag value: the server chooses the code, so only RFC 6749's are passed on. */
  static String errorCodeTag(Optional<String> errorCode) {
    return errorCode.map(c -> OAUTH_ERROR_CODES.contains(c) ? c : "other").orElse(NONE);
  }

  private static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("providerName must be the provider's name (default "
          + PoaTokenProvider.DEFAULT_NAME + ") but was " + (name == null ? "null" : "blank"));
    }
    return name;
  }
}
