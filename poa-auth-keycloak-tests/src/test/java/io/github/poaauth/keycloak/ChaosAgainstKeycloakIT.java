package io.github.poaauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import feign.Client;
import feign.Feign;
import feign.FeignException;
import feign.Request;
import feign.RequestLine;
import feign.Response;
import feign.Retryer;
import io.github.poaauth.client.PoaApiAuthorization;
import io.github.poaauth.client.PoaAuthException;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.client.PoaTokenStatus;
import io.github.poaauth.keycloak.support.CybrillartaRealm;
import io.github.poaauth.keycloak.support.JwksProtectedApi;
import io.github.poaauth.keycloak.support.Jwt;
import io.github.poaauth.keycloak.support.KeycloakAdmin;
import io.github.poaauth.keycloak.support.KeycloakExtension;
import io.github.poaauth.keycloak.support.KeycloakServer;
import io.github.poaauth.keycloak.support.PoaKeycloak;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 17: a partner service under load against the real Keycloak while Keycloak is suspended,
 * killed, its signing key and the client's secret rotated. Load threads call a POA API stand-in
 * ({@link JwksProtectedApi}: RS256 against the realm's JWKS, {@code exp}) through Feign with
 * {@link PoaApiAuthorization#feignCapability()}; the client has its own
 * Keycloak client with 20 s tokens, so that a refresh is due every 10 s.
 *
 * <p>Each fault starts at an observable point of the token's life (the start of a background
 * refresh, or a fresh token), not after a sleep; between faults the run waits for observable
 * conditions (a new token, an invalidation, a rejection), each wait bounded. Holding a fault and
 * the settle time after it are fixed durations: they are the scenario, not synchronization.
 *
 * <p>Invariants asserted: no token is sent past its {@code exp}; a call fails only while no
 * token the client may hand out exists (after the cached one's usable end and before the first
 * token after Keycloak's return); no 401 reaches a caller; a key rotation costs one new token
 * per 401 wave. The rest is reported: {@code target/reports/CHAOS.md} and the console.
 *
 * <p>Whatever happens, Keycloak is left running (resumed, restarted if killed) for the test
 * classes after this one, and the chaos client is removed; {@link KeycloakServer} stops it at
 * the end of the run or in its shutdown hook.
 */
@ExtendWith(KeycloakExtension.class)
class ChaosAgainstKeycloakIT {

  private static final Logger LOG = LoggerFactory.getLogger(ChaosAgainstKeycloakIT.class);

  static final String CLIENT_ID = "chaos-partner-client";
  static final Duration TOKEN_LIFESPAN = Duration.ofSeconds(20);
  static final Duration REFRESH_AHEAD = Duration.ofSeconds(10);
  static final Duration EXPIRY_SKEW = Duration.ofSeconds(2);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  static final Duration BREAKER_OPEN = Duration.ofSeconds(5);
  /** Shorter than what is left of the refresh-ahead window (10 s minus the 2 s skew). */
  static final Duration SHORT_SUSPENSION = Duration.ofSeconds(4);
  /** Longer than the token's remaining life when its refresh starts (10 s). */
  static final Duration LONG_SUSPENSION = Duration.ofSeconds(14);
  static final Duration SETTLE = Duration.ofSeconds(3);
  static final Duration JWKS_MAX_AGE = Duration.ofSeconds(4);
  static final int THREADS = 4;
  /** Between two calls of one load thread: about 40 calls a second per thread. */
  static final Duration PACE = Duration.ofMillis(25);
  /** Scheduling slack around the no-token windows (a thread descheduled on 2 busy cores). */
  static final long SLACK_MILLIS = 750;
  /** The longest wait for one observable condition: a whole token life plus a call. */
  static final Duration CONDITION_TIMEOUT = TOKEN_LIFESPAN.plus(CALL_TIMEOUT).plusSeconds(10);

  interface PartnerApi {
    @RequestLine("GET " + JwksProtectedApi.PATH)
    String ping();
  }

  private final PoaKeycloak keycloak;
  private final ChaosLedger ledger = new ChaosLedger();
  private final AtomicReference<String> secret = new AtomicReference<>("chaos-secret-1-not-real");
  /** Counted down by the test's end (or a failure): load threads and fault holds stop. */
  private final CountDownLatch stop = new CountDownLatch(1);
  /** The API stand-in of the run; set once before the load starts. */
  private volatile JwksProtectedApi api;
  private final ThreadLocal<int[]> sendsOfThisCall = ThreadLocal.withInitial(() -> new int[1]);

  ChaosAgainstKeycloakIT(PoaKeycloak keycloak) {
    this.keycloak = keycloak;
  }

  @Test
  void underLoad_keycloakSuspendedKilledRekeyedAndSecretRotated_callsFailOnlyWithoutAValidToken()
      throws Exception {
    KeycloakServer server = keycloak.server();
    KeycloakAdmin admin = keycloak.admin();
    Map<String, Long> threadsBefore = threadsByName();
    long runStarted = System.nanoTime();
    ObjectNode client = CybrillartaRealm.client(CybrillartaRealm.PARTNER_CLIENT_ID).orElseThrow()
        .deepCopy();
    client.put("clientId", CLIENT_ID).put("secret", secret.get());
    ((ObjectNode) client.path("attributes"))
        .put("access.token.lifespan", Long.toString(TOKEN_LIFESPAN.toSeconds()));
    admin.replaceClient(client);
    List<Thread> load = new ArrayList<>();
    String report;
    try (JwksProtectedApi api = JwksProtectedApi.start(server.baseUri(), JWKS_MAX_AGE);
        PoaTokenProvider tokens = PoaTokenProvider.builder()
            .name("chaos")
            .baseUrl(keycloak.baseUrl())
            .clientId(CLIENT_ID)
            .clientSecretSource(secret::get)
            .refreshAhead(REFRESH_AHEAD)
            .refreshJitter(false)
            .expirySkew(EXPIRY_SKEW)
            .connectTimeout(Duration.ofSeconds(1))
            .readTimeout(Duration.ofSeconds(3))
            .callTimeout(CALL_TIMEOUT)
            .retry(3, Duration.ofMillis(200), Duration.ofSeconds(1))
            .circuitBreaker(50, 10, 3, BREAKER_OPEN)
            .listener(ledger)
            .build()) {
      this.api = api;
      begin("warm-up", "none");
      assertThat(tokens.token().lifetime()).as("the chaos client's token lifespan")
          .isEqualTo(TOKEN_LIFESPAN);
      PartnerApi partnerApi = partnerApi(tokens, api);
      for (int i = 0; i < THREADS; i++) {
        Thread thread = new Thread(() -> callUntilStopped(partnerApi), "chaos-load-" + i);
        thread.setDaemon(true);
        load.add(thread);
        thread.start();
      }
      try {
        hold(SETTLE);
        endPhase();

        suspension(begin("suspend-short", "SIGSTOP " + SHORT_SUSPENSION.toSeconds()
            + " s at a background refresh"), server, tokens, SHORT_SUSPENSION);
        suspension(begin("suspend-long", "SIGSTOP " + LONG_SUSPENSION.toSeconds()
            + " s at a background refresh"), server, tokens, LONG_SUSPENSION);
        killAndRestart(begin("kill-restart", "SIGKILL, start again"), server, tokens);
        keyRotation(begin("key-rotation", "new RS256 key, old one removed"), admin, api);
        secretRotation(begin("secret-rotation", "secret changed in Keycloak, then in"
            + " the source"), admin);
        begin("after", "none");
        hold(SETTLE);
        endPhase();
      } finally {
        stop.countDown();
        for (Thread thread : load) {
          thread.join(CALL_TIMEOUT.plusSeconds(5).toMillis());
        }
      }
    } finally {
      stop.countDown();
      disarm();
      leaveKeycloakRunning(server);
      try {
        admin.ensureNoClient(CLIENT_ID);
      } catch (RuntimeException e) {
        LOG.warn("could not remove {}: {}", CLIENT_ID, e.toString());
      }
    }
    List<String> stillRunning = load.stream().filter(Thread::isAlive).map(Thread::getName)
        .toList();
    System.gc();
    long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    Map<String, Long> threadsAfter = threadsByName();
    long seconds = Duration.ofNanos(System.nanoTime() - runStarted).toSeconds();
    report = report(seconds, threadsBefore, threadsAfter, heapMb, stillRunning);
    writeReport(report);
    System.out.println(report);

    assertThat(stillRunning).as("load threads still running after the run").isEmpty();
    for (ChaosLedger.Phase phase : ledger.phases()) {
      assertThat(phase.pastExp.sum()).as(phase.name + ": tokens sent past their exp").isZero();
      assertThat(phase.unauthorizedToCaller.sum()).as(phase.name + ": 401s that reached a caller")
          .isZero();
      assertThat(phase.calls.sum()).as(phase.name + ": calls made").isPositive();
      for (long startedAt : phase.failedCallStarts) {
        assertThat(phase.cachedUsableUntil).as(phase.name + ": a call failed, but the phase had"
            + " no time without a valid token").isPositive();
        long firstTokenBack = phase.firstTokenAfter(phase.returnedAt);
        assertThat(startedAt).as(phase.name + ": a failed call started while a valid token"
                + " could be had (usable until %s, first token after the return %s)",
                Instant.ofEpochMilli(phase.cachedUsableUntil), Instant.ofEpochMilli(firstTokenBack))
            .isBetween(phase.cachedUsableUntil - SLACK_MILLIS, firstTokenBack + SLACK_MILLIS);
      }
    }
    ChaosLedger.Phase rotation = phase("key-rotation");
    assertThat(rotation.unauthorizedSeen.sum()).as("key rotation: the API refused old tokens")
        .isPositive();
    assertThat(rotation.invalidated.sum()).as("key rotation: one new token per 401 wave")
        .isEqualTo(1);
    assertThat(phase("suspend-short").failed.sum()).as("short suspension: no failed call").isZero();
    assertThat(phase("secret-rotation").failed.sum()).as("secret rotation: no failed call")
        .isZero();
    assertThat(phase("secret-rotation").rejections.sum())
        .as("secret rotation: Keycloak rejected the old secret").isPositive();
    // The background refresh uses the rotated secret after its 1 s backoff, not first when the
    // cached token expires (8 s later here): the defect this run found.
    assertThat(phase("secret-rotation").returnToFirstTokenMillis())
        .as("secret rotation: ms from the source's update to a token with the new secret")
        .isBetween(0L, CALL_TIMEOUT.toMillis());
  }

  /** SIGSTOP when the next background refresh starts, SIGCONT after {@code length}. */
  private void suspension(ChaosLedger.Phase phase, KeycloakServer server, PoaTokenProvider tokens,
      Duration length) throws InterruptedException {
    CountDownLatch suspended = new CountDownLatch(1);
    // On the refresh thread, before its request: the refresh meets a stopped Keycloak.
    ledger.atNextBackgroundRefresh.set(() -> {
      phase.cachedUsableUntil = ledger.lastExpiresAt.get() - EXPIRY_SKEW.toMillis();
      server.suspend();
      phase.faultAt = System.currentTimeMillis();
      suspended.countDown();
    });
    await(suspended, "a background refresh to start");
    try {
      hold(length);
    } finally {
      server.resume();
    }
    returned(phase, tokens);
    awaitTokenAfter(phase, phase.returnedAt);
    hold(SETTLE);
    endPhase();
  }

  private void killAndRestart(ChaosLedger.Phase phase, KeycloakServer server,
      PoaTokenProvider tokens) throws IOException, InterruptedException {
    phase.cachedUsableUntil = ledger.lastExpiresAt.get() - EXPIRY_SKEW.toMillis();
    server.kill();
    phase.faultAt = System.currentTimeMillis();
    server.restart();
    returned(phase, tokens);
    awaitTokenAfter(phase, phase.returnedAt);
    hold(SETTLE);
    endPhase();
  }

  /**
   * Rotates the key right after a new token, so that the API's key refresh (every
   * {@link #JWKS_MAX_AGE}) refuses that token well before its own refresh would replace it.
   */
  private void keyRotation(ChaosLedger.Phase phase, KeycloakAdmin admin, JwksProtectedApi api)
      throws InterruptedException {
    CountDownLatch fresh = new CountDownLatch(1);
    ledger.atNextToken.set(fresh::countDown);
    await(fresh, "a new token");
    CountDownLatch invalidated = new CountDownLatch(1);
    ledger.atNextInvalidation.set(invalidated::countDown);
    phase.faultAt = System.currentTimeMillis();
    String kid = admin.rotateSigningKey("chaos-rsa-" + phase.faultAt);
    phase.returnedAt = System.currentTimeMillis();
    await(invalidated, "the first 401 of the old token and its invalidation");
    awaitTokenAfter(phase, phase.returnedAt);
    hold(SETTLE);
    assertThat(api.knowsKey(kid)).as("the API fetched the new key").isTrue();
    endPhase();
  }

  /**
   * Changes the secret in Keycloak right after a new token; the source still has the old one
   * until the next refresh is rejected, then it is updated (as a vault is, some time after the
   * rotation).
   */
  private void secretRotation(ChaosLedger.Phase phase, KeycloakAdmin admin)
      throws InterruptedException {
    CountDownLatch fresh = new CountDownLatch(1);
    ledger.atNextToken.set(fresh::countDown);
    await(fresh, "a new token");
    CountDownLatch rejected = new CountDownLatch(1);
    ledger.atNextRejection.set(rejected::countDown);
    String newSecret = "chaos-secret-2-not-real";
    phase.cachedUsableUntil = ledger.lastExpiresAt.get() - EXPIRY_SKEW.toMillis();
    admin.ensurePartnerClient(CLIENT_ID, newSecret);
    phase.faultAt = System.currentTimeMillis();
    await(rejected, "the old secret to be rejected");
    secret.set(newSecret);
    phase.returnedAt = System.currentTimeMillis();
    awaitTokenAfter(phase, phase.returnedAt);
    hold(SETTLE);
    endPhase();
  }

  private void returned(ChaosLedger.Phase phase, PoaTokenProvider tokens) {
    phase.returnedAt = System.currentTimeMillis();
    PoaTokenStatus status = tokens.status();
    phase.tokenCachedAtReturn = status.state() == PoaTokenStatus.State.VALID;
  }

  /** Waits, bounded, for a token fetched at or after {@code at}. */
  private void awaitTokenAfter(ChaosLedger.Phase phase, long at) throws InterruptedException {
    long deadline = System.nanoTime() + CONDITION_TIMEOUT.toNanos();
    CountDownLatch arrived = new CountDownLatch(1);
    while (phase.firstTokenAfter(at) < 0) {
      ledger.atNextToken.set(arrived::countDown);
      // Re-check: the token may have come between the check and arming.
      if (phase.firstTokenAfter(at) >= 0) {
        break;
      }
      if (!arrived.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new AssertionError(phase.name + ": no new token within " + CONDITION_TIMEOUT
            + " after Keycloak's return");
      }
    }
    ledger.atNextToken.set(null);
  }

  /** Starts a phase and marks the gateway's and the API's counters, for the phase's share. */
  private ChaosLedger.Phase begin(String name, String fault) {
    ChaosLedger.Phase phase = ledger.begin(name, fault);
    phase.gatewayMark = keycloak.gateway().tokenRequests();
    JwksProtectedApi api = this.api;
    for (JwksProtectedApi.Verdict verdict : JwksProtectedApi.Verdict.values()) {
      phase.verdictMarks.put(verdict.name(), api.verdicts(verdict));
    }
    phase.keyFetches = api.keyFetches();
    return phase;
  }

  private void endPhase() {
    ChaosLedger.Phase phase = ledger.current();
    phase.endedAt = System.currentTimeMillis();
    phase.gatewayRequests = keycloak.gateway().tokenRequests() - phase.gatewayMark;
    JwksProtectedApi api = this.api;
    for (JwksProtectedApi.Verdict verdict : JwksProtectedApi.Verdict.values()) {
      long n = api.verdicts(verdict) - phase.verdictMarks.getOrDefault(verdict.name(), 0L);
      if (n > 0) {
        phase.apiVerdicts.put(verdict.name(), n);
      }
    }
    phase.keyFetches = api.keyFetches() - phase.keyFetches;
  }

  private void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(CONDITION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(ledger.current().name + ": waited " + CONDITION_TIMEOUT + " for "
          + what);
    }
  }

  /** Keeps the load running for {@code length}: a phase's duration, ended early by a failure. */
  private void hold(Duration length) throws InterruptedException {
    stop.await(length.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void disarm() {
    ledger.atNextBackgroundRefresh.set(null);
    ledger.atNextToken.set(null);
    ledger.atNextRejection.set(null);
    ledger.atNextInvalidation.set(null);
  }

  /** After a failure half-way: resumed if suspended, started again if killed. */
  private static void leaveKeycloakRunning(KeycloakServer server) {
    try {
      server.resume();
      if (!server.isAlive()) {
        server.restart();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Keycloak could not be brought back after the chaos run: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private PartnerApi partnerApi(PoaTokenProvider tokens, JwksProtectedApi api) {
    Client wire = new Client.Default(null, null);
    Client tap = (request, options) -> {
      sendsOfThisCall.get()[0]++;
      ChaosLedger.Phase phase = ledger.current();
      phase.sends.increment();
      String authorization = header(request.headers().get("Authorization"));
      if (authorization != null && authorization.startsWith("Bearer ")) {
        Jwt jwt = Jwt.decode(authorization.substring(7));
        phase.tokens.add(jwt.claims.path("jti").asText());
        if (System.currentTimeMillis() >= jwt.claims.path("exp").asLong() * 1000) {
          phase.pastExp.increment();
        }
      }
      Response response = wire.execute(request, options);
      if (response.status() == 401) {
        phase.unauthorizedSeen.increment();
      }
      return response;
    };
    return Feign.builder()
        .client(tap)
        .addCapability(PoaApiAuthorization.forHosts(tokens, "127.0.0.1").feignCapability())
        .retryer(Retryer.NEVER_RETRY)
        .options(new Request.Options(1, TimeUnit.SECONDS, 5, TimeUnit.SECONDS, false))
        .target(PartnerApi.class, api.baseUrl());
  }

  private static String header(Collection<String> values) {
    return values == null || values.isEmpty() ? null : values.iterator().next();
  }

  private void callUntilStopped(PartnerApi api) {
    while (stop.getCount() > 0) {
      ChaosLedger.Phase phase = ledger.current();
      sendsOfThisCall.get()[0] = 0;
      long startedAt = System.currentTimeMillis();
      long started = System.nanoTime();
      phase.calls.increment();
      try {
        api.ping();
      } catch (FeignException.Unauthorized e) {
        phase.unauthorizedToCaller.increment();
        phase.failure("HTTP 401", startedAt);
      } catch (FeignException e) {
        phase.failure("HTTP " + e.status(), startedAt);
      } catch (PoaAuthException e) {
        phase.failure(e.getClass().getSimpleName(), startedAt);
      } catch (RuntimeException e) {
        phase.failure(e.getClass().getSimpleName(), startedAt);
      }
      if (sendsOfThisCall.get()[0] > 1) {
        phase.retried.increment();
      }
      phase.maxCallMillis.accumulate(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      // Pacing, not synchronization: a partner service's steady request rate.
      LockSupport.parkNanos(PACE.toNanos());
    }
  }

  private ChaosLedger.Phase phase(String name) {
    return ledger.phases().stream().filter(p -> p.name.equals(name)).findFirst().orElseThrow();
  }

  /** Live threads by name, digits folded ({@code poa-gateway}, {@code HttpClient-#-Worker-#}). */
  private static Map<String, Long> threadsByName() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .collect(java.util.stream.Collectors.groupingBy(t -> t.getName().replaceAll("\\d+", "#"),
            java.util.TreeMap::new, java.util.stream.Collectors.counting()));
  }

  private static String threadDifference(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> difference = new java.util.TreeMap<>();
    after.forEach((name, n) -> {
      long d = n - before.getOrDefault(name, 0L);
      if (d != 0) {
        difference.put(name, d);
      }
    });
    before.forEach((name, n) -> {
      if (!after.containsKey(name)) {
        difference.put(name, -n);
      }
    });
    return difference.toString();
  }

  private String report(long seconds, Map<String, Long> threadsBefore,
      Map<String, Long> threadsAfter, long heapMb,
      List<String> stillRunning) {
    return "# Chaos against the real Keycloak\n\n"
        + "Written by `ChaosAgainstKeycloakIT` (poa-auth-keycloak-tests, profile `keycloak`). "
        + THREADS + " threads call the JWKS-verifying API stand-in through Feign with the bearer"
        + " interceptor and the 401 recovery; tokens live " + TOKEN_LIFESPAN.toSeconds()
        + " s (refresh ahead " + REFRESH_AHEAD.toSeconds() + " s, skew "
        + EXPIRY_SKEW.toSeconds() + " s, call timeout " + CALL_TIMEOUT.toSeconds()
        + " s, breaker open " + BREAKER_OPEN.toSeconds() + " s).\n\n"
        + ledger.table() + "\n"
        + "Columns: *failed* calls that did not get a 200; *past exp* requests sent with a token"
        + " whose `exp` had passed; *token requests* what the gateway saw (attempts included);"
        + " *refreshes* the provider's token requests (background ones), succeeded/failed;"
        + " *tokens used* distinct tokens on the wire; *retried* calls re-sent after a 401;"
        + " *return → first token* from Keycloak's return (resumed, ready, secret source"
        + " updated; for the key rotation: the rotation done) to the first new token. *fault to"
        + " return* below: how long Keycloak was stopped or down, how long the rotation's admin"
        + " calls took, how long until the old secret was rejected and the source updated.\n\n"
        + ledger.details() + "\n"
        + String.format(Locale.ROOT, "Run: %d s. Threads: %d before, %d after (load threads left:"
            + " %s; after minus before, by name: %s). Heap used after the run and a GC: %d MB.%n",
            seconds, count(threadsBefore), count(threadsAfter), stillRunning,
            threadDifference(threadsBefore, threadsAfter), heapMb);
  }

  private static long count(Map<String, Long> threads) {
    return threads.values().stream().mapToLong(Long::longValue).sum();
  }

  private static void writeReport(String report) throws IOException {
    Path dir = Path.of(System.getProperty("poa.reports.dir", "target/reports"));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("CHAOS.md"), report, StandardCharsets.UTF_8);
  }
}
