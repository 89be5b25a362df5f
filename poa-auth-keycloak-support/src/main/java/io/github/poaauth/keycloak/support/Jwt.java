package io.github.poaauth.keycloak.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/** Reads a JWT's header and claims, without checking the signature (tests only). */
public final class Jwt {

  private static final ObjectMapper JSON = new ObjectMapper();

  public final JsonNode header;
  public final JsonNode claims;

  private Jwt(JsonNode header, JsonNode claims) {
    this.header = header;
    this.claims = claims;
  }

  /** @throws IllegalArgumentException if {@code token} is not three base64url parts of JSON */
  public static Jwt decode(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a JWT: " + parts.length + " parts");
    }
    return new Jwt(part(parts[0]), part(parts[1]));
  }

  private static JsonNode part(String base64url) {
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(base64url));
    } catch (IOException e) {
      throw new UncheckedIOException("JWT part is not JSON", e);
    }
  }
}
