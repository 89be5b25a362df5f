package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Builder defaults and validation, starting and stopping. */
class SandboxLifecycleTest {

  @Test
  void defaults_areThoseOfTheProviderPage_onALoopbackPort() {
    try (PoaSandbox sandbox = PoaSandbox.builder().start()) {
      assertThat(sandbox.defaultClientId()).isEqualTo("sandbox-partner");
      assertThat(sandbox.defaultClientSecret()).isEqualTo("sandbox-secret");
      assertThat(sandbox.clientIds()).containsExactly("sandbox-partner");
      assertThat(sandbox.tokenLifetime()).isEqualTo(Duration.ofSeconds(1800));
      assertThat(sandbox.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
      assertThat(sandbox.tokenEndpoint())
          .hasToString(sandbox.baseUrl() + PoaSandbox.TOKEN_PATH);
    }
  }

  @Test
  void registeringAClient_replacesTheDefaultClient() {
    try (PoaSandbox sandbox = PoaSandbox.builder().client("partner-1", "s3cret").start()) {
      assertThat(sandbox.defaultClientId()).isEqualTo("partner-1");
      assertThat(sandbox.defaultClientSecret()).isEqualTo("s3cret");
      assertThat(sandbox.clientIds()).containsExactly("partner-1");
    }
  }

  @Test
  void oneBuilder_startsIndependentSandboxes_onDifferentFreePorts() {
    PoaSandbox.Builder builder = PoaSandbox.builder();
    try (PoaSandbox one = builder.start(); PoaSandbox two = builder.start()) {
      assertThat(one.baseUrl()).isNotEqualTo(two.baseUrl());
    }
  }

  @Test
  void close_stopsServing_andMayBeCalledTwice() throws Exception {
    PoaSandbox sandbox = PoaSandbox.builder().start();
    assertThat(Wire.postForm(sandbox, Wire.validForm(sandbox)).statusCode()).isEqualTo(200);

    sandbox.close();
    sandbox.close();

    Throwable thrown = catchThrowable(() -> Wire.postForm(sandbox, Wire.validForm(sandbox)));
    assertThat(thrown).isInstanceOf(ConnectException.class);
    assertThat(sandbox.toString()).endsWith(", closed}");
  }

  @Test
  void portInUse_failsWithTheAddressInTheMessage() {
    try (PoaSandbox first = PoaSandbox.builder().start()) {
      int port = Integer.parseInt(first.baseUrl().substring(first.baseUrl().lastIndexOf(':') + 1));

      assertThatThrownBy(() -> PoaSandbox.builder().port(port).start())
          .isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1:" + port);
    }
  }

  @Test
  void builder_rejectsBadSettings_namingTheSettingAndTheValue() {
    PoaSandbox.Builder builder = PoaSandbox.builder().client("taken", "secret-1");

    assertThatThrownBy(() -> builder.client(" ", "x"))
        .hasMessage("clientId must not be blank, but was ' '");
    assertThatThrownBy(() -> builder.client("partner-1", ""))
        .hasMessage("clientSecret of client 'partner-1' must not be empty: POA clients are confidential");
    assertThatThrownBy(() -> builder.client("taken", "secret-2"))
        .hasMessage("client 'taken' is already registered: register each client id once");
    assertThatThrownBy(() -> builder.client(null, "x")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.tokenLifetime(Duration.ZERO))
        .hasMessage("tokenLifetime must be a whole number of seconds between 1 and 2147483647"
            + " (expires_in is an integer), but was PT0S");
    assertThatThrownBy(() -> builder.tokenLifetime(Duration.ofMillis(1500)))
        .hasMessageEndingWith("but was PT1.5S");
    assertThatThrownBy(() -> builder.tokenLifetime(Duration.ofSeconds(Integer.MAX_VALUE + 1L)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.scope("  ")).hasMessage("scope must not be blank, but was '  '");
    assertThatThrownBy(() -> builder.port(65_536))
        .hasMessage("port must be between 0 (any free port) and 65535, but was 65536");
    assertThatThrownBy(() -> builder.port(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.clock(null)).hasMessage("clock must not be null");
  }

  @Test
  void validationMessages_neverContainTheSecret() {
    PoaSandbox.Builder builder = PoaSandbox.builder().client("taken", "first-Secret-1");

    Throwable duplicate = catchThrowable(() -> builder.client("taken", "second-Secret-2"));

    assertThat(duplicate.getMessage()).doesNotContain("first-Secret-1", "second-Secret-2");
    assertThat(builder.toString()).doesNotContain("first-Secret-1").contains("taken");
  }
}
