package io.github.poaauth.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import feign.Feign;
import feign.FeignException;
import feign.Request;
import feign.Response;
import feign.RetryableException;
import feign.Retryer;
import feign.codec.Decoder;
import feign.codec.ErrorDecoder;
import feign.form.FormEncoder;
import io.github.poaauth.api.TokenApi;
import io.github.poaauth.api.model.OAuthError;
import io.github.poaauth.api.model.TokenResponse;
import io.github.poaauth.client.AccessToken;
import io.github.poaauth.client.CredentialsRejectedException;
import io.github.poaauth.client.InvalidTokenResponseException;
import io.github.poaauth.client.PoaAuthException;
import io.github.poaauth.client.TokenEndpointUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Locale;

/**
 * One token request through the generated {@link TokenApi}, and the one place where every
 * outcome is classified: a valid {@link AccessToken}, a {@link TransientEndpointException}
 * (retryable), a {@link CredentialsRejectedException}, an {@link InvalidTokenResponseException}
 * or a {@link TokenEndpointUnavailableException} for an endpoint at the wrong address.
 *
 * <p>Unsupported API: this package may change without notice. Thread-safe; attempts do not
 * share mutable state.
 */
public final class TokenEndpoint {
  /** Keycloak and RFC 6749: the grant this client uses. */
  static final String GRANT_TYPE = "client_credentials";
  /** A token lifetime beyond this is a broken endpoint, not a generous one. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(7);
  /** Token and error bodies are a few hundred bytes; anything this large is not one. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final TokenApi api;
  private final String clientId;
  private final String clientSecret;
  private final Clock clock;

  /**
   * @param baseUrl validated base URL, without trailing slash
   * @param attemptTimeout the longest one attempt may take, connect to last body byte
   * @param logLevel Feign log level; every line is redacted
   */
  public TokenEndpoint(String baseUrl, String clientId, String clientSecret,
      Duration connectTimeout, Duration readTimeout, Duration attemptTimeout, Clock clock,
      feign.Logger.Level logLevel) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.clock = clock;
    Redactor redactor = new Redactor(clientSecret);
    ObjectMapper mapper = JsonMapper.builder()
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .build();
    this.api = Feign.builder()
        .client(new JdkHttpTransport(http, attemptTimeout, MAX_BODY_BYTES))
        .options(new Request.Options(connectTimeout, readTimeout, false))
        .encoder(new FormEncoder())
        .decoder(new TokenDecoder(mapper))
        .errorDecoder(new OAuthErrorDecoder(mapper, redactor, clock))
        // Resilience4j retries; Feign's own retryer stays off (one retry mechanism at a time).
        .retryer(Retryer.NEVER_RETRY)
        .logger(new RedactingFeignLogger(redactor))
        .logLevel(logLevel)
        .target(TokenApi.class, baseUrl);
  }

  /**
   * Sends one token request and classifies its outcome.
   *
   * @return the token, its lifetime counted from just before the request was sent
   * @throws TransientEndpointException for a failure a later attempt may not see
   * @throws PoaAuthException for any other failure
   */
  public AccessToken requestToken() {
    Instant sentAt = clock.instant();
    TokenResponse response;
    try {
      response = api.createPartnerToken(clientId, clientSecret, GRANT_TYPE);
    } catch (RuntimeException e) {
      throw classify(e);
    }
    return toAccessToken(response, sentAt);
  }

  private static RuntimeException classify(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PoaAuthException || t instanceof TransientEndpointException) {
        return (RuntimeException) t;
      }
    }
    if (e instanceof RetryableException || causedByIo(e)) {
      return new TransientEndpointException(
          "I/O error talking to the token endpoint: " + describe(e), null, e);
    }
    return new InvalidTokenResponseException(
        "unexpected failure reading the token response: " + describe(e), e);
  }

  private static boolean causedByIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** Names the failure a partner can act on: the outermost I/O error, else the root cause. */
  private static String describe(Throwable e) {
    Throwable root = e;
    Throwable io = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (io == null && t instanceof IOException) {
        io = t;
      }
      root = t;
    }
    Throwable named = io != null ? io : root;
    String text = named.getClass().getSimpleName();
    if (named.getMessage() != null) {
      text += " (" + named.getMessage() + ")";
    } else if (root != named) {
      text += " (" + root.getClass().getSimpleName() + ")";
    }
    return text;
  }

  static AccessToken toAccessToken(TokenResponse r, Instant sentAt) {
    if (r == null) {
      throw new InvalidTokenResponseException("token response is empty", null);
    }
    if (r.getAccessToken() == null || r.getAccessToken().isBlank()) {
      throw new InvalidTokenResponseException("token response has no access_token", null);
    }
    if (r.getTokenType() == null) {
      throw new InvalidTokenResponseException("token response has no token_type", null);
    }
    if (!"bearer".equalsIgnoreCase(r.getTokenType())) {
      throw new InvalidTokenResponseException(
          "token response has token_type '" + truncate(r.getTokenType()) + "', expected Bearer", null);
    }
    Integer expiresIn = r.getExpiresIn();
    if (expiresIn == null) {
      throw new InvalidTokenResponseException("token response has no expires_in", null);
    }
    if (expiresIn <= 0 || expiresIn > MAX_LIFETIME.toSeconds()) {
      throw new InvalidTokenResponseException("token response has expires_in " + expiresIn
          + ", expected 1 to " + MAX_LIFETIME.toSeconds() + " seconds", null);
    }
    return AccessToken.of(r.getAccessToken(), r.getTokenType(), r.getScope(), sentAt,
        Duration.ofSeconds(expiresIn));
  }

  private static String truncate(String s) {
    return s.length() <= 20 ? s : s.substring(0, 20) + "…";
  }

  /** The whole body; {@link JdkHttpTransport} collected it already, capped at {@link #MAX_BODY_BYTES}. */
  static byte[] bodyOf(Response response) throws IOException {
    if (response.body() == null) {
      return new byte[0];
    }
    try (InputStream in = response.body().asInputStream()) {
      return in.readAllBytes();
    }
  }


  private static String firstHeader(Response response, String name) {
    for (var entry : response.headers().entrySet()) {
      if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)) {
        Collection<String> values = entry.getValue();
        return values.isEmpty() ? null : values.iterator().next();
      }
    }
    return null;
  }

  /** Reads a 2xx answer into the generated model, strictly: JSON object, right types. */
  static final class TokenDecoder implements Decoder {
    private final ObjectMapper mapper;

    TokenDecoder(ObjectMapper mapper) {
      this.mapper = mapper;
    }

    @Override
    public Object decode(Response response, Type type) throws IOException {
      String contentType = firstHeader(response, "Content-Type");
      if (contentType != null && !isJson(contentType)) {
        throw new InvalidTokenResponseException("token response has Content-Type '"
            + truncate(contentType) + "', expected application/json", null);
      }
      byte[] body = bodyOf(response);
      if (body.length == 0) {
        throw new InvalidTokenResponseException("token response body is empty", null);
      }
      JsonNode tree;
      try {
        tree = mapper.readTree(body);
      } catch (JsonProcessingException e) {
        throw new InvalidTokenResponseException(
            "token response is not valid JSON (" + e.getOriginalMessage() + ")", null);
      }
      if (tree == null || !tree.isObject()) {
        throw new InvalidTokenResponseException("token response is not a JSON object", null);
      }
      try {
        return mapper.treeToValue(tree, TokenResponse.class);
      } catch (JsonMappingException e) {
        throw new InvalidTokenResponseException(
            "token response field '" + fieldOf(e) + "' has the wrong type", null);
      }
    }

    private static String fieldOf(JsonMappingException e) {
      return e.getPath().isEmpty() ? "?" : e.getPath().get(e.getPath().size() - 1).getFieldName();
    }

    private static boolean isJson(String contentType) {
      String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }
  }

  /** Classifies a non-2xx answer once, where it is created. */
  static final class OAuthErrorDecoder implements ErrorDecoder {
    /** The longest Retry-After honoured; a longer one is cut to this. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private final ObjectMapper mapper;
    private final Redactor redactor;
    private final Clock clock;

    OAuthErrorDecoder(ObjectMapper mapper, Redactor redactor, Clock clock) {
      this.mapper = mapper;
      this.redactor = redactor;
      this.clock = clock;
    }

    @Override
    public Exception decode(String methodKey, Response response) {
      int status = response.status();
      if (status == 408 || status == 429 || status >= 500) {
        return new TransientEndpointException("token endpoint answered HTTP " + status,
            retryAfter(firstHeader(response, "Retry-After")), null);
      }
      if (status >= 300 && status < 400) {
        String location = firstHeader(response, "Location");
        return new TokenEndpointUnavailableException("token endpoint answered HTTP " + status
            + " redirecting to " + hostOf(location)
            + "; redirects are never followed with credentials: check baseUrl", null);
      }
      OAuthError error = readError(response);
      String code = error == null ? null : error.getError();
      String description = error == null ? null : redactor.redact(error.getErrorDescription());
      // Only these statuses are OAuth rejections. Keycloak also answers 404 and 405 with an
      // `error` field: those mean a wrong base URL, not wrong credentials.
      if (status == 400 || status == 401 || status == 403) {
        return new CredentialsRejectedException(status, code, description, null);
      }
      return new TokenEndpointUnavailableException("token endpoint answered HTTP " + status
          + (code == null ? "" : " " + code)
          + ": check baseUrl (the token path is /v2/auth/cybrillarta/token)", null);
    }

    private OAuthError readError(Response response) {
      try {
        byte[] body = bodyOf(response);
        JsonNode tree = body.length == 0 ? null : mapper.readTree(body);
        if (tree == null || !tree.isObject() || !tree.path("error").isTextual()) {
          return null;
        }
        return mapper.treeToValue(tree, OAuthError.class);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    private static String hostOf(String location) {
      if (location == null) {
        return "(no Location)";
      }
      try {
        URI uri = URI.create(location.trim());
        return uri.getHost() == null ? "a relative path" : uri.getHost();
      } catch (IllegalArgumentException e) {
        return "(malformed Location)";
      }
    }

    Duration retryAfter(String header) {
      if (header == null || header.isBlank()) {
        return null;
      }
      String value = header.trim();
      Duration wait;
      try {
        wait = Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException notSeconds) {
        try {
          Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
          wait = Duration.between(clock.instant(), at);
        } catch (DateTimeParseException notADate) {
          return null;
        }
      }
      if (wait.isNegative()) {
        return Duration.ZERO;
      }
      return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }
  }

}
