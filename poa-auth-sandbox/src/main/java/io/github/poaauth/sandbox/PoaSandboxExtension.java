package io.github.poaauth.sandbox;

import java.util.Objects;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a {@link PoaSandbox} on a free loopback port for each test class
 * and hands it to the tests.
 *
 * <p>With defaults, declaratively; the sandbox is injected into test methods, lifecycle methods
 * and constructors that declare a {@code PoaSandbox} parameter:
 * <pre>{@code
 * @ExtendWith(PoaSandboxExtension.class)
 * class MyTokenTest {
 *   @Test
 *   void getsAToken(PoaSandbox sandbox) {
 *     MyClient client = new MyClient(sandbox.baseUrl(),
 *         sandbox.defaultClientId(), sandbox.defaultClientSecret());
 *     assertThat(sandbox.isValidToken(client.token())).isTrue();
 *   }
 * }
 * }</pre>
 *
 * <p>With settings, programmatically, from a {@code static} field:
 * <pre>{@code
 * @RegisterExtension
 * static final PoaSandboxExtension POA = new PoaSandboxExtension(
 *     PoaSandbox.builder().client("partner-1", "s3cret").tokenLifetime(Duration.ofSeconds(60)));
 *
 * @Test
 * void retriesAfterAnOutage() {
 *   POA.sandbox().faults().failNext(2, 503);
 *   ...
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>The sandbox starts before the class's {@code @BeforeAll} methods and stops after its
 *       {@code @AfterAll} methods; {@code @Nested} classes share their enclosing class's sandbox.
 *   <li>Before each test its faults and recordings are cleared ({@link PoaSandbox#reset()}), so
 *       tests cannot leak faults or counts into each other. Script faults in the test or in a
 *       {@code @BeforeEach} method, which runs after this reset.
 *   <li>Registered on an instance field instead of a static one, it starts a sandbox per test.
 * </ul>
 *
 * <p>Register one per test class: two would both offer a {@code PoaSandbox} parameter. The
 * extension needs {@code junit-jupiter-api} 5.x at run time, which this module does not bring
 * along (it is the test's own JUnit).
 */
public final class PoaSandboxExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  private static final String KEY = "sandbox";

  private final PoaSandbox.Builder builder;
  /** The last sandbox this extension started or found, for {@link #sandbox()}; set by JUnit's thread. */
  private volatile PoaSandbox current;

  /** A sandbox with the defaults of {@link PoaSandbox#builder()}. */
  public PoaSandboxExtension() {
    this(PoaSandbox.builder());
  }

  /**
   * A sandbox with the builder's settings. The builder is used each time a sandbox starts, so
   * it should not be changed afterwards.
   */
  public PoaSandboxExtension(PoaSandbox.Builder builder) {
    this.builder = Objects.requireNonNull(builder, "builder must not be null");
  }

  /**
   * The running sandbox, for tests that hold this extension in a field.
   *
   * @throws IllegalStateException before the sandbox is started (e.g. from a static initializer)
   */
  public PoaSandbox sandbox() {
    PoaSandbox sandbox = current;
    if (sandbox == null) {
      throw new IllegalStateException("The POA sandbox is not started yet: it starts before the test"
          + " class's @BeforeAll methods when this extension is in a static @RegisterExtension field;"
          + " use sandbox() from a test or lifecycle method");
    }
    return sandbox;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    sandboxOf(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    sandboxOf(context).reset();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PoaSandbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return sandboxOf(context);
  }

  /**
   * The sandbox visible from this context, started and stored in it if there is none yet. Store
   * lookups fall back to enclosing contexts, which is what lets nested classes and tests share
   * the class's sandbox; JUnit closes the stored value when the owning context ends.
   */
  private PoaSandbox sandboxOf(ExtensionContext context) {
    PoaSandbox sandbox = context.getStore(ExtensionContext.Namespace.create(getClass(), this))
        .getOrComputeIfAbsent(KEY, key -> new StoredSandbox(builder.start()), StoredSandbox.class)
        .sandbox;
    current = sandbox;
    return sandbox;
  }

  /**
   * Closes its sandbox when JUnit closes the store. JUnit 5.13+ closes {@link AutoCloseable}
   * values; older 5.x versions close {@code CloseableResource}s (deprecated in 5.13), so it is
   * both, and closing twice is harmless.
   */
  @SuppressWarnings("deprecation")
  private static final class StoredSandbox
      implements AutoCloseable, ExtensionContext.Store.CloseableResource {

    final PoaSandbox sandbox;

    StoredSandbox(PoaSandbox sandbox) {
      this.sandbox = sandbox;
    }

    @Override
    public void close() {
      sandbox.close();
    }
  }
}
