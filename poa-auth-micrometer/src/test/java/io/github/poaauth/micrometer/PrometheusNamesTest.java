package io.github.poaauth.micrometer;

import java.time.Duration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every Prometheus metric name that {@code docs/OPERATIONS.md} mentions is in a real scrape of
 * two providers (one healthy, one rejected, one with an open breaker), so the dashboards and
 * alert rules there query series that exist. The scrape is kept in
 * {@code target/prometheus-scrape.txt}.
 */
class PrometheusNamesTest {
  private static final Pattern NAME = Pattern.compile("\\b((?:poa_auth|resilience4j)_[a-z_]+)");
  private static final Path OPERATIONS = Path.of("..", "docs", "OPERATIONS.md");

  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension(PoaSandbox.builder());

  @Test
  void everyMetricNameInOperationsMd_isInTheScrape() throws IOException {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig()
        .observationHandler(new DefaultMeterObservationHandler(prometheus));
    // Resilience4j's own meters, from the registries the providers' breakers and retries live in.
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    RetryRegistry retries = RetryRegistry.ofDefaults();
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(prometheus);
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(prometheus);
    PoaAuthMetrics healthy = PoaAuthMetrics.create("poa-healthy", prometheus, observations);
    PoaAuthMetrics rejected = PoaAuthMetrics.create("poa-rejected", prometheus, observations);
    try (PoaTokenProvider good = builder("poa-healthy", healthy, breakers, retries)
            .clientSecret(PoaSandbox.DEFAULT_CLIENT_SECRET).circuitBreaker(50, 2, 2, Duration.ofSeconds(30)).build();
        PoaTokenProvider bad = builder("poa-rejected", rejected, breakers, retries).clientSecret("wrong").build()) {
      healthy.bind(good);
      rejected.bind(bad);
      AccessToken token = good.token();
      good.invalidate(token);
      POA.sandbox().faults().failNext(1, 503);
      // 1 success and 1 failure in a window of 2: the breaker opens.
      assertThatThrownBy(good::token).isInstanceOf(TokenEndpointUnavailableException.class);
      assertThatThrownBy(good::token).isInstanceOf(TokenEndpointUnavailableException.class);
      assertThatThrownBy(good::token).isInstanceOf(TokenEndpointUnavailableException.class);
      assertThatThrownBy(bad::token).isInstanceOf(CredentialsRejectedException.class);

      String scrape = prometheus.scrape();
      Files.writeString(Path.of("target", "prometheus-scrape.txt"), scrape, StandardCharsets.UTF_8);

      Set<String> documented = names(Files.readString(OPERATIONS, StandardCharsets.UTF_8));
      Set<String> scraped = names(scrape);
      assertThat(documented).isNotEmpty();
      assertThat(scraped).containsAll(documented);
      assertThat(scrape).doesNotContain(PoaSandbox.DEFAULT_CLIENT_SECRET).doesNotContain(token.value());
    } finally {
      healthy.close();
      rejected.close();
    }
  }

  private static PoaTokenProvider.Builder builder(String name, PoaAuthMetrics metrics,
      CircuitBreakerRegistry breakers, RetryRegistry retries) {
    return PoaTokenProvider.builder()
        .name(name)
        .baseUrl(POA.sandbox().baseUrl())
        .clientId(PoaSandbox.DEFAULT_CLIENT_ID)
        .retry(1, Duration.ofMillis(200), Duration.ofSeconds(5))
        .registries(breakers, retries)
        .listener(metrics.listener());
  }

  private static Set<String> names(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
