package io.github.poaauth.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a missing or invalid {@code poa.auth.*} property at startup: which property, what is
 * wrong with it, and what to set. The client secret's value never appears in it.
 */
class PoaAuthFailureAnalyzer extends AbstractFailureAnalyzer<PoaAuthConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, PoaAuthConfigurationException cause) {
    return new FailureAnalysis("The POA token provider could not be created: "
        + cause.getMessage(), cause.getAction(), cause);
  }
}
