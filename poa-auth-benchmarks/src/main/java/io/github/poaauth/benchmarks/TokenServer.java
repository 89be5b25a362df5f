package io.github.poaauth.benchmarks;

import io.github.poaauth.sandbox.PoaSandbox;
import java.time.Duration;

/**
 * The token endpoint the benchmarks run against: {@code poa-auth-sandbox} on loopback, with
 * a fixed token lifetime and latency added to every answer. The sandbox counts a token request
 * when it arrives, before the added latency, so once the provider and the sandbox are closed
 * {@link #tokenRequests()} is final.
 */
final class TokenServer implements AutoCloseable {
  private final PoaSandbox sandbox;

  private TokenServer(PoaSandbox sandbox) {
    this.sandbox = sandbox;
  }

  /**
   * @param lifetime {@code expires_in} of every token, whole seconds
   * @param latency added before every answer
   */
  static TokenServer start(Duration lifetime, Duration latency) {
    PoaSandbox sandbox = PoaSandbox.builder().tokenLifetime(lifetime).start();
    sandbox.faults().latency(latency);
    return new TokenServer(sandbox);
  }

  String baseUrl() {
    return sandbox.baseUrl();
  }

  String clientId() {
    return sandbox.defaultClientId();
  }

  String clientSecret() {
    return sandbox.defaultClientSecret();
  }

  /** Token requests received so far, counted on arrival. */
  int tokenRequests() {
    return sandbox.tokenRequestCount();
  }

  @Override
  public void close() {
    sandbox.close();
  }

  @Override
  public String toString() {
    return sandbox.toString();
  }
}
