package io.github.poaauth.spring.boot.autoconfigure;

import java.util.Locale;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks the POA client secret in {@code /actuator/env} and {@code /actuator/configprops} even
 * where values are shown ({@code management.endpoint.*.show-values}): whatever the key's form,
 * {@code poa.auth.client-secret}, {@code POA_AUTH_CLIENT_SECRET} or a bound
 * {@code clientSecret}.
 */
class PoaAuthSanitizingFunction implements SanitizingFunction {

  @Override
  public SanitizableData apply(SanitizableData data) {
    String key = data.getKey();
    if (key == null) {
      return data;
    }
    String normalized = key.replaceAll("[-_.\\[\\]]", "").toLowerCase(Locale.ROOT);
    return normalized.endsWith("clientsecret") ? data.withSanitizedValue() : data;
  }
}
