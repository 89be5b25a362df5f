package io.github.poaauth.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.github.poaauth.api.TokenApi;
import io.github.poaauth.api.model.OAuthError;
import io.github.poaauth.api.model.TokenResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;

/**
 * The hints {@link PoaAuthRuntimeHints} registers cover what poa-auth does reflectively, checked
 * with Spring's {@link RuntimeHintsPredicates}; and Spring AOT finds the registrar through
 * {@code META-INF/spring/aot.factories}, as it does when it processes an application.
 */
class PoaAuthRuntimeHintsTest {

  private final RuntimeHints hints = registered();

  private static RuntimeHints registered() {
    RuntimeHints hints = new RuntimeHints();
    new PoaAuthRuntimeHints().registerHints(hints, PoaAuthRuntimeHints.class.getClassLoader());
    return hints;
  }

  @Test
  void springAot_findsTheRegistrar_inAotFactories() {
    List<RuntimeHintsRegistrar> registrars =
        AotServices.factories().load(RuntimeHintsRegistrar.class).asList();

    assertThat(registrars).hasAtLeastOneElementOfType(PoaAuthRuntimeHints.class);
  }

  @Test
  void jacksonModels_everyConstructorAndAccessorJacksonUses_isInvocable() {
    ObjectMapper mapper = new ObjectMapper();
    for (Class<?> model : List.of(TokenResponse.class, OAuthError.class)) {
      assertThat(RuntimeHintsPredicates.reflection().onType(model)).accepts(hints);
      JavaType type = mapper.constructType(model);
      BeanDescription forReading = mapper.getDeserializationConfig().introspect(type);
      assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(
          forReading.findDefaultConstructor().getAnnotated())).as(model + "()").accepts(hints);
      List<BeanPropertyDefinition> properties = forReading.findProperties();
      assertThat(properties).as("%s's properties", model).isNotEmpty();
      for (BeanPropertyDefinition property : properties) {
        if (property.hasSetter()) {
          assertThat(RuntimeHintsPredicates.reflection()
              .onMethodInvocation(property.getSetter().getAnnotated()))
              .as("%s.%s", model.getSimpleName(), property.getSetter().getName()).accepts(hints);
        }
      }
      BeanDescription forWriting =
          mapper.getSerializationConfig().introspect(mapper.constructType(model));
      for (BeanPropertyDefinition property : forWriting.findProperties()) {
        if (property.hasGetter()) {
          assertThat(RuntimeHintsPredicates.reflection()
              .onMethodInvocation(property.getGetter().getAnnotated()))
              .as("%s.%s", model.getSimpleName(), property.getGetter().getName()).accepts(hints);
        }
      }
    }
  }

  @Test
  void tokenApi_isAJdkProxy_whoseMethodsFeignReads() throws NoSuchMethodException {
    assertThat(RuntimeHintsPredicates.proxies().forInterfaces(TokenApi.class)).accepts(hints);
    for (Method method : TokenApi.class.getMethods()) {
      assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(method))
          .as("TokenApi.%s", method.getName()).accepts(hints);
    }
    // The client reads the generated request line (TokenCall#generatedPath).
    assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(TokenApi.class.getMethod(
        "createPartnerToken", String.class, String.class, String.class))).accepts(hints);
  }

  @Test
  void theBreakersClockSetter_thatTheClientCallsReflectively() throws NoSuchMethodException {
    Method clock = CircuitBreakerConfig.Builder.class.getMethod("clock", Clock.class);

    assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(clock)).accepts(hints);
  }

  @Test
  void configurationProperties_andTheirNestedGroups_areBindable() throws Exception {
    List<Class<?>> types = List.of(PoaAuthProperties.class, PoaAuthProperties.Retry.class,
        PoaAuthProperties.CircuitBreaker.class);
    for (Class<?> type : types) {
      assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(
          type.getDeclaredConstructor())).as("%s()", type.getName()).accepts(hints);
      PropertyDescriptor[] properties = Introspector.getBeanInfo(type, Object.class)
          .getPropertyDescriptors();
      assertThat(properties).isNotEmpty();
      Arrays.stream(properties).map(PropertyDescriptor::getWriteMethod)
          .filter(setter -> setter != null)
          .forEach(setter -> assertThat(RuntimeHintsPredicates.reflection()
              .onMethodInvocation(setter)).as("%s", setter).accepts(hints));
    }
  }
}
