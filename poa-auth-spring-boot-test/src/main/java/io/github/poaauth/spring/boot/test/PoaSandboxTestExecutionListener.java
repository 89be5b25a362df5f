package io.github.poaauth.spring.boot.test;

import io.github.poaauth.sandbox.PoaSandbox;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Clears the sandbox's faults and recordings before each test method of a class annotated with
 * {@link AutoConfigurePoaSandbox}, so that counts such as {@code tokenRequestCount()} start from
 * zero in every test even though the context (and its sandbox) is shared.
 */
class PoaSandboxTestExecutionListener extends AbstractTestExecutionListener {

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE - 100;
  }

  @Override
  public void beforeTestMethod(TestContext testContext) {
    if (TestContextAnnotationUtils.hasAnnotation(testContext.getTestClass(),
        AutoConfigurePoaSandbox.class)) {
      testContext.getApplicationContext().getBean(
          PoaSandboxContextCustomizerFactory.PoaSandboxContextCustomizer.BEAN_NAME,
          PoaSandbox.class).reset();
    }
  }
}
