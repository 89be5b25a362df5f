package io.github.poaauth.spring.boot.autoconfigure;

import feign.Logger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cloud.openfeign.DefaultFeignLoggerFactory;
import org.springframework.cloud.openfeign.FeignClientSpecification;
import org.springframework.cloud.openfeign.FeignClientsConfiguration;
import org.springframework.cloud.openfeign.FeignLoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.MethodMetadata;

/**
 * Makes Spring Cloud OpenFeign clients log with {@link PoaTokenMaskingFeignLogger}, so that no
 * bearer token a request interceptor adds reaches a log, whatever the client's
 * {@code Logger.Level} (POA's own token is added after logging, by the Feign capability).
 *
 * <p>Spring Cloud OpenFeign gives each client a context of its own, where
 * {@code FeignClientsConfiguration} defines the {@code FeignLoggerFactory} that makes the
 * client's logger: {@code new Slf4jLogger(clientInterface)}, or the {@code feign.Logger} bean if
 * the application (or that client's configuration) has one. This configuration is registered in
 * every client's context as {@code @EnableFeignClients(defaultConfiguration = ...)} would be
 * ({@link #specification()}), and replaces only that default factory, only when there is no
 * {@code feign.Logger} bean: the logger it makes is then {@link PoaTokenMaskingFeignLogger}
 * under the same name. An application's own {@code FeignLoggerFactory} or {@code feign.Logger}
 * bean is used as it is; when such a logger does not decide itself which request headers to
 * print ({@code shouldLogRequestHeader}), a warning says that it prints interceptors'
 * {@code Authorization} headers at {@code HEADERS} and {@code FULL}.
 */
@Configuration(proxyBeanMethods = false)
class FeignClientTokenMasking {
  private static final Log LOG = LogFactory.getLog(FeignClientTokenMasking.class);

  /** Spring Cloud OpenFeign's name for the default factory's bean. */
  static final String DEFAULT_FACTORY_BEAN = "feignLoggerFactory";

  /** @return the specification that adds this configuration to every Feign client's context */
  static FeignClientSpecification specification() {
    return new FeignClientSpecification("default.poa-auth.token-masking", "default",
        new Class<?>[] {FeignClientTokenMasking.class});
  }

  @Bean
  static BeanPostProcessor poaTokenMaskingFeignLoggerFactory(ConfigurableListableBeanFactory beans) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (!(bean instanceof FeignLoggerFactory factory) || !isSpringCloudsDefault(beans, name, bean)) {
          return bean;
        }
        String[] loggers = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(
            (ListableBeanFactory) beans, Logger.class);
        if (loggers.length == 0) {
          return (FeignLoggerFactory) PoaTokenMaskingFeignLogger::new;
        }
        return (FeignLoggerFactory) type -> warnIfUnmasked(factory.create(type), type);
      }
    };
  }

  private static boolean isSpringCloudsDefault(ConfigurableListableBeanFactory beans, String name,
      Object bean) {
    if (bean.getClass() != DefaultFeignLoggerFactory.class || !DEFAULT_FACTORY_BEAN.equals(name)
        || !beans.containsBeanDefinition(name)) {
      return false;
    }
    BeanDefinition definition = beans.getBeanDefinition(name);
    MethodMetadata factoryMethod = definition instanceof AnnotatedBeanDefinition annotated
        ? annotated.getFactoryMethodMetadata() : null;
    return factoryMethod != null
        && FeignClientsConfiguration.class.getName().equals(factoryMethod.getDeclaringClassName());
  }

  private static Logger warnIfUnmasked(Logger logger, Class<?> type) {
    if (!(logger instanceof PoaTokenMaskingFeignLogger) && !choosesRequestHeaders(logger)) {
      LOG.warn("Feign client " + type.getName() + " logs with the application's own feign.Logger ("
          + logger.getClass().getName() + "), which poa-auth leaves as it is: at Logger.Level "
          + "HEADERS or FULL it prints the Authorization header, bearer token included. Extend "
          + PoaTokenMaskingFeignLogger.class.getName() + ", or override "
          + "shouldLogRequestHeader(String) to leave Authorization out.");
    }
    return logger;
  }

  /** Whether the logger's class overrides {@code feign.Logger#shouldLogRequestHeader}. */
  private static boolean choosesRequestHeaders(Logger logger) {
    for (Class<?> c = logger.getClass(); c != Logger.class && c != null; c = c.getSuperclass()) {
      try {
        c.getDeclaredMethod("shouldLogRequestHeader", String.class);
        return true;
      } catch (NoSuchMethodException notHere) {
        // look further up
      }
    }
    return false;
  }
}
