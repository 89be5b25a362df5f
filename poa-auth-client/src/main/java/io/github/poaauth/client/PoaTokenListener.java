package io.github.poaauth.client;

/**
 * Receives what a {@link PoaTokenProvider} does: every token request, its outcome, invalidated
 * tokens, rejection cool-downs and circuit breaker changes. The seam for metrics, tracing and
 * alerting ({@code poa-auth-micrometer} binds one to Micrometer).
 *
 * <p>Called on the thread where the event happens (the refresh thread, or the caller's for
 * {@link PoaTokenEvent.TokenInvalidated}), never on the {@link PoaTokenProvider#token()} fast
 * path: keep it quick. An exception it throws is logged at DEBUG and changes nothing.
 */
@FunctionalInterface
public interface PoaTokenListener {
  /** A listener that ignores every event. */
  PoaTokenListener NONE = event -> { };

  /**
   * Receives one event.
   * @param event what happened
   */
  void onEvent(PoaTokenEvent event);
}
