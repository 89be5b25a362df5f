package io.github.poaauth.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring test against a {@link io.github.poaauth.sandbox.PoaSandbox PoaSandbox} instead of
 * POA: one sandbox is started for the test's application context (and closed with it), the
 * {@code poa.auth.*} properties point at it, and it is a bean, so the test can inject it to
 * script faults and read what it received. Before each test method its faults and recordings
 * are cleared; tokens it issued stay valid.
 *
 * <p>Properties set, over any others:
 * <ul>
 *   <li>{@code poa.auth.base-url}, {@code poa.auth.client-id}, {@code poa.auth.client-secret}:
 *       the sandbox and its registered client;</li>
 *   <li>{@code poa.auth.api-hosts}: the sandbox's host, so that its POA API stand-in receives
 *       the token;</li>
 *   <li>{@code poa.sandbox.base-url} and {@code poa.sandbox.api-url}: for the application's own
 *       properties, such as {@code partner.poa-api-url=${poa.sandbox.api-url}}.</li>
 * </ul>
 *
 * <pre>{@code
 * @SpringBootTest(properties = "partner.poa-api-url=${poa.sandbox.api-url}")
 * @AutoConfigurePoaSandbox
 * class OrdersTest {
 *   @Autowired PoaSandbox poa;
 *
 *   @Test
 *   void recoversFromARevokedToken() {
 *     poa.faults().rejectTokens(1);
 *     ...
 *   }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigurePoaSandbox {
}
