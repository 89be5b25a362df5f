package io.github.poaauth.spring.boot.autoconfigure;

/**
 * A {@code poa.auth.*} property is missing or has a value the client cannot use. Thrown while
 * the {@code PoaTokenProvider} bean is created; {@link PoaAuthFailureAnalyzer} turns it into the
 * startup failure report. Its message names the property and never holds the client secret.
 */
public class PoaAuthConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String action;

  /**
   * @param property the full property name, such as {@code poa.auth.base-url}
   * @param problem what is wrong, without the secret
   * @param action what to do about it
   */
  public PoaAuthConfigurationException(String property, String problem, String action) {
    super(property + ": " + problem);
    this.property = property;
    this.action = action;
  }

  /** @return the full property name */
  public String getProperty() {
    return property;
  }

  /** @return what to do about it */
  public String getAction() {
    return action;
  }
}
