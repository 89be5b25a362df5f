/**
 * An in-process emulator of POA's token endpoint for partners' tests and demos.
 *
 * <p>{@link io.github.poaauth.sandbox.PoaSandbox} is the entry point (with its builder and its
 * {@link io.github.poaauth.sandbox.PoaSandbox.Faults fault script}, whose scripted answers are
 * {@link io.github.poaauth.sandbox.Reply replies});
 * {@link io.github.poaauth.sandbox.RecordedRequest} is what it saw;
 * {@link io.github.poaauth.sandbox.PoaSandboxExtension} runs it in JUnit 5 tests. Everything else
 * in this package is package-private and unsupported.
 */
package io.github.poaauth.sandbox;
