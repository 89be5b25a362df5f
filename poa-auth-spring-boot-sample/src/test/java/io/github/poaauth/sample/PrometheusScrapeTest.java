package io.github.poaauth.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.spring.boot.test.AutoConfigurePoaSandbox;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The sample service's {@code /actuator/prometheus} (its endpoint bean, scraped as the HTTP
 * endpoint does) shows poa-auth's meters after a refresh and after an injected fault.
 */
@SpringBootTest(properties = {"partner.poa-api-url=${poa.sandbox.api-url}",
    // @SpringBootTest turns metrics export off; this service's test scrapes, so it is on.
    "management.defaults.metrics.export.enabled=true",
    "management.prometheus.metrics.export.enabled=true",
    "management.endpoints.web.exposure.include=health,prometheus",
    "poa.auth.max-attempts=1"})
@AutoConfigurePoaSandbox
class PrometheusScrapeTest {

  @Autowired PrometheusScrapeEndpoint prometheus;
  @Autowired PoaSandbox poa;
  @Autowired PoaTokenProvider tokens;

  private String scrape() {
    return new String(prometheus.scrape(PrometheusOutputFormat.CONTENT_TYPE_004, null).getBody(),
        StandardCharsets.UTF_8);
  }

  @Test
  void afterARefreshAndAnInjectedFault_theMetersAreScraped() throws java.io.IOException {
    AccessToken first = tokens.token();

    String afterRefresh = scrape();
    assertThat(afterRefresh)
        .containsPattern("poa_auth_token_refreshes_total\\{[^}]*outcome=\"success\"[^}]*} 1\\.0")
        .contains("poa_auth_token_time_to_expiry_seconds")
        .contains("poa_auth_token_request_seconds_count")
        .contains("resilience4j_circuitbreaker_state");

    poa.faults().failNext(1, 503);
    tokens.invalidate(first);
    assertThat(catchThrowable(tokens::token)).isInstanceOf(TokenEndpointUnavailableException.class);

    String afterFault = scrape();
    assertThat(afterFault)
        .containsPattern("poa_auth_token_refreshes_total\\{[^}]*error_type=\"TokenEndpointUnavailableException\"[^}]*outcome=\"failure\"[^}]*} 1\\.0")
        .contains("poa_auth_token_invalidations_total")
        .doesNotContain(first.value()).doesNotContain(poa.defaultClientSecret());
    // Kept for the record (operations guide, release notes): what the endpoint showed.
    java.nio.file.Files.writeString(java.nio.file.Path.of("target", "prometheus-scrape.txt"), afterFault);
  }
}
