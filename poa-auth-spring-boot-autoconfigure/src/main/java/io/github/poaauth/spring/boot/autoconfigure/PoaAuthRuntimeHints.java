package io.github.poaauth.spring.boot.autoconfigure;

import io.github.poaauth.api.TokenApi;
import io.github.poaauth.api.model.OAuthError;
import io.github.poaauth.api.model.TokenResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.util.List;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

/**
 * What poa-auth does reflectively, for Spring AOT and GraalVM native images (registered in
 * {@code META-INF/spring/aot.factories}, so an application gets these hints from the starter
 * alone):
 *
 * <ul>
 *   <li>the generated Jackson models of the token endpoint's answers, {@link TokenResponse} and
 *       {@link OAuthError}: Jackson binds them through their constructors, getters, setters and
 *       annotations;
 *   <li>the generated Feign interface {@link TokenApi}: Feign implements it as a JDK proxy and
 *       reads its methods' annotations (the client reads its request line too);
 *   <li>{@code CircuitBreakerConfig.Builder#clock(Clock)}, which the client looks up and calls
 *       reflectively (Resilience4j 2.2 has none; then the breaker runs on the system clock);
 *   <li>{@link PoaAuthProperties} and its nested groups, which {@code poa.auth.*} binds to.
 * </ul>
 *
 * <p>Not covered: {@code feign.Logger} subclasses of the application, whose declared methods the
 * starter looks at to warn about unmasked headers; without a hint for them the warning is given
 * when it need not be, never omitted.
 */
public class PoaAuthRuntimeHints implements RuntimeHintsRegistrar {

  /** The Jackson-bound models the client reads from the token endpoint. */
  static final List<Class<?>> MODELS = List.of(TokenResponse.class, OAuthError.class);

  @Override
  public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
    new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(),
        MODELS.toArray(Class<?>[]::new));

    hints.proxies().registerJdkProxy(TokenApi.class);
    hints.reflection().registerType(TokenApi.class, MemberCategory.INVOKE_PUBLIC_METHODS);
    for (Class<?> api : TokenApi.class.getInterfaces()) {
      hints.reflection().registerType(api, MemberCategory.INVOKE_PUBLIC_METHODS);
    }

    hints.reflection().registerType(CircuitBreakerConfig.Builder.class, type -> type.withMethod(
        "clock", List.of(TypeReference.of(Clock.class)), ExecutableMode.INVOKE));

    BindableRuntimeHintsRegistrar.forTypes(PoaAuthProperties.class).registerHints(hints);
  }
}
