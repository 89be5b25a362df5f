package io.github.poaauth.client;

/**
 * A setting of {@link PoaTokenProvider.Builder} is missing or has a bad value.
 * {@link #setting()} names it as the builder does (such as {@code baseUrl}), so that a framework
 * can map it to its own property; the message names the setting, the bad value (never a secret)
 * and the fix.
 */
public final class InvalidSettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The builder method's name. */
  private final String setting;

  InvalidSettingException(String setting, String message) {
    super(message);
    this.setting = setting;
  }

  /** {@return the wrong setting by its builder method's name, such as {@code baseUrl}} */
  public String setting() {
    return setting;
  }
}
