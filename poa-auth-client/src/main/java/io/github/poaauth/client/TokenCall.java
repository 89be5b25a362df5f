package io.github.poaauth.client;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import feign.Feign;
import feign.Request;
import feign.Response;
import feign.Retryer;
import feign.Util;
import feign.form.FormEncoder;
import io.github.poaauth.api.TokenApi;
import io.github.poaauth.api.model.OAuthError;
import io.github.poaauth.api.model.TokenResponse;
import io.github.poaauth.client.Failures.Redactor;
import io.github.poaauth.client.TokenEndpointUnavailableException.Reason;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One token request through the generated {@link TokenApi}, and the one place where its outcome
 * is classified: an {@link AccessToken} or a {@link PoaAuthException}. Each attempt gets its own
 * Feign target, with that attempt's share of the call deadline and the secret to redact: a token
 * request is rare, and nothing per attempt is kept anywhere else.
 */
final class TokenCall {
  /** A token lifetime beyond this is a broken endpoint, not a generous one. */
  private static final Duration MAX_LIFETIME = Duration.ofDays(7);
  /** The longest Retry-After honoured; a longer one is cut to this. */
  private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
  /** RFC 6749 section 5.2's error code characters, capped. */
  private static final Pattern ERROR_CODE =
      Pattern.compile("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  private final Settings settings;
  private final JdkHttpTransport transport;

  TokenCall(Settings settings, JdkHttpTransport transport) {
    this.settings = settings;
    this.transport = transport;
  }

  /** One attempt within {@code timeoutNanos}; the token's lifetime counts from just before it. */
  AccessToken request(long timeoutNanos) {
    String secret = null;
    String problem = "returned no secret";
    try {
      secret = settings.clientSecret().get();
    } catch (RuntimeException e) {
      problem = "failed (" + e.getClass().getSimpleName() + ")";
    }
    if (secret == null || secret.isBlank()) {
      throw Failures.unavailable(Reason.SECRET_SOURCE,
          "the client secret source " + problem + "; no request was made");
    }
    Redactor redactor = new Redactor(secret);
    Instant sentAt = settings.clock().instant();
    TokenResponse response;
    try {
      response = api(timeoutNanos, redactor).createPartnerToken(settings.clientId(), secret,
          "client_credentials");
    } catch (RuntimeException e) {
      throw classify(e, redactor);
    }
    return toAccessToken(response, sentAt);
  }

  private TokenApi api(long timeoutNanos, Redactor redactor) {
    long connect = Math.min(settings.connectTimeout().toNanos(), timeoutNanos);
    long read = Math.min(settings.readTimeout().toNanos(), timeoutNanos - connect);
    Feign.Builder feign = Feign.builder()
        .client(transport)
        .options(new Request.Options(connect, TimeUnit.NANOSECONDS, Math.max(read, 1),
            TimeUnit.NANOSECONDS, false))
        .encoder(new FormEncoder())
        .decoder((response, type) -> decodeToken(response))
        .errorDecoder((methodKey, response) -> decodeError(response, redactor))
        // Resilience4j retries, Feign never.
        .retryer(Retryer.NEVER_RETRY);
    if (!settings.tokenPath().equals(PoaTokenProvider.DEFAULT_TOKEN_PATH)) {
      String path = settings.tokenPath();
      feign.requestInterceptor(template -> template.uri(path));
    }
    return feign.target(TokenApi.class, settings.baseUrl());
  }

  private static PoaAuthException classify(RuntimeException e, Redactor redactor) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PoaAuthException known) {
        return known;
      }
      if (t instanceof IOException io) {
        return Failures.io(io, redactor);
      }
    }
    return Failures.invalidResponse("could not be read (" + e.getClass().getSimpleName() + ")");
  }

  private static AccessToken toAccessToken(TokenResponse r, Instant sentAt) {
    require(r != null, "is empty");
    require(r.getAccessToken() != null && !r.getAccessToken().isBlank(), "has no access_token");
    require(r.getTokenType() != null, "has no token_type");
    require("bearer".equalsIgnoreCase(r.getTokenType()), "has a token_type other than Bearer");
    Integer expiresIn = r.getExpiresIn();
    require(expiresIn != null, "has no expires_in");
    require(expiresIn > 0 && expiresIn <= MAX_LIFETIME.toSeconds(), "has expires_in " + expiresIn
        + ", expected 1 to " + MAX_LIFETIME.toSeconds() + " seconds");
    try {
      return AccessToken.of(r.getAccessToken(), r.getTokenType(), r.getScope(), sentAt,
          Duration.ofSeconds(expiresIn));
    } catch (IllegalArgumentException e) {
      throw Failures.invalidResponse("has an access_token that is not an RFC 6750 b64token "
          + "(control characters, spaces or non-ASCII)");
    }
  }

  /** Reads a 2xx answer into the generated model, strictly: one JSON object, right types. */
  private static TokenResponse decodeToken(Response response) throws IOException {
    String contentType = firstHeader(response, "Content-Type");
    String mediaType = contentType == null ? null
        : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    require(mediaType == null || mediaType.equals("application/json")
        || mediaType.endsWith("+json"), "has a Content-Type other than application/json");
    byte[] body = bodyOf(response);
    require(body.length > 0, "body is empty");
    JsonNode tree;
    try {
      tree = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the input, which may be the token: only the location is kept.
      String original = e.getOriginalMessage();
      String what = original != null && original.startsWith("Duplicate")
          ? "has a duplicate key" : "is not valid JSON";
      JsonLocation at = e.getLocation();
      throw Failures.invalidResponse(at == null ? what
          : what + " at line " + at.getLineNr() + ", column " + at.getColumnNr());
    }
    require(tree != null && tree.isObject(), "is not a JSON object");
    try {
      return MAPPER.treeToValue(tree, TokenResponse.class);
    } catch (JsonMappingException e) {
      // Only the model's own fields can fail to map; anything else is not echoed.
      List<JsonMappingException.Reference> path = e.getPath();
      String name = path.isEmpty() ? null : path.get(path.size() - 1).getFieldName();
      throw Failures.invalidResponse("field '" + (name != null && name.matches("[a-z_]{1,20}")
          ? name : "?") + "' has the wrong type");
    }
  }

  /**
   * Classifies a non-2xx answer. Only 400, 401 and 403 are OAuth rejections: Keycloak's 404 and
   * 405 carry an {@code error} field too, but mean a wrong base URL, not wrong credentials.
   */
  private Exception decodeError(Response response, Redactor redactor) {
    int status = response.status();
    if (status != 400 && status != 401 && status != 403) {
      return Failures.httpStatus(status, retryAfter(firstHeader(response, "Retry-After")));
    }
    OAuthError error = new OAuthError();
    try {
      JsonNode tree = MAPPER.readTree(bodyOf(response));
      if (tree != null && tree.path("error").isTextual()) {
        error = MAPPER.treeToValue(tree, OAuthError.class);
      }
    } catch (IOException | RuntimeException unreadable) {
      // A rejection all the same, without a code or a description.
    }
    String code = redactor.redact(error.getError());
    String description = Failures.printable(redactor.redact(error.getErrorDescription()), 200);
    return Failures.rejected(status, code != null && ERROR_CODE.matcher(code).matches()
        ? code : null, description);
  }

  /** Seconds or an HTTP date, at most {@link #MAX_RETRY_AFTER}; null when absent or invalid. */
  private Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.trim();
    Duration wait;
    try {
      wait = Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException notSeconds) {
      try {
        wait = Duration.between(settings.clock().instant(),
            ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
    if (wait.isNegative()) {
      return Duration.ZERO;
    }
    return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
  }

  private static void require(boolean valid, String otherwise) {
    if (!valid) {
      throw Failures.invalidResponse(otherwise);
    }
  }

  /** The whole body, which {@link JdkHttpTransport} collected already, capped. */
  private static byte[] bodyOf(Response response) throws IOException {
    return response.body() == null ? new byte[0]
        : Util.toByteArray(response.body().asInputStream());
  }

  /** Feign's response headers are case-insensitive. */
  private static String firstHeader(Response response, String name) {
    return response.headers().getOrDefault(name, List.of()).stream().findFirst().orElse(null);
  }
}
