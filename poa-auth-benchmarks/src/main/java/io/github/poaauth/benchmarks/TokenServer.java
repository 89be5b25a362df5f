package io.github.poaauth.benchmarks;

/**
 * The token endpoint a benchmark runs against: what the provider is configured with, and how
 * many token requests the server saw, which the harness compares with the refreshes it observed.
 */
interface TokenServer extends AutoCloseable {
  /** Base URL for {@code PoaTokenProvider.Builder#baseUrl}, on loopback. */
  String baseUrl();

  String clientId();

  String clientSecret();

  /** Token requests received so far, counted when they arrive (before the added latency). */
  int tokenRequests();

  /**
   * Waits until no token request is being answered, so that {@link #tokenRequests()} is final.
   *
   * @return false if requests were still in flight when the timeout ran out
   */
  boolean awaitIdle(long timeoutMillis) throws InterruptedException;

  @Override
  void close();
}
