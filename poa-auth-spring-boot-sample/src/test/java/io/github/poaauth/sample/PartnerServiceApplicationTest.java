package io.github.poaauth.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.spring.boot.test.AutoConfigurePoaSandbox;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.test.context.SpringBootTest;

/** The sample service, unchanged, against the sandbox: its POA API calls carry sandbox tokens. */
@SpringBootTest(properties = "partner.poa-api-url=${poa.sandbox.api-url}")
@AutoConfigurePoaSandbox
class PartnerServiceApplicationTest {

  @Autowired PoaOrdersClient feign;
  @Autowired PoaOrdersRestClient rest;
  @Autowired PoaSandbox poa;
  @Autowired PoaTokenProvider tokens;
  @Autowired HealthEndpoint health;

  @Test
  void feignClient_callsThePoaApiWithASandboxToken() {
    assertThat(feign.order("42")).isEqualTo("{\"accepted\":true}");
    assertThat(poa.isValidToken(tokens.token().value())).isTrue();
  }

  @Test
  void restClient_callsThePoaApiWithASandboxToken() {
    assertThat(rest.order("42")).isEqualTo("{\"accepted\":true}");
  }

  @Test
  void aRevokedToken_isReplacedOnce_andTheCallSucceeds() {
    tokens.token();
    int before = poa.tokenRequestCount();
    poa.faults().rejectTokens(1);

    assertThat(feign.order("7")).isEqualTo("{\"accepted\":true}");
    assertThat(poa.tokenRequestCount()).isEqualTo(before + 1);
  }

  /** .ci/matrix runs this service on Spring Boot 4.1 too: the Spring Boot its POM sets is the one loaded. */
  @Test
  void runsOnTheSpringBootItsPomSets() {
    assertThat(org.springframework.boot.SpringBootVersion.getVersion())
        .isEqualTo(System.getProperty("poa.expected.spring-boot.version"));
  }

  @Test
  void health_showsPoaAuth() {
    tokens.token();

    assertThat(health.healthForPath("poaAuth").getStatus().getCode()).isEqualTo("UP");
  }
}
