package io.github.poaauth.sandbox;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One request as the {@link PoaSandbox} saw it, with the client secret masked.
 *
 * <p>The form fields are those of an {@code application/x-www-form-urlencoded} body (empty for
 * any other body); every {@code client_secret} value reads {@value #MASK}. Headers are kept with
 * the credentials of {@code Authorization}, {@code Proxy-Authorization} and {@code Cookie}
 * masked (an {@code Authorization} keeps its scheme: {@code Bearer ****}); the raw body and the
 * query string are not kept, so neither a secret sent by HTTP Basic nor one sent by mistake in a
 * URL can be read back from a recording.
 *
 * <pre>{@code
 * RecordedRequest last = sandbox.lastTokenRequest().orElseThrow();
 * assertThat(last.formField("grant_type")).hasValue("client_credentials");
 * assertThat(last.formField("client_secret")).hasValue(RecordedRequest.MASK);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RecordedRequest {

  /** What every recorded {@code client_secret} value reads. */
  public static final String MASK = "****";

  private static final String CLIENT_SECRET = "client_secret";

  private final Instant receivedAt;
  private final String method;
  private final String path;
  private final String contentType;
  private final Map<String, List<String>> formFields;
  private final String clientId;
  private final int responseStatus;
  /** Whether it was served as a token request: a POST to a path the sandbox serves tokens on. */
  private final boolean tokenRequest;
  private final Map<String, List<String>> headers;

  /**
   * @param formFields the parsed form, unmasked: this constructor masks it
   * @param clientId the client id presented (form or HTTP Basic), or null
   * @param responseStatus the status answered, or 0 when the connection was dropped instead
   * @param tokenRequest whether the sandbox served it as a token request (a POST to
   *     {@link PoaSandbox#TOKEN_PATH}, or to {@link PoaSandbox#SAMPLE_PATH} when accepted)
   * @param headers the request headers, unmasked, names case-insensitive: this constructor masks
   *     the credentials in them
   */
  RecordedRequest(Instant receivedAt, String method, String path, String contentType,
      Map<String, List<String>> formFields, String clientId, int responseStatus,
      boolean tokenRequest, Map<String, List<String>> headers) {
    this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
    this.method = Objects.requireNonNull(method, "method");
    this.path = Objects.requireNonNull(path, "path");
    this.contentType = contentType;
    this.formFields = masked(formFields);
    this.clientId = clientId;
    this.responseStatus = responseStatus;
    this.tokenRequest = tokenRequest;
    this.headers = maskedHeaders(headers);
  }

  /** When the sandbox received the request, by the sandbox's clock. */
  public Instant receivedAt() {
    return receivedAt;
  }

  /** The HTTP method, e.g. {@code POST}. */
  public String method() {
    return method;
  }

  /** The request path without the query string, e.g. {@code /v2/auth/cybrillarta/token}. */
  public String path() {
    return path;
  }

  /** The {@code Content-Type} header as sent, if any. */
  public Optional<String> contentType() {
    return Optional.ofNullable(contentType);
  }

  /**
   * The form fields in arrival order, each with all its values; {@code client_secret} values are
   * masked. Empty when the body was not a form.
   */
  public Map<String, List<String>> formFields() {
    return formFields;
  }

  /** The first value of a form field; {@code client_secret} reads {@value #MASK}. */
  public Optional<String> formField(String name) {
    List<String> values = formFields.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * The request headers as sent, each with all its values, names case-insensitive; credentials
   * masked (see the class description).
   */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of a header (name case-insensitive), credentials masked. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The client id the request presented, from the form or from HTTP Basic, if any. */
  public Optional<String> clientId() {
    return Optional.ofNullable(clientId);
  }

  /** The status the sandbox answered; empty when it dropped the connection instead. */
  public OptionalInt responseStatus() {
    return responseStatus == 0 ? OptionalInt.empty() : OptionalInt.of(responseStatus);
  }

  /**
   * Whether this was a token request: a {@code POST} to {@link PoaSandbox#TOKEN_PATH}, or to
   * {@link PoaSandbox#SAMPLE_PATH} on a sandbox built with
   * {@link PoaSandbox.Builder#acceptSamplePath()} ({@link #path()} tells which).
   */
  public boolean isTokenRequest() {
    return tokenRequest;
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof RecordedRequest)) {
      return false;
    }
    RecordedRequest that = (RecordedRequest) other;
    return responseStatus == that.responseStatus
        && receivedAt.equals(that.receivedAt)
        && method.equals(that.method)
        && path.equals(that.path)
        && Objects.equals(contentType, that.contentType)
        && formFields.equals(that.formFields)
        && Objects.equals(clientId, that.clientId)
        && headers.equals(that.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(receivedAt, method, path, contentType, formFields, clientId, responseStatus,
        headers);
  }

  @Override
  public String toString() {
    return "RecordedRequest{" + method + ' ' + path
        + ", contentType=" + contentType
        + ", formFields=" + formFields
        + ", clientId=" + clientId
        + ", responseStatus=" + (responseStatus == 0 ? "none (connection dropped)" : responseStatus)
        + ", receivedAt=" + receivedAt + '}';
  }

  private static Map<String, List<String>> maskedHeaders(Map<String, List<String>> headers) {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, values) -> {
      boolean secret = name.equalsIgnoreCase("Authorization")
          || name.equalsIgnoreCase("Proxy-Authorization") || name.equalsIgnoreCase("Cookie");
      copy.put(name, values.stream().map(value -> secret ? maskCredentials(value) : value)
          .collect(Collectors.toUnmodifiableList()));
    });
    return Collections.unmodifiableMap(copy);
  }

  /** {@code Bearer abc} reads {@code Bearer ****}; a value without a scheme reads {@value #MASK}. */
  private static String maskCredentials(String value) {
    int space = value.indexOf(' ');
    return space > 0 && value.substring(0, space).chars().allMatch(Character::isLetter)
        ? value.substring(0, space + 1) + MASK : MASK;
  }

  private static Map<String, List<String>> masked(Map<String, List<String>> fields) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach((name, values) -> copy.put(name, CLIENT_SECRET.equals(name)
        ? Collections.nCopies(values.size(), MASK)
        : List.copyOf(values)));
    return Collections.unmodifiableMap(copy);
  }
}
