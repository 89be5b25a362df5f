package io.github.poaauth.micrometer;

import io.github.poaauth.client.PoaTokenEvent;
import io.github.poaauth.client.PoaTokenListener;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Combines listeners, since a {@link io.github.poaauth.client.PoaTokenProvider.Builder} takes
 * one: metrics and a listener of the application's own, say.
 *
 * <pre>{@code
 * builder.listener(PoaTokenListeners.of(metrics.listener(), event -> audit.record(event)));
 * }</pre>
 *
 * <p>Each event goes to every listener in order; one that throws does not keep the event from
 * the others (the first exception is rethrown after all ran, and the provider logs it at DEBUG).
 * Immutable and thread-safe.
 */
public final class PoaTokenListeners {
  private PoaTokenListeners() {
  }

  /**
   * Combines listeners into one that calls each of them in turn.
   *
   * @param listeners called in this order; none may be null
   * @return one listener calling them all
   */
  public static PoaTokenListener of(PoaTokenListener... listeners) {
    return of(List.of(listeners));
  }

  /**
   * Combines a collection of listeners into one that calls each of them in turn.
   *
   * @param listeners called in iteration order; none may be null
   * @return one listener calling them all; the collection is copied
   */
  public static PoaTokenListener of(Collection<? extends PoaTokenListener> listeners) {
    List<PoaTokenListener> all = List.copyOf(Objects.requireNonNull(listeners, "listeners"));
    if (all.size() == 1) {
      return all.get(0);
    }
    return new Composite(all);
  }

  private record Composite(List<PoaTokenListener> listeners) implements PoaTokenListener {
    @Override
    public void onEvent(PoaTokenEvent event) {
      RuntimeException first = null;
      for (PoaTokenListener listener : listeners) {
        try {
          listener.onEvent(event);
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
