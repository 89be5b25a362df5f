/**
 * Spring test support for poa-auth: {@link io.github.poaauth.spring.boot.test.AutoConfigurePoaSandbox}
 * runs a test's application context against a {@code PoaSandbox}. A test-scope dependency.
 */
package io.github.poaauth.spring.boot.test;
