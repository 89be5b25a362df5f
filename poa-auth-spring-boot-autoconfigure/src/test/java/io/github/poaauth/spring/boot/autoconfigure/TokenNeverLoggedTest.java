package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import feign.Logger;
import io.github.poaauth.client.PoaTokenProvider;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.PoaSandboxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.cloud.openfeign.FeignLoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Tokens never reach the log: real application contexts (all auto-configuration, as a partner's
 * service has it) call the sandbox's POA API stand-in through OpenFeign at {@code FULL}, and
 * through RestClient and WebClient with Spring's web logging at TRACE, each recovering from a
 * 401, while the output is captured. The application's own Feign logger beans are used as they
 * are.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenNeverLoggedTest {
  @RegisterExtension
  static final PoaSandboxExtension POA = new PoaSandboxExtension();

  /** Logger names set to DEBUG or TRACE for these tests (the Feign clients are nested here). */
  private static final List<String> VERBOSE = List.of("io.github.poaauth",
      "org.springframework.web", "org.springframework.http", "feign");

  private static final String BASIC =
      "spring.cloud.openfeign.client.config.default.logger-level=basic";

  private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());

  @BeforeEach
  void verbose() {
    VERBOSE.forEach(name -> logging.setLogLevel(name, LogLevel.TRACE));
  }

  @AfterEach
  void quiet() {
    VERBOSE.forEach(name -> logging.setLogLevel(name, null));
  }

  @FeignClient(name = "poa-orders", url = "${test.api-url}")
  interface PoaOrders {
    @GetMapping("/orders")
    String orders();
  }

  @FeignClient(name = "poa-orders-own-logger", url = "${test.api-url}",
      configuration = OwnLoggerForOneClient.class)
  interface PoaOrdersOwnLogger {
    @GetMapping("/orders")
    String orders();
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @EnableFeignClients(clients = PoaOrders.class)
  static class App {
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @EnableFeignClients(clients = PoaOrdersOwnLogger.class)
  static class AppWithPerClientLogger {
  }

  /** A partner's logger: records what Feign asks it to print. */
  static class RecordingLogger extends Logger {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected void log(String configKey, String format, Object... args) {
      lines.add(String.format(format, args));
    }
  }

  /** Not a bean of the application: the configuration of one client only. */
  static class OwnLoggerForOneClient {
    static final RecordingLogger LOGGER = new RecordingLogger();

    @Bean
    Logger feignLogger() {
      return LOGGER;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnLogger {
    @Bean
    RecordingLogger feignLogger() {
      return new RecordingLogger();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnLoggerFactory {
    @Bean
    RecordingLogger recordingLogger() {
      return new RecordingLogger();
    }

    @Bean
    FeignLoggerFactory feignLoggerFactory(RecordingLogger logger) {
      return type -> logger;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class FullLevelBean {
    @Bean
    Logger.Level feignLoggerLevel() {
      return Logger.Level.FULL;
    }
  }

  private static ApplicationContextRunner runner(Class<?> app) {
    PoaSandbox sandbox = POA.sandbox();
    return new ApplicationContextRunner().withUserConfiguration(app).withPropertyValues(
        "poa.auth.base-url=" + sandbox.baseUrl(),
        "poa.auth.client-id=" + sandbox.defaultClientId(),
        "poa.auth.client-secret=" + sandbox.defaultClientSecret(),
        "test.api-url=" + sandbox.apiEndpoint());
  }

  /** What Feign's loggers print first for {@code orders()}. */
  private static String requestLine() {
    return "---> GET " + POA.sandbox().apiEndpoint() + "/orders HTTP/1.1";
  }

  /** The call, with the first token rejected: the 401 recovery sends a second one. */
  private static List<String> tokensOfOneRecoveredCall(AssertableApplicationContext context,
      Runnable call) {
    PoaTokenProvider tokens = context.getBean(PoaTokenProvider.class);
    String first = tokens.token().value();
    POA.sandbox().reset();
    POA.sandbox().faults().rejectTokens(1);
    call.run();
    String second = tokens.token().value();
    assertThat(second).isNotEqualTo(first);
    assertThat(POA.sandbox().tokenRequestCount()).isEqualTo(1);
    return List.of(first, second);
  }

  @Test
  void feign_atFull_printsTheRequestLineAndHeaderName_neverTheToken(CapturedOutput output) {
    runner(App.class)
        .withPropertyValues("spring.cloud.openfeign.client.config.default.logger-level=full")
        .run(context -> {
          PoaOrders orders = context.getBean(PoaOrders.class);
          List<String> tokens = tokensOfOneRecoveredCall(context,
              () -> assertThat(orders.orders()).isEqualTo("{\"accepted\":true}"));

          assertThat(output.getAll())
              .contains("[PoaOrders#orders] ---> GET " + POA.sandbox().apiEndpoint() + "/orders")
              // The capability adds the token below Feign's logger, which never sees it.
              .doesNotContain("[PoaOrders#orders] Authorization")
              .contains("[PoaOrders#orders] <--- HTTP/1.1 200")
              .contains("{\"accepted\":true}") // FULL: the response body
              .doesNotContain(tokens.get(0)).doesNotContain(tokens.get(1));
        });
  }

  @Test
  void feign_fullLevelBean_printsNoTokenEither(CapturedOutput output) {
    runner(App.class).withUserConfiguration(FullLevelBean.class).run(context -> {
      PoaOrders orders = context.getBean(PoaOrders.class);
      List<String> tokens = tokensOfOneRecoveredCall(context, orders::orders);

      assertThat(output.getAll()).contains("[PoaOrders#orders] ---> GET")
          .doesNotContain(tokens.get(0)).doesNotContain(tokens.get(1));
    });
  }

  @Test
  void restClientAndWebClient_withSpringsWebLoggingAtTrace_printNoToken(CapturedOutput output) {
    runner(App.class).run(context -> {
      RestClient rest = context.getBean(RestClient.Builder.class).build();
      WebClient web = context.getBean(WebClient.Builder.class).build();

      List<String> restTokens = tokensOfOneRecoveredCall(context, () -> assertThat(
          rest.get().uri(POA.sandbox().apiEndpoint()).retrieve().body(String.class))
          .isEqualTo("{\"accepted\":true}"));
      List<String> webTokens = tokensOfOneRecoveredCall(context, () -> assertThat(
          web.get().uri(POA.sandbox().apiEndpoint()).retrieve().bodyToMono(String.class).block())
          .isEqualTo("{\"accepted\":true}"));

      assertThat(output.getAll()).contains(POA.sandbox().apiEndpoint().toString())
          .doesNotContain(restTokens.get(0)).doesNotContain(restTokens.get(1))
          .doesNotContain(webTokens.get(1));
    });
  }

  /**
   * The application's own {@code feign.Logger} bean, or its own {@code FeignLoggerFactory}, logs
   * every client; the starter warns about the logger bean (it cannot tell what a factory makes).
   */
  @ParameterizedTest
  @ValueSource(classes = {OwnLogger.class, OwnLoggerFactory.class})
  void applicationsOwnLoggerOrFactory_isUsedAsItIs(Class<?> own, CapturedOutput output) {
    runner(App.class).withUserConfiguration(own).withPropertyValues(BASIC).run(context -> {
      context.getBean(PoaOrders.class).orders();

      assertThat(context.getBean(RecordingLogger.class).lines).contains(requestLine());
      assertThat(output.getAll().contains("Feign client " + PoaOrders.class.getName()
          + " logs with the application's own feign.Logger (" + RecordingLogger.class.getName()
          + "), which poa-auth leaves as it is")).isEqualTo(own == OwnLogger.class);
    });
  }

  @Test
  void oneClientsOwnLogger_isUsedForThatClient(CapturedOutput output) {
    runner(AppWithPerClientLogger.class)
        .withPropertyValues(BASIC)
        .run(context -> {
          OwnLoggerForOneClient.LOGGER.lines.clear();
          context.getBean(PoaOrdersOwnLogger.class).orders();

          assertThat(OwnLoggerForOneClient.LOGGER.lines)
              .contains(requestLine());
          assertThat(output.getAll()).contains("Feign client "
              + PoaOrdersOwnLogger.class.getName() + " logs with the application's own");
        });
  }

  @Test
  void maskedHeaders_keepTheirSchemeOnly() {
    assertThat(maskedHeaders(java.util.Map.of("Authorization", List.of("Bearer abc.def"),
        "Proxy-Authorization", List.of("Basic dXNlcjpwYXNz"), "Accept", List.of("*/*"))))
        .containsEntry("Authorization", List.of("Bearer ****"))
        .containsEntry("Proxy-Authorization", List.of("Basic ****"))
        .containsEntry("Accept", List.of("*/*"));
    assertThat(maskedHeaders(java.util.Map.of("authorization", List.of("eyJhbGciOi.no-scheme"))))
        .containsEntry("authorization", List.of("****"));
  }

  private static java.util.Map<String, java.util.Collection<String>> maskedHeaders(
      java.util.Map<String, java.util.Collection<String>> headers) {
    return PoaTokenMaskingFeignLogger.masked(feign.Request.create(feign.Request.HttpMethod.GET,
        "https://api.poa.example.com/x", headers, null, null, null)).headers();
  }
}
