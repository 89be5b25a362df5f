package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * JUnit 5.13+ warns "Type implements CloseableResource but not AutoCloseable" for a store value
 * that implements only the deprecated interface; the extension's stored sandbox implements both,
 * so partners' builds stay quiet (issue 18), and JUnit still closes it.
 */
class ExtensionStoreWarningTest {

  /** Where JUnit logs that warning (java.util.logging). */
  private static final String JUNIT_LOGGER =
      "org.junit.jupiter.engine.descriptor.AbstractExtensionContext";

  @Test
  void theSandboxExtension_drawsNoStoreWarning() {
    List<String> warnings = warningsWhileRunning(PoaSandboxExtensionTest.DeclarativeSample.class);

    assertThat(warnings).noneMatch(message -> message.contains("CloseableResource"));
  }

  /** The check above could pass because nothing is captured: this control shows it would see one. */
  @Test
  void aValueThatIsOnlyACloseableResource_drawsTheWarning() {
    List<String> warnings = warningsWhileRunning(OnlyCloseableResourceSample.class);

    assertThat(warnings).anyMatch(message -> message.contains("CloseableResource"));
  }

  private static List<String> warningsWhileRunning(Class<?> testClass) {
    List<String> messages = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        messages.add(String.valueOf(record.getMessage()));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(JUNIT_LOGGER);
    boolean useParentHandlers = logger.getUseParentHandlers();
    logger.addHandler(capture);
    // The control's warning is expected: keep it out of the build log.
    logger.setUseParentHandlers(false);
    try {
      EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute()
          .testEvents().assertStatistics(stats -> stats.failed(0));
    } finally {
      logger.removeHandler(capture);
      logger.setUseParentHandlers(useParentHandlers);
    }
    return messages;
  }

  /** Stores a value of the old kind, as third-party extensions (Pact JVM 4.7) still do. */
  static final class OnlyCloseableResourceExtension implements BeforeAllCallback {
    @Override
    @SuppressWarnings("deprecation")
    public void beforeAll(ExtensionContext context) {
      context.getStore(ExtensionContext.Namespace.create(getClass())).put("value",
          (ExtensionContext.Store.CloseableResource) () -> { });
    }
  }

  @ExtendWith(OnlyCloseableResourceExtension.class)
  static class OnlyCloseableResourceSample {
    @Test
    void runs() {}
  }
}
