package io.github.poaauth.keycloak.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the one {@link PoaKeycloak} of this test JVM as a constructor or method parameter.
 *
 * <pre>{@code
 * @ExtendWith(KeycloakExtension.class)
 * class SomeIT {
 *   SomeIT(PoaKeycloak keycloak) { ... }
 * }
 * }</pre>
 *
 * <p>The first parameter asked for starts Keycloak; it lives in the root context's store, so
 * every later test class of the run gets the same server, and JUnit closes it (an
 * {@link AutoCloseable} in a store is closed with its context) after the last test of the run,
 * whether tests passed or failed. That is this suite's {@code @AfterAll}: one per run, not per
 * class, because a start costs 0.5 to 2 minutes. If the JVM dies first, {@link KeycloakServer}'s
 * shutdown hook stops Keycloak. A failed start is remembered by the store: the next test class
 * fails with the same error at once instead of waiting minutes again.
 */
public final class KeycloakExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KeycloakExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PoaKeycloak.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(PoaKeycloak.class, key -> PoaKeycloak.start(), PoaKeycloak.class);
  }
}
