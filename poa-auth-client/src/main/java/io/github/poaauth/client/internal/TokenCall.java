package io.github.poaauth.client.internal;

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
import feign.RequestLine;
import feign.Response;
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
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * One token request through the generated {@link TokenApi}, and the one place where every
 * outcome is classified: an {@link AccessToken}, or a {@link PoaAuthException} whose type (and
 * {@link TokenEndpointUnavailableException#isRetryable()}) the retry and the breaker read.
 *
 * <p>Nothing the server sent reaches a message: messages are fixed text with numbers; the
 * OAuth {@code error} code is kept only when it fits RFC 6749's syntax after redaction. No
 * Feign, Jackson or JDK exception is kept as a cause: only its type and a redacted message
 * ({@link RedactedCause}).
 *
 * <p>Unsupported API: this package may change without notice. Thread-safe.
 */
final class TokenCall {
  /** The path in the generated interface's request line: the one definition of it. */
  static final String GENERATED_TOKEN_PATH = generatedPath();
  /** Keycloak and RFC 6749: the grant this client uses. */
  static final String GRANT_TYPE = "client_credentials";
  /** A token lifetime beyond this is a broken endpoint, not a generous one. */
  static final Duration MAX_LIFETIME = Duration.ofDays(7);
  /** Token and error bodies are a few hundred bytes; anything this large is not one. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final TokenApi api;
  private final ProviderSettings settings;
  /**
   * The attempt running on this thread: Feign's transport and decoders are built once, but the
   * timeout and the secret to redact belong to one attempt.
   */
  private final ThreadLocal<Attempt> attempt = new ThreadLocal<>();

  private record Attempt(Duration timeout, Redactor redactor) {
  }

  TokenCall(ProviderSettings settings, java.net.http.HttpClient http) {
    this.settings = settings;
    ObjectMapper mapper = JsonMapper.builder()
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .build();
    Duration defaultTimeout = settings.connectTimeout().plus(settings.readTimeout());
    Feign.Builder feign = Feign.builder()
        .client(new JdkHttpTransport(http, () -> {
          Attempt a = attempt.get();
          return a != null ? a.timeout() : defaultTimeout;
        }, MAX_BODY_BYTES))
        .options(new Request.Options(settings.connectTimeout(), settings.readTimeout(), false))
        .encoder(new FormEncoder())
        .decoder(new TokenDecoder(mapper))
        .errorDecoder(new OAuthErrorDecoder(mapper, settings.clock(), () -> {
          Attempt a = attempt.get();
          return a != null ? a.redactor() : new Redactor("");
        }))
        // Resilience4j retries; Feign's own retryer stays off (one retry mechanism at a time).
        .retryer(Retryer.NEVER_RETRY)
        .logger(new RedactingFeignLogger())
        .logLevel(settings.httpLogLevel());
    if (!settings.tokenPath().equals(GENERATED_TOKEN_PATH)) {
      String path = settings.tokenPath();
      feign.requestInterceptor(template -> template.uri(path));
    }
    this.api = feign.target(TokenApi.class, settings.baseUrl());
  }

  /**
   * Sends one token request and classifies its outcome.
   *
   * @param timeout the longest this attempt may take, connect to last body byte
   * @return the token, its lifetime counted from just before the request was sent
   * @throws PoaAuthException for every failure
   */
  AccessToken request(Duration timeout) {
    String secret;
    try {
      secret = settings.clientSecret().get();
    } catch (RuntimeException e) {
      throw new TokenEndpointUnavailableException("the client secret supplier failed ("
          + e.getClass().getSimpleName() + "); no request was made", null);
    }
    if (secret == null || secret.isBlank()) {
      throw new TokenEndpointUnavailableException("the client secret supplier returned no "
          + "secret; no request was made", null);
    }
    Redactor redactor = new Redactor(secret);
    Instant sentAt = settings.clock().instant();
    TokenResponse response;
    attempt.set(new Attempt(timeout, redactor));
    try {
      response = api.createPartnerToken(settings.clientId(), secret, GRANT_TYPE);
    } catch (RuntimeException e) {
      throw classify(e, redactor);
    } finally {
      attempt.remove();
    }
    return toAccessToken(response, sentAt);
  }

  private static PoaAuthException classify(RuntimeException e, Redactor redactor) {
    IOException io = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PoaAuthException known) {
        return known;
      }
      // The JDK wraps a TLS failure ("Remote host terminated the handshake") in a plain
      // IOException: a TLS exception anywhere in the chain decides.
      if (io == null && t instanceof IOException found || t instanceof SSLException) {
        io = (IOException) t;
      }
    }
    if (io instanceof JdkHttpTransport.BodyTooLargeException) {
      return new InvalidTokenResponseException("token endpoint answer is larger than "
          + MAX_BODY_BYTES / 1024 + " KiB: not a token response", null);
    }
    if (io instanceof SSLException) {
      return new TokenEndpointUnavailableException("TLS with the token endpoint failed ("
          + io.getClass().getSimpleName() + "): its certificate is not trusted or does not name "
          + "its host; check baseUrl, or give the provider an sslContext that trusts it",
          RedactedCause.of(io, redactor), false, null);
    }
    if (io != null) {
      String what = io instanceof HttpTimeoutException ? "timed out" : "I/O error";
      return new TokenEndpointUnavailableException("token endpoint " + what + ": "
          + io.getClass().getSimpleName(), RedactedCause.of(io, redactor));
    }
    return new InvalidTokenResponseException("unexpected failure reading the token response: "
        + e.getClass().getSimpleName(), RedactedCause.of(e, redactor));
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
      throw new InvalidTokenResponseException("token response has a token_type other than "
          + "Bearer", null);
    }
    Integer expiresIn = r.getExpiresIn();
    if (expiresIn == null) {
      throw new InvalidTokenResponseException("token response has no expires_in", null);
    }
    if (expiresIn <= 0 || expiresIn > MAX_LIFETIME.toSeconds()) {
      throw new InvalidTokenResponseException("token response has expires_in " + expiresIn
          + ", expected 1 to " + MAX_LIFETIME.toSeconds() + " seconds", null);
    }
    try {
      return AccessToken.of(r.getAccessToken(), r.getTokenType(), r.getScope(), sentAt,
          Duration.ofSeconds(expiresIn));
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenResponseException("token response has an access_token that is not "
          + "an RFC 6750 b64token (control characters, spaces or non-ASCII)", null);
    }
  }

  /** The whole body; {@link JdkHttpTransport} collected it already, capped. */
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

  private static String generatedPath() {
    try {
      String line = TokenApi.class.getMethod("createPartnerToken", String.class, String.class,
          String.class).getAnnotation(RequestLine.class).value();
      return line.substring(line.indexOf(' ') + 1).trim();
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Reads a 2xx answer into the generated model, strictly: one JSON object, right types. */
  static final class TokenDecoder implements Decoder {
    private final ObjectMapper mapper;

    TokenDecoder(ObjectMapper mapper) {
      this.mapper = mapper;
    }

    @Override
    public Object decode(Response response, Type type) throws IOException {
      String contentType = firstHeader(response, "Content-Type");
      if (contentType != null && !isJson(contentType)) {
        throw new InvalidTokenResponseException("token response has a Content-Type other than "
            + "application/json", null);
      }
      byte[] body = bodyOf(response);
      if (body.length == 0) {
        throw new InvalidTokenResponseException("token response body is empty", null);
      }
      JsonNode tree;
      try {
        tree = mapper.readTree(body);
      } catch (JsonProcessingException e) {
        // Jackson's message quotes the offending input, which may be the token: never kept.
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate")
            ? "has a duplicate key" : "is not valid JSON";
        throw new InvalidTokenResponseException("token response " + what + where, null);
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
      String name = e.getPath().isEmpty() ? null
          : e.getPath().get(e.getPath().size() - 1).getFieldName();
      // Only the model's own fields can fail to map; anything else is not echoed.
      return name != null && name.matches("[a-z_]{1,20}") ? name : "?";
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
    /** RFC 6749 section 5.2's error code characters, capped. */
    private static final Pattern ERROR_CODE = Pattern.compile("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");
    private static final int MAX_DESCRIPTION = 200;

    private final ObjectMapper mapper;
    private final Clock clock;
    private final Supplier<Redactor> redactor;

    OAuthErrorDecoder(ObjectMapper mapper, Clock clock, Supplier<Redactor> redactor) {
      this.mapper = mapper;
      this.clock = clock;
      this.redactor = redactor;
    }

    @Override
    public Exception decode(String methodKey, Response response) {
      int status = response.status();
      if (status < 100 || status > 599) {
        return new TokenEndpointUnavailableException("token endpoint answered HTTP status "
            + status + ", which is outside HTTP's range: check baseUrl", null, false, null);
      }
      if (status == 408 || status == 429 || status >= 500) {
        return new TokenEndpointUnavailableException("token endpoint answered HTTP " + status,
            null, true, retryAfter(firstHeader(response, "Retry-After")));
      }
      if (status >= 300 && status < 400) {
        return new TokenEndpointUnavailableException("token endpoint answered HTTP " + status
            + " (a redirect): redirects are never followed with credentials; check baseUrl",
            null, false, null);
      }
      // Only these statuses are OAuth rejections. Keycloak also answers 404 and 405 with an
      // `error` field: those mean a wrong base URL, not wrong credentials.
      if (status == 400 || status == 401 || status == 403) {
        OAuthError error = readError(response);
        Redactor r = redactor.get();
        String code = error == null ? null : code(r.redact(error.getError()));
        String description = error == null ? null
            : printable(r.redact(error.getErrorDescription()), MAX_DESCRIPTION);
        return new CredentialsRejectedException(status, code, description, null);
      }
      return new TokenEndpointUnavailableException("token endpoint answered HTTP " + status
          + ": check baseUrl and tokenPath (the documented token path is " + GENERATED_TOKEN_PATH
          + ")", null, false, null);
    }

    private static String code(String raw) {
      return raw != null && ERROR_CODE.matcher(raw).matches() ? raw : null;
    }

    private static String printable(String raw, int max) {
      if (raw == null) {
        return null;
      }
      String clean = raw.replaceAll("[^\\x20-\\x7E]", "?");
      return clean.length() <= max ? clean : clean.substring(0, max) + "...";
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
