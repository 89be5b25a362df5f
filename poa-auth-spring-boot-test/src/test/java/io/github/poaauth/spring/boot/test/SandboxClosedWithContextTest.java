package io.github.poaauth.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.sandbox.PoaSandbox;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.context.MergedContextConfiguration;

/** The sandbox lives exactly as long as its application context. */
class SandboxClosedWithContextTest {

  @Test
  void closingTheContext_closesTheSandbox() {
    PoaSandbox[] seen = new PoaSandbox[1];
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            io.github.poaauth.spring.boot.autoconfigure.PoaAuthAutoConfiguration.class))
        .withInitializer(context -> new PoaSandboxContextCustomizerFactory.PoaSandboxContextCustomizer()
            .customizeContext(context, (MergedContextConfiguration) null))
        .run(context -> {
          seen[0] = context.getBean(PoaSandbox.class);
          assertThat(seen[0].isValidToken(context.getBean(
              io.github.poaauth.client.PoaTokenProvider.class).token().value())).isTrue();
        });

    HttpClient http = HttpClient.newHttpClient();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(
        HttpRequest.newBuilder(seen[0].tokenEndpoint()).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }
}
