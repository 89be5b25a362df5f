package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.test.agent.EnabledIfRuntimeHintsAgent;
import org.springframework.aot.test.agent.RuntimeHintsInvocations;
import org.springframework.aot.test.agent.RuntimeHintsRecorder;

/**
 * A real token fetch (a new provider against the sandbox: the client's classes initialized, the
 * Feign proxy built, the request sent and its answer bound) uses no reflection, resource or
 * proxy that {@link PoaAuthRuntimeHints} does not cover: Spring's RuntimeHintsAgent records what
 * the client's and Feign's own classes do (surefire execution runtime-hints-agent; agent
 * arguments {@code +io.github.poaauth,+feign}), and each recorded invocation must match a hint.
 * Jackson's binding of the models is checked by {@link PoaAuthRuntimeHintsTest} instead (the
 * agent would record Jackson's lookups of its own optional classes, which are not ours to hint).
 *
 * <p>Spring Framework 7 deprecates the agent and its recorder for removal (spring-core-test is
 * not published for 7.0.10): when they go, so does this test, and GraalVM's tracing agent on a
 * machine that has GraalVM is what replaces it.
 */
@EnabledIfRuntimeHintsAgent
@SuppressWarnings("removal")
class PoaAuthRuntimeHintsAgentTest {

  @Test
  void aTokenFetch_usesOnlyWhatTheHintsCover() {
    RuntimeHints hints = new RuntimeHints();
    new PoaAuthRuntimeHints().registerHints(hints, getClass().getClassLoader());

    try (PoaSandbox sandbox = PoaSandbox.builder().start()) {
      RuntimeHintsInvocations invocations = RuntimeHintsRecorder.record(() -> {
        try (PoaTokenProvider tokens = PoaTokenProvider.builder().baseUrl(sandbox.baseUrl())
            .clientId(sandbox.defaultClientId()).clientSecret(sandbox.defaultClientSecret())
            .build()) {
          assertThat(tokens.token().value()).isNotEmpty();
        }
      });

      assertThat(invocations).match(hints);
    }
  }

  /** The recording is not blind: without the hints, the same fetch has unmatched invocations. */
  @Test
  void withoutTheHints_theSameFetchDoesNotMatch() {
    try (PoaSandbox sandbox = PoaSandbox.builder().start()) {
      RuntimeHintsInvocations invocations = RuntimeHintsRecorder.record(() -> {
        try (PoaTokenProvider tokens = PoaTokenProvider.builder().baseUrl(sandbox.baseUrl())
            .clientId(sandbox.defaultClientId()).clientSecret(sandbox.defaultClientSecret())
            .build()) {
          tokens.token();
        }
      });

      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> assertThat(invocations).match(new RuntimeHints()))
          .isInstanceOf(AssertionError.class);
    }
  }
}
