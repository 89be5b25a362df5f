package io.github.poaauth.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Many providers share a fixed number of threads, and all of their refreshes still happen. */
class ManyProvidersTest {

  @Test
  void hundredProviders_refreshingAtOnce_useAFixedNumberOfThreads() throws Exception {
    ManyProviders.Row one = ManyProviders.measure(1);
    ManyProviders.Row hundred = ManyProviders.measure(100);

    // The refresh pool and the HTTP clients' pool have at most 4 threads each (the documented
    // bound of PoaTokenProvider's shared threads), whatever the load.
    assertThat(hundred.threads()).isLessThanOrEqualTo(4 + 4);
    assertThat(hundred.threads()).isLessThan(100);
    assertThat(one.providers()).isEqualTo(1);
    assertThat(ManyProviders.table(java.util.List.of(one, hundred))).contains("| 100 |");
  }
}
