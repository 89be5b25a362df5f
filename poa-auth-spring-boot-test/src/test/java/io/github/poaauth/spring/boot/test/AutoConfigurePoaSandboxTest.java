package io.github.poaauth.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.client.PoaApiAuthorization;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

/** A real Spring Boot test context pointed at the sandbox by the annotation alone. */
@SpringBootTest(classes = AutoConfigurePoaSandboxTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"poa.auth.base-url=https://poa.example.com", "poa.auth.client-id=real-id",
        "poa.auth.client-secret=real-secret", "poa.auth.api-hosts=api.poa.example.com"})
@AutoConfigurePoaSandbox
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutoConfigurePoaSandboxTest {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
  }

  @Autowired PoaSandbox sandbox;
  @Autowired PoaTokenProvider tokens;
  @Autowired PoaApiAuthorization authorization;
  @Value("${poa.sandbox.api-url}") String apiUrl;

  @Test
  @Order(1)
  void propertiesPointAtTheSandbox_overTheApplicationsOwn() {
    String token = tokens.token().value();

    assertThat(sandbox.isValidToken(token)).isTrue();
    assertThat(sandbox.tokenRequestCount()).isEqualTo(1);
    assertThat(authorization.hosts()).containsExactly(URI.create(sandbox.baseUrl()).getHost());
    assertThat(authorization.mayCarryToken(URI.create(apiUrl))).isTrue();
    assertThat(apiUrl).isEqualTo(sandbox.apiEndpoint().toString());
  }

  @Test
  @Order(2)
  void recordingsAreClearedBeforeEachTest_tokensStayValid() {
    assertThat(sandbox.tokenRequestCount()).isZero();
    assertThat(sandbox.isValidToken(tokens.token().value())).isTrue();
    assertThat(sandbox.tokenRequestCount()).isZero();
  }

  /** .ci/matrix runs these tests on Spring Boot 4.1 too: the Spring Boot its POM sets is the one loaded. */
  @Test
  void runsOnTheSpringBootItsPomSets() {
    assertThat(org.springframework.boot.SpringBootVersion.getVersion())
        .isEqualTo(System.getProperty("poa.expected.spring-boot.version"));
  }

  @Test
  void unannotatedClasses_getNoSandbox() {
    assertThat(new PoaSandboxContextCustomizerFactory()
        .createContextCustomizer(String.class, List.of())).isNull();
    assertThat(new PoaSandboxContextCustomizerFactory()
        .createContextCustomizer(AutoConfigurePoaSandboxTest.class, List.of()))
        .isEqualTo(new PoaSandboxContextCustomizerFactory.PoaSandboxContextCustomizer());
  }
}
