package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** The JUnit 5 extension: one sandbox per class, injected, clean for each test, stopped after. */
class PoaSandboxExtensionTest {

  @Test
  void declarativeUse_injectsOneSandboxIntoBeforeAllConstructorAndTests_andStopsItAfterTheClass()
      throws Exception {
    DeclarativeSample.seen.clear();

    EngineExecutionResults results = run(DeclarativeSample.class);

    results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));
    assertThat(DeclarativeSample.seen).hasSizeGreaterThanOrEqualTo(5).allSatisfy(
        sandbox -> assertThat(sandbox).isSameAs(DeclarativeSample.seen.get(0)));
    PoaSandbox stopped = DeclarativeSample.seen.get(0);
    assertThat(catchThrowable(() -> Wire.postForm(stopped, Wire.validForm(stopped))))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void programmaticUse_startsTheSandboxWithTheBuildersSettings_andStopsIt() {
    ProgrammaticSample.seen.clear();

    EngineExecutionResults results = run(ProgrammaticSample.class);

    results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    PoaSandbox stopped = ProgrammaticSample.seen.get(0);
    assertThat(stopped.clientIds()).containsExactly("partner-x");
    assertThat(catchThrowable(() -> Wire.postForm(stopped, Wire.validForm(stopped))))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void instanceFieldUse_startsASandboxPerTest() {
    InstanceFieldSample.seen.clear();

    EngineExecutionResults results = run(InstanceFieldSample.class);

    results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
    assertThat(InstanceFieldSample.seen).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void sandbox_beforeTheClassStarts_failsWithAClearMessage() {
    PoaSandboxExtension extension = new PoaSandboxExtension();

    assertThatThrownBy(extension::sandbox)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not started yet");
  }

  private static EngineExecutionResults run(Class<?> testClass) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
  }

  /** Not run by the build directly: {@link PoaSandboxExtensionTest} runs it through the test kit. */
  @ExtendWith(PoaSandboxExtension.class)
  static class DeclarativeSample {

    static final List<PoaSandbox> seen = new CopyOnWriteArrayList<>();

    DeclarativeSample(PoaSandbox sandbox) {
      seen.add(sandbox);
    }

    @BeforeAll
    static void beforeAll(PoaSandbox sandbox) {
      seen.add(sandbox);
    }

    @Test
    void first(PoaSandbox sandbox) throws Exception {
      seen.add(sandbox);
      assertEachTestStartsClean(sandbox);
    }

    @Test
    void second(PoaSandbox sandbox) throws Exception {
      seen.add(sandbox);
      assertEachTestStartsClean(sandbox);
    }

    @Nested
    class Inner {
      @Test
      void sharesTheEnclosingSandbox(PoaSandbox sandbox) {
        seen.add(sandbox);
      }
    }

    /** Whichever test runs second would see 2 requests and a pending fault without the reset. */
    private static void assertEachTestStartsClean(PoaSandbox sandbox) throws Exception {
      assertThat(sandbox.tokenRequestCount()).isZero();
      assertThat(sandbox.faults().pending()).isZero();
      sandbox.faults().failNext(1, 503).failNext(1, 503);
      Wire.postForm(sandbox, Wire.validForm(sandbox));
      assertThat(sandbox.tokenRequestCount()).isEqualTo(1);
    }
  }

  static class ProgrammaticSample {

    static final List<PoaSandbox> seen = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final PoaSandboxExtension POA =
        new PoaSandboxExtension(PoaSandbox.builder().client("partner-x", "x-secret"));

    @Test
    void usesTheRegisteredClient() throws Exception {
      PoaSandbox sandbox = POA.sandbox();
      seen.add(sandbox);
      assertThat(Wire.postForm(sandbox, Wire.form("client_id", "partner-x",
          "client_secret", "x-secret", "grant_type", "client_credentials")).statusCode())
          .isEqualTo(200);
    }
  }

  static class InstanceFieldSample {

    static final List<PoaSandbox> seen = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final PoaSandboxExtension poa = new PoaSandboxExtension();

    @Test
    void one(PoaSandbox sandbox) {
      seen.add(sandbox);
    }

    @Test
    void two(PoaSandbox sandbox) {
      seen.add(sandbox);
    }
  }
}
