package io.github.poaauth.spring.boot.test;

import io.github.poaauth.sandbox.PoaSandbox;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Starts the sandbox of {@link AutoConfigurePoaSandbox} for each application context built for
 * an annotated test class. Registered in {@code META-INF/spring.factories}, as Spring Boot's own
 * test customizers are. All annotated classes share one context key, so Spring's context cache
 * reuses the context, and its sandbox, across them.
 */
class PoaSandboxContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(Class<?> testClass,
      List<ContextConfigurationAttributes> configAttributes) {
    return TestContextAnnotationUtils.hasAnnotation(testClass, AutoConfigurePoaSandbox.class)
        ? new PoaSandboxContextCustomizer() : null;
  }

  /** Stateless: its equality is what lets the context cache share contexts. */
  static final class PoaSandboxContextCustomizer implements ContextCustomizer {
    static final String BEAN_NAME = "poaSandbox";

    @Override
    public void customizeContext(ConfigurableApplicationContext context,
        MergedContextConfiguration mergedConfig) {
      PoaSandbox sandbox = PoaSandbox.builder().start();
      String host = URI.create(sandbox.baseUrl()).getHost();
      Map<String, Object> properties = new LinkedHashMap<>();
      properties.put("poa.auth.base-url", sandbox.baseUrl());
      properties.put("poa.auth.client-id", sandbox.defaultClientId());
      properties.put("poa.auth.client-secret", sandbox.defaultClientSecret());
      properties.put("poa.auth.api-hosts", host);
      properties.put("poa.sandbox.base-url", sandbox.baseUrl());
      properties.put("poa.sandbox.api-url", sandbox.apiEndpoint().toString());
      context.getEnvironment().getPropertySources()
          .addFirst(new MapPropertySource("poaSandbox", properties));

      ConfigurableListableBeanFactory beans = context.getBeanFactory();
      beans.registerSingleton(BEAN_NAME, sandbox);
      if (beans instanceof DefaultSingletonBeanRegistry registry) {
        registry.registerDisposableBean(BEAN_NAME, sandbox::close);
      } else {
        context.addApplicationListener(new SandboxCloser(context, sandbox));
      }
    }

    @Override
    public boolean equals(Object other) {
      return other != null && other.getClass() == getClass();
    }

    @Override
    public int hashCode() {
      return getClass().hashCode();
    }
  }

  /** Closes the sandbox with its context, where the bean factory cannot. */
  private record SandboxCloser(ConfigurableApplicationContext context, PoaSandbox sandbox)
      implements org.springframework.context.ApplicationListener<
          org.springframework.context.event.ContextClosedEvent> {
    @Override
    public void onApplicationEvent(org.springframework.context.event.ContextClosedEvent event) {
      if (event.getApplicationContext() == context) {
        sandbox.close();
      }
    }
  }
}
