package io.github.poaauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.poaauth.client.PoaTokenProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code poa-auth doctor}: the steps a support engineer takes with a token request that fails,
 * run in order, stopping at the first that fails, one line each with what it found and, for a
 * failure, the one change that fixes it. Steps 1 to 4, 7 and 8 are plain JDK; for steps 5 and 6
 * it sends the token request itself with {@code java.net.http} (the raw answer is what it
 * diagnoses): https only (http to loopback), no redirect followed, the secret and the token
 * never printed (every line and the JSON document pass through {@link SecretMask}).
 *
 * <p>Exit codes: {@value #OK} all good, {@code 10 + n} step n failed (a clock offset beyond 30 s
 * is a warning that still ends with {@value #CLOCKS}), {@value PoaAuthCli#USAGE} bad usage.
 */
final class Doctor {

  static final int OK = 0;
  static final int CONFIGURATION = 11;
  static final int DNS = 12;
  static final int TCP = 13;
  static final int TLS = 14;
  static final int TOKEN_PATH = 15;
  static final int CREDENTIALS = 16;
  static final int CLOCKS = 17;
  static final int API = 18;

  static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(30);
  /** A slow step says on stderr that it waits, once it has waited this long. */
  private static final Duration PROGRESS_AFTER = Duration.ofSeconds(1);
  private static final String PREFIX = PoaAuthCli.NAME + " doctor: ";

  enum Status { OK, WARN, FAIL, SKIPPED }

  /** One step's outcome. */
  static final class Step {
    final int number;
    final String name;
    Status status = Status.OK;
    String found = "";
    String fix;
    final Map<String, Object> details = new LinkedHashMap<>();

    Step(int number, String name) {
      this.number = number;
      this.name = name;
    }

    Step fail(String found, String fix) {
      this.status = Status.FAIL;
      this.found = found;
      this.fix = fix;
      return this;
    }

    Step warn(String found, String fix) {
      this.status = Status.WARN;
      this.found = found;
      this.fix = fix;
      return this;
    }

    Step ok(String found) {
      this.found = found;
      return this;
    }

    Step put(String key, Object value) {
      details.put(key, value);
      return this;
    }
  }

  private final Options options;
  private final Map<String, String> env;
  private final String stdinSecret;
  private final PrintStream out;
  private final PrintStream err;
  private final List<Step> steps = new ArrayList<>();
  private SecretMask mask;

  // Found along the way, for the steps after.
  private String baseUrl;
  private URI base;
  private String host;
  private int port;
  private boolean https;
  private String tokenPath;
  private String clientId;
  private String secret;
  private Proxy proxy = Proxy.NO_PROXY;
  private Socket socket;
  private SSLContext sslContext;
  private String accessToken;
  private String tokenType;
  private HttpResponse<String> tokenResponse;
  private Instant tokenResponseAt;
  private Long tokenIat;
  private HttpClient http;
  private final Duration connectTimeout = PoaTokenProvider.DEFAULT_CONNECT_TIMEOUT;
  private final Duration readTimeout = PoaTokenProvider.DEFAULT_READ_TIMEOUT;

  /**
   * @param stdinSecret the secret read from standard input ({@code --secret-stdin}), or null
   */
  Doctor(Options options, Map<String, String> env, String stdinSecret, SecretMask mask,
      PrintStream out, PrintStream err) {
    this.options = options;
    this.env = env;
    this.stdinSecret = stdinSecret;
    this.mask = mask;
    this.out = out;
    this.err = err;
  }

  int run() {
    int code = OK;
    try {
      code = runSteps();
    } finally {
      closeQuietly(socket);
    }
    print(code);
    return code;
  }

  private int runSteps() {
    Step config = add(new Step(1, "configuration"));
    configuration(config);
    if (config.status == Status.FAIL) {
      return CONFIGURATION;
    }
    Step dns = add(new Step(2, "DNS"));
    dns(dns);
    if (dns.status == Status.FAIL) {
      return DNS;
    }
    Step tcp = add(new Step(3, "TCP"));
    tcp(tcp);
    if (tcp.status == Status.FAIL) {
      return TCP;
    }
    Step tls = add(new Step(4, "TLS"));
    tls(tls);
    if (tls.status == Status.FAIL) {
      return TLS;
    }
    Step path = add(new Step(5, "token path"));
    tokenPath(path);
    if (path.status == Status.FAIL) {
      return TOKEN_PATH;
    }
    Step credentials = add(new Step(6, "credentials"));
    credentials(credentials);
    if (credentials.status == Status.FAIL) {
      return CREDENTIALS;
    }
    Step clocks = add(new Step(7, "clocks"));
    clocks(clocks);
    Step api = add(new Step(8, "API"));
    api(api);
    if (api.status == Status.FAIL) {
      return API;
    }
    return clocks.status == Status.WARN ? CLOCKS : OK;
  }

  private Step add(Step step) {
    steps.add(step);
    return step;
  }

  // ---- 1 configuration ---------------------------------------------------------------------

  private void configuration(Step step) {
    baseUrl = options.baseUrl != null ? options.baseUrl : trimmed(env.get("POA_BASE_URL"));
    clientId = options.clientId != null ? options.clientId : trimmed(env.get("POA_CLIENT_ID"));
    // As given: a secret stored with a line break is sent with it, as an application would.
    String envSecret = env.get("POA_CLIENT_SECRET");
    secret = stdinSecret != null ? stdinSecret
        : envSecret == null || envSecret.isEmpty() ? null : envSecret;
    List<String> missing = new ArrayList<>();
    if (baseUrl == null) {
      missing.add("the base URL (--base-url or POA_BASE_URL)");
    }
    if (clientId == null) {
      missing.add("the client id (--client-id or POA_CLIENT_ID)");
    }
    if (secret == null) {
      missing.add("the client secret (POA_CLIENT_SECRET or --secret-stdin)");
    }
    if (!missing.isEmpty()) {
      step.fail("missing " + String.join(", ", missing), "set " + String.join(" and ", missing)
          + "; the secret is never taken from the command line");
      return;
    }
    mask = mask.with(secret).with(secret.strip()).withBasicCredentials(clientId, secret);
    String problem = BaseUrls.problem("the base URL (--base-url or POA_BASE_URL)", baseUrl);
    if (problem != null) {
      step.fail(problem, "give the POA environment's address as POA documents it, such as"
          + " https://poa.example.com");
      return;
    }
    base = URI.create(baseUrl.trim());
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    if (!path.isEmpty() && !path.equals("/")) {
      boolean endpoint = path.endsWith(PoaTokenProvider.DEFAULT_TOKEN_PATH)
          || path.endsWith("/poa/auth/token");
      step.fail("the base URL has a path (" + path + ")" + (endpoint
          ? ": it is the token endpoint, to which the client appends the token path again" : ""),
          "give the base URL without a path: " + origin(base));
      return;
    }
    host = base.getHost();
    https = base.getScheme().equalsIgnoreCase("https");
    port = base.getPort() != -1 ? base.getPort() : https ? 443 : 80;
    tokenPath = options.tokenPath != null ? options.tokenPath
        : PoaTokenProvider.DEFAULT_TOKEN_PATH;
    if (!tokenPath.matches("(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+")) {
      step.fail("--token-path is not an absolute path such as "
          + PoaTokenProvider.DEFAULT_TOKEN_PATH, "give --token-path as an absolute path");
      return;
    }
    baseUrl = origin(base);
    // The client's own check of the same settings: what it accepts is what is diagnosed.
    try (PoaTokenProvider ignored = PoaTokenProvider.builder().baseUrl(baseUrl)
        .tokenPath(tokenPath).clientId(clientId).clientSecret(secret).build()) {
      // Built: the client accepts the settings.
    } catch (RuntimeException e) {
      step.fail("the client refuses the settings (" + e.getClass().getSimpleName() + ")",
          "check the base URL, client id and token path");
      return;
    }
    if (options.truststore != null) {
      try {
        sslContext = sslContext(loadTrustStore(Path.of(options.truststore)));
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        step.fail("--truststore cannot be read as PEM or DER certificates or as a PKCS12 or JKS"
            + " key store (" + e.getClass().getSimpleName() + ")", "give --truststore a CA"
            + " certificate file (PEM) or a key store; a key store's password goes in"
            + " POA_TRUSTSTORE_PASSWORD");
        return;
      }
    } else {
      try {
        sslContext = SSLContext.getDefault();
      } catch (GeneralSecurityException e) {
        step.fail("the JVM has no default TLS context (" + e.getClass().getSimpleName() + ")",
            "check the javax.net.ssl system properties");
        return;
      }
    }
    proxy = proxyFor(base);
    String proxyText = describeProxy();
    String endpoint = baseUrl + tokenPath;
    step.ok("base URL " + baseUrl + ", token endpoint POST " + endpoint + "; proxy: "
        + proxyText + "; timeouts: connect " + connectTimeout.toSeconds() + " s, read "
        + readTimeout.toSeconds() + " s, call " + PoaTokenProvider.DEFAULT_CALL_TIMEOUT.toSeconds()
        + " s; trust: " + (options.truststore != null ? "--truststore" : "the JVM's default")
        + "; client id " + clientId)
        .put("base_url", baseUrl).put("token_endpoint", endpoint).put("client_id", clientId)
        .put("proxy", proxy.type() == Proxy.Type.DIRECT ? null : proxyAddress())
        .put("https_proxy_env", envProxy())
        .put("connect_timeout_s", connectTimeout.toSeconds())
        .put("read_timeout_s", readTimeout.toSeconds())
        .put("call_timeout_s", PoaTokenProvider.DEFAULT_CALL_TIMEOUT.toSeconds())
        .put("truststore", options.truststore != null ? "--truststore" : "jvm-default");
  }

  private String describeProxy() {
    String env = envProxy();
    if (proxy.type() == Proxy.Type.DIRECT) {
      return "none (direct)" + (env == null ? "" : "; HTTPS_PROXY is set (" + env + "), but the"
          + " JVM does not read it: the client connects directly unless the JVM runs with"
          + " -Dhttps.proxyHost and -Dhttps.proxyPort");
    }
    return proxyAddress() + " (JVM system properties" + (https ? " https.proxyHost" : " http.proxyHost")
        + ")";
  }

  /** The fix when HTTPS_PROXY is set but the JVM, which ignores it, connects directly. */
  private String useEnvProxy() {
    String env = envProxy();
    int colon = env.lastIndexOf(':');
    String proxyHost = colon > 0 ? env.substring(0, colon) : env;
    String proxyPort = colon > 0 ? env.substring(colon + 1) : "80";
    return "HTTPS_PROXY is set, but Java does not read it: run the JVM with -Dhttps.proxyHost="
        + proxyHost + " -Dhttps.proxyPort=" + proxyPort + " (or give the client"
        + " PoaTokenProvider.builder().proxy(...))";
  }

  private String proxyAddress() {
    InetSocketAddress address = (InetSocketAddress) proxy.address();
    return address.getHostString() + ":" + address.getPort();
  }

  /** HTTPS_PROXY's host and port, never its user info. */
  private String envProxy() {
    String value = trimmed(env.getOrDefault("HTTPS_PROXY", env.get("https_proxy")));
    if (value == null) {
      return null;
    }
    try {
      URI uri = URI.create(value.contains("://") ? value : "http://" + value);
      return uri.getHost() == null ? "(not a URL)"
          : uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return "(not a URL)";
    }
  }

  private static Proxy proxyFor(URI uri) {
    ProxySelector selector = ProxySelector.getDefault();
    if (selector == null) {
      return Proxy.NO_PROXY;
    }
    for (Proxy candidate : selector.select(uri)) {
      if (candidate.type() == Proxy.Type.HTTP && candidate.address() instanceof InetSocketAddress) {
        return candidate;
      }
    }
    return Proxy.NO_PROXY;
  }

  // ---- 2 DNS -------------------------------------------------------------------------------

  private void dns(Step step) {
    try (Progress ignored = progress("looking up " + host, null)) {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      List<String> found = new ArrayList<>();
      for (InetAddress address : addresses) {
        found.add(address.getHostAddress());
      }
      step.ok(host + " resolves to " + String.join(", ", found)
          + (proxy.type() == Proxy.Type.DIRECT ? "" : " (the proxy looks it up again itself)"))
          .put("host", host).put("addresses", found);
    } catch (UnknownHostException e) {
      if (proxy.type() != Proxy.Type.DIRECT) {
        step.ok(host + " does not resolve here; the proxy looks it up itself").put("host", host)
            .put("addresses", List.of());
        return;
      }
      step.put("host", host).fail("the host of the base URL does not resolve (" + host + ")",
          envProxy() != null ? useEnvProxy()
          : "check the host against the address POA gave (a typo?); if this network reaches the"
          + " internet only through a proxy, run the JVM with -Dhttps.proxyHost and"
          + " -Dhttps.proxyPort");
    }
  }

  // ---- 3 TCP -------------------------------------------------------------------------------

  private void tcp(Step step) {
    boolean viaProxy = proxy.type() != Proxy.Type.DIRECT;
    // The proxy selector's address is unresolved: it is looked up here, as the client does.
    InetSocketAddress target = viaProxy
        ? new InetSocketAddress(((InetSocketAddress) proxy.address()).getHostString(),
            ((InetSocketAddress) proxy.address()).getPort())
        : new InetSocketAddress(host, port);
    if (target.isUnresolved()) {
      step.put("target", proxyAddress()).fail("the proxy's host does not resolve ("
          + proxyAddress() + ")", "check the proxy's host (https.proxyHost)");
      return;
    }
    String where = viaProxy ? "the proxy " + proxyAddress() : host + ":" + port;
    Socket s = new Socket();
    long start = System.nanoTime();
    try (Progress ignored = progress("connecting to " + where, connectTimeout)) {
      s.connect(target, (int) connectTimeout.toMillis());
    } catch (SocketTimeoutException e) {
      closeQuietly(s);
      step.put("target", where).fail("no answer from " + where + " within "
          + connectTimeout.toSeconds() + " s (packets dropped: a firewall, or a host that is not"
          + " POA's)", viaProxy ? "check the proxy's host and port (https.proxyHost)"
          : envProxy() != null ? useEnvProxy() : "if this network reaches the internet only through a proxy, run the JVM with"
          + " -Dhttps.proxyHost and -Dhttps.proxyPort; else ask your network team to open "
          + host + ":" + port);
      return;
    } catch (ConnectException | NoRouteToHostException e) {
      closeQuietly(s);
      step.put("target", where).fail("nothing listens on " + where + " (connection refused)",
          viaProxy ? "check the proxy's host and port (https.proxyHost, https.proxyPort)"
          : "check the port of the base URL (https is 443 unless POA gave another)");
      return;
    } catch (IOException e) {
      closeQuietly(s);
      step.put("target", where).fail("cannot connect to " + where + " ("
          + e.getClass().getSimpleName() + ")", "check the base URL's host and port");
      return;
    }
    long connectMs = elapsedMs(start);
    step.put("target", where).put("connect_ms", connectMs);
    if (!viaProxy) {
      socket = s;
      step.ok("connected to " + host + ":" + port + " (" + s.getInetAddress().getHostAddress()
          + ") in " + connectMs + " ms");
      return;
    }
    // Through the proxy: the tunnel the client asks for.
    try (Progress ignored = progress("waiting for the proxy to open a tunnel to " + host + ":"
        + port, connectTimeout)) {
      s.setSoTimeout((int) connectTimeout.toMillis());
      OutputStream o = s.getOutputStream();
      String authority = host + ":" + port;
      o.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      o.flush();
      String status = readHead(s.getInputStream());
      String[] parts = status.split(" ", 3);
      int code = parts.length > 1 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : 0;
      long tunnelMs = elapsedMs(start);
      step.put("proxy_status", code).put("tunnel_ms", tunnelMs);
      if (code != 200) {
        closeQuietly(s);
        step.fail("the proxy " + proxyAddress() + " refused the tunnel to " + authority
            + " (HTTP " + code + ")", code == 407
            ? "the proxy wants credentials: ask your network team how Java applications pass it"
            : "ask your network team to allow " + authority + " through the proxy");
        return;
      }
      s.setSoTimeout(0);
      socket = s;
      step.ok("connected to the proxy " + proxyAddress() + " in " + connectMs + " ms; tunnel to "
          + authority + " open in " + tunnelMs + " ms");
    } catch (SocketTimeoutException e) {
      closeQuietly(s);
      step.fail("the proxy " + proxyAddress() + " accepted the connection but did not open the"
          + " tunnel within " + connectTimeout.toSeconds() + " s", "check that "
          + proxyAddress() + " is an HTTP proxy (https.proxyHost, https.proxyPort)");
    } catch (IOException e) {
      closeQuietly(s);
      step.fail("the proxy " + proxyAddress() + " closed the connection ("
          + e.getClass().getSimpleName() + ")", "check that " + proxyAddress()
          + " is an HTTP proxy (https.proxyHost, https.proxyPort)");
    }
  }

  /** The status line of an HTTP head, after reading the whole head. */
  private static String readHead(InputStream in) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in,
        StandardCharsets.ISO_8859_1), 1);
    String status = reader.readLine();
    if (status == null) {
      throw new IOException("end of stream");
    }
    String line;
    while ((line = reader.readLine()) != null && !line.isEmpty()) {
      // headers of the proxy's answer: not needed
    }
    return status;
  }

  // ---- 4 TLS -------------------------------------------------------------------------------

  private void tls(Step step) {
    if (!https) {
      closeQuietly(socket);
      socket = null;
      step.status = Status.SKIPPED;
      step.found = "http to a loopback host: no TLS";
      return;
    }
    RecordingTrustManager recorder;
    SSLSocket tlsSocket;
    try {
      X509ExtendedTrustManager trust = trustManager(options.truststore != null
          ? loadTrustStore(Path.of(options.truststore)) : null);
      recorder = new RecordingTrustManager(trust);
      SSLContext recording = SSLContext.getInstance("TLS");
      recording.init(null, new TrustManager[] {recorder}, null);
      tlsSocket = (SSLSocket) recording.getSocketFactory().createSocket(socket, host, port, true);
    } catch (IOException | GeneralSecurityException e) {
      step.fail("cannot set up TLS (" + e.getClass().getSimpleName() + ")",
          "check the JVM's TLS settings");
      return;
    }
    SSLParameters parameters = tlsSocket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    tlsSocket.setSSLParameters(parameters);
    try (Progress ignored = progress("TLS handshake with " + host + ":" + port, readTimeout)) {
      tlsSocket.setSoTimeout((int) readTimeout.toMillis());
      tlsSocket.startHandshake();
    } catch (SocketTimeoutException e) {
      closeQuietly(tlsSocket);
      step.fail("no TLS answer from " + host + ":" + port + " within " + readTimeout.toSeconds()
          + " s", "check that the base URL's port serves https");
      return;
    } catch (IOException e) {
      closeQuietly(tlsSocket);
      if (recorder.chain == null) {
        step.fail("the TLS handshake failed before a certificate came (" + e.getClass()
            .getSimpleName() + (e instanceof SSLException && String.valueOf(e.getMessage())
            .contains("unrecognized SSL message") ? ": the port does not speak TLS, plain http?"
            : "") + ")",
            "check that the base URL's port serves https (and the JVM's TLS protocol settings)");
        return;
      }
    }
    SSLSession session = tlsSocket.getSession();
    closeQuietly(tlsSocket);
    socket = null;
    X509Certificate[] chain = recorder.chain;
    if (chain == null || chain.length == 0) {
      step.fail("the server sent no certificate", "check that the base URL's port serves https");
      return;
    }
    List<Map<String, Object>> certs = new ArrayList<>();
    List<String> described = new ArrayList<>();
    Instant now = Instant.now();
    for (X509Certificate cert : chain) {
      long days = Duration.between(now, cert.getNotAfter().toInstant()).toDays();
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("subject", cert.getSubjectX500Principal().getName());
      c.put("issuer", cert.getIssuerX500Principal().getName());
      c.put("expires_in_days", days);
      c.put("sha256", fingerprint(cert));
      certs.add(c);
      described.add(cert.getSubjectX500Principal().getName() + " (issuer "
          + cert.getIssuerX500Principal().getName() + ", expires in " + days + " days)");
    }
    X509Certificate top = chain[chain.length - 1];
    String protocol = session.getProtocol();
    step.put("protocol", protocol).put("cipher_suite", session.getCipherSuite())
        .put("chain", certs).put("trusted", recorder.trustProblem == null)
        .put("host_name_matches", recorder.trustProblem == null ? recorder.hostProblem == null
            : null);
    String chainText = "chain " + String.join(" <- ", described);
    if (recorder.trustProblem != null) {
      boolean expired = recorder.trustProblem instanceof CertificateExpiredException;
      step.put("trust_problem", expired ? "expired" : "untrusted");
      if (expired) {
        step.fail(protocol + "; " + chainText + "; a certificate has expired",
            "POA's certificate has expired: report it to POA with this output");
        return;
      }
      step.fail(protocol + "; " + chainText + "; NOT trusted by "
          + (options.truststore != null ? "--truststore" : "this JVM")
          + " (no trusted CA issued it: a TLS-inspecting proxy, or a private CA)",
          "check with POA (or your network team, for a TLS-inspecting proxy) that the CA"
          + " certificate \"" + top.getSubjectX500Principal().getName() + "\" has SHA-256 "
          + fingerprint(top) + ", then give the JVM that CA: for this check --truststore"
          + " ca.pem; for the application -Djavax.net.ssl.trustStore=truststore.p12"
          + " -Djavax.net.ssl.trustStorePassword=... (keytool -importcert -file ca.pem -keystore"
          + " truststore.p12), or PoaTokenProvider.builder().sslContext(...)");
      return;
    }
    if (recorder.hostProblem != null) {
      List<String> names = subjectNames(chain[0]);
      step.put("certificate_names", names);
      step.fail(protocol + "; " + chainText + "; trusted, but issued for " + (names.isEmpty()
          ? "no DNS name or IP address" : String.join(", ", names)) + ", not for " + host,
          names.isEmpty() ? "report the certificate to POA"
          : "use a base URL whose host is one the certificate names (" + names.get(0)
          + "); if POA confirms " + host + " is right, report its certificate to POA");
      return;
    }
    step.ok(protocol + "; " + chainText + "; trusted by " + (options.truststore != null
        ? "--truststore" : "the JVM") + "; host name matches");
  }

  /** Records the chain, checks it with the real trust manager, and lets the handshake go on. */
  private static final class RecordingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    volatile X509Certificate[] chain;
    volatile CertificateException trustProblem;
    volatile CertificateException hostProblem;

    RecordingTrustManager(X509ExtendedTrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      this.chain = chain.clone();
      try {
        delegate.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        trustProblem = e;
        return;
      }
      try {
        delegate.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        hostProblem = e;
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("sockets only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("with a socket only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  private static List<String> subjectNames(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> name : alternatives) {
          Object type = name.get(0);
          if (Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type)) {
            names.add(String.valueOf(name.get(1)));
          }
        }
      }
    } catch (CertificateException e) {
      // unreadable: none
    }
    return names;
  }

  private static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      return "(unavailable)";
    }
  }

  private static X509ExtendedTrustManager trustManager(KeyStore store)
      throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager extended) {
        return extended;
      }
    }
    throw new GeneralSecurityException("no X509 trust manager");
  }

  private static SSLContext sslContext(KeyStore store) throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {(X509TrustManager) trustManager(store)}, null);
    return context;
  }

  /** CA certificates (PEM or DER, one or more), else a PKCS12 or JKS key store. */
  private KeyStore loadTrustStore(Path file) throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(file);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try {
      Collection<? extends Certificate> certs = java.security.cert.CertificateFactory
          .getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(bytes));
      if (!certs.isEmpty()) {
        int i = 0;
        for (Certificate cert : certs) {
          store.setCertificateEntry("ca-" + i++, cert);
        }
        return store;
      }
    } catch (CertificateException e) {
      // not certificates: a key store?
    }
    String password = env.get("POA_TRUSTSTORE_PASSWORD");
    return KeyStore.getInstance(file.toFile(), password == null ? null : password.toCharArray());
  }

  // ---- 5 token path ------------------------------------------------------------------------

  private void tokenPath(Step step) {
    http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .proxy(ProxySelector.getDefault() == null ? HttpClient.Builder.NO_PROXY
            : ProxySelector.getDefault())
        .sslContext(sslContext)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    HttpResponse<String> answer;
    try {
      answer = postToken(tokenPath, secret);
    } catch (IOException e) {
      step.fail("POST " + tokenPath + " got no answer (" + ioReason(e) + ")",
          "retry; if it persists, send this output to POA");
      return;
    }
    step.put("path", tokenPath).put("status", answer.statusCode());
    String sample = "/poa/auth/token";
    if (answer.statusCode() == 404 && !tokenPath.equals(sample)) {
      HttpResponse<String> other;
      try {
        other = postToken(sample, secret);
      } catch (IOException e) {
        step.fail("POST " + tokenPath + ": HTTP 404; POST " + sample + " got no answer ("
            + ioReason(e) + ")", "check the base URL with POA");
        return;
      }
      step.put("sample_path", sample).put("sample_path_status", other.statusCode());
      if (other.statusCode() != 404 && isTokenEndpointAnswer(other)) {
        step.fail("POST " + tokenPath + " (the path POA documents): HTTP 404; POST " + sample
            + " (the sample path of POA's page): HTTP " + other.statusCode() + ": this server"
            + " serves the token endpoint on the sample path",
            "if POA confirms this environment serves its token endpoint on " + sample + ", set"
            + " tokenPath to " + sample + " (PoaTokenProvider.builder().tokenPath(\"" + sample
            + "\"), Spring Boot poa.auth.token-path=" + sample + ") and run doctor with"
            + " --token-path " + sample + "; else report the 404 to POA");
        return;
      }
      step.fail("POST " + tokenPath + ": HTTP 404, and POST " + sample + ": HTTP "
          + other.statusCode() + ": neither path is a token endpoint here",
          "check the base URL with POA: this host does not serve POA's token endpoint");
      return;
    }
    int status = answer.statusCode();
    if (status >= 300 && status < 400) {
      String location = answer.headers().firstValue("Location").orElse("(no Location)");
      step.put("location", location).fail("POST " + tokenPath + ": HTTP " + status
          + " redirect to " + location + " (not followed: a token request is never redirected)",
          "use the base URL the redirect points to, if POA confirms it");
      return;
    }
    if (!isTokenEndpointAnswer(answer)) {
      step.fail("POST " + tokenPath + ": HTTP " + status + ", " + contentType(answer)
          + (status >= 500 || status == 429 ? ": the endpoint (or a gateway before it) is failing"
          : ": not an answer of a token endpoint"), status >= 500 || status == 429
          ? "retry later; if it persists, send this output to POA"
          : "check the base URL and the proxy: something other than POA's token endpoint answers");
      return;
    }
    tokenResponse = answer;
    step.ok("POST " + tokenPath + " is answered by a token endpoint (HTTP " + status + ", "
        + contentType(answer) + ")");
  }

  private HttpResponse<String> postToken(String path, String sentSecret)
      throws IOException {
    String form = "grant_type=client_credentials&client_id=" + encode(clientId)
        + "&client_secret=" + encode(sentSecret);
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(readTimeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
        .build();
    try (Progress ignored = progress("POST " + path, readTimeout)) {
      HttpResponse<String> response = http.send(request,
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      tokenResponseAt = Instant.now();
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static boolean isTokenEndpointAnswer(HttpResponse<String> answer) {
    JsonNode json = json(answer.body());
    int status = answer.statusCode();
    return json != null && (status == 200 && json.hasNonNull("access_token")
        || (status == 400 || status == 401 || status == 403) && json.hasNonNull("error"));
  }

  // ---- 6 credentials -----------------------------------------------------------------------

  private void credentials(Step step) {
    HttpResponse<String> answer = tokenResponse;
    JsonNode json = json(answer.body());
    boolean padded = !secret.equals(secret.strip());
    String padding = padded ? describePadding(secret) : null;
    if (answer.statusCode() == 200) {
      accepted(step, json);
      if (padded) {
        step.put("secret_whitespace", padding);
        step.found += "; note: the secret " + padding + ", and POA accepted it as sent";
      }
      return;
    }
    String error = json.path("error").asText("");
    String description = json.path("error_description").asText("");
    step.put("status", answer.statusCode()).put("error", error)
        .put("error_description", description);
    String found = "POA refused the credentials of client " + clientId + ": HTTP "
        + answer.statusCode() + " " + error + (description.isEmpty() ? "" : " (" + description
        + ")") + ": " + meaning(error, description);
    if (padded) {
      step.put("secret_whitespace", padding);
      HttpResponse<String> retried = null;
      try {
        retried = postToken(tokenPath, secret.strip());
      } catch (IOException e) {
        // the hint below stands without the retry
      }
      if (retried != null && retried.statusCode() == 200) {
        step.put("accepted_without_whitespace", true);
        step.fail(found + "; the secret " + padding + ", and without it POA accepts it",
            "remove the whitespace from the stored secret (printf '%s' rather than echo; no"
            + " line break at the end of a secret file), or strip it before"
            + " PoaTokenProvider.builder().clientSecret(...)");
        return;
      }
      step.fail(found + "; also, the secret " + padding + " (refused without it too)",
          fixFor(error, description) + "; and remove the whitespace from the stored secret");
      return;
    }
    step.fail(found, fixFor(error, description));
  }

  private void accepted(Step step, JsonNode json) {
    accessToken = json.path("access_token").asText();
    mask = mask.with(accessToken);
    tokenType = json.path("token_type").asText("(none)");
    long expiresIn = json.path("expires_in").asLong(-1);
    String scope = json.hasNonNull("scope") ? json.get("scope").asText() : null;
    step.put("token_type", tokenType).put("expires_in", expiresIn).put("scope", scope);
    StringBuilder found = new StringBuilder("POA issued a token: type " + tokenType
        + ", expires_in " + expiresIn + " s, scope " + (scope == null ? "(none)" : scope));
    JsonNode claims = jwtClaims(accessToken);
    if (claims == null) {
      found.append("; not a JWT (its claims cannot be shown)");
      step.put("jwt", null);
    } else {
      Map<String, Object> shown = new LinkedHashMap<>();
      for (String claim : List.of("iss", "azp", "client_id", "iat", "exp")) {
        JsonNode value = claims.get(claim);
        if (value != null && value.isValueNode()) {
          shown.put(claim, value.isNumber() ? (Object) value.asLong() : value.asText());
        }
      }
      if (claims.path("iat").isNumber()) {
        tokenIat = claims.get("iat").asLong();
      }
      step.put("jwt", shown);
      found.append("; JWT ").append(shown.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue() + (e.getKey().equals("iat")
              || e.getKey().equals("exp") ? " (" + Instant.ofEpochSecond((Long) e.getValue())
              + ")" : ""))
          .collect(Collectors.joining(", ")));
      String azp = claims.path("azp").asText(claims.path("client_id").asText(""));
      if (!azp.isEmpty() && !azp.equals(clientId)) {
        found.append("; note: the token names client ").append(azp).append(", not ")
            .append(clientId);
      }
    }
    if (!"bearer".equalsIgnoreCase(tokenType)) {
      step.fail(found + "; the token type is not Bearer", "report the token type to POA");
      return;
    }
    step.ok(found.toString());
  }

  private static JsonNode jwtClaims(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /** What an OAuth error of POA's Keycloak means (measured on Keycloak 26, see the sandbox). */
  static String meaning(String error, String description) {
    String d = description.toLowerCase(Locale.ROOT);
    switch (error) {
      case "invalid_client":
        return "POA's Keycloak does not know this client id, or the client is disabled";
      case "unauthorized_client":
        if (d.contains("service account")) {
          return "the client exists, but has no service account: it may not use the"
              + " client-credentials grant";
        }
        if (d.contains("invalid client credentials")) {
          return "the client id is known, but the secret is wrong (Keycloak says"
              + " unauthorized_client for a wrong secret)";
        }
        return "the client may not use this grant";
      case "unsupported_grant_type":
        return "the endpoint does not take grant_type=client_credentials as sent (something"
            + " between here and POA rewrote the form?)";
      case "invalid_request":
        return "the request is malformed (a proxy or gateway changed the form body?)";
      case "invalid_scope":
        return "the scope asked for is not one of the client's";
      case "invalid_grant":
        return "the grant is refused";
      default:
        return "an OAuth error Keycloak gives for other causes";
    }
  }

  private String fixFor(String error, String description) {
    String d = description.toLowerCase(Locale.ROOT);
    switch (error) {
      case "invalid_client":
        return "check the client id (" + clientId + ") against the one POA shared; if it is"
            + " right, ask POA whether the client is enabled";
      case "unauthorized_client":
        if (d.contains("service account")) {
          return "ask POA to enable the service account (client-credentials grant) of client "
              + clientId;
        }
        if (d.contains("invalid client credentials")) {
          return "use the secret POA shared for " + clientId + " (it may have been rotated:"
              + " ask POA for the current one)";
        }
        return "ask POA to allow the client-credentials grant for " + clientId;
      case "unsupported_grant_type":
      case "invalid_request":
        return "check that no proxy or gateway rewrites the request body; send this output to POA";
      default:
        return "send this output to POA";
    }
  }

  /** Where the whitespace is, in words: never the secret. */
  private static String describePadding(String secret) {
    List<String> where = new ArrayList<>();
    String leading = secret.substring(0, secret.length() - secret.stripLeading().length());
    String trailing = secret.substring(secret.stripTrailing().length());
    if (!leading.isEmpty()) {
      where.add("starts with " + kinds(leading));
    }
    if (!trailing.isEmpty()) {
      where.add("ends with " + kinds(trailing));
    }
    return String.join(" and ", where);
  }

  private static String kinds(String whitespace) {
    boolean lineBreak = whitespace.indexOf('\n') >= 0 || whitespace.indexOf('\r') >= 0;
    boolean other = whitespace.chars().anyMatch(c -> c != '\n' && c != '\r');
    return lineBreak && other ? "a line break and spaces" : lineBreak ? "a line break"
        : "whitespace";
  }

  // ---- 7 clocks ----------------------------------------------------------------------------

  private void clocks(Step step) {
    List<String> found = new ArrayList<>();
    Duration worst = Duration.ZERO;
    Instant local = tokenResponseAt;
    String date = tokenResponse.headers().firstValue("Date").orElse(null);
    if (date == null) {
      found.add("the server sent no Date header");
      step.put("server_date", null);
    } else {
      try {
        Instant server = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME)
            .toInstant();
        // Date and iat have whole seconds: compared with the local second they fall in.
        Duration offset = Duration.between(Instant.ofEpochSecond(local.getEpochSecond()), server);
        worst = larger(worst, offset);
        found.add("server Date " + server + ", " + signed(offset) + " from this machine");
        step.put("server_date", server.toString()).put("server_date_offset_s",
            offset.toSeconds());
      } catch (RuntimeException e) {
        found.add("the server's Date header cannot be read");
      }
    }
    if (tokenIat == null) {
      found.add("no token iat");
    } else {
      Duration offset = Duration.between(Instant.ofEpochSecond(local.getEpochSecond()),
          Instant.ofEpochSecond(tokenIat));
      worst = larger(worst, offset);
      found.add("token iat " + Instant.ofEpochSecond(tokenIat) + ", " + signed(offset)
          + " from this machine");
      step.put("token_iat_offset_s", offset.toSeconds());
    }
    step.put("local_time", local.toString()).put("tolerance_s", CLOCK_TOLERANCE.toSeconds());
    String text = "local clock " + local + "; " + String.join("; ", found);
    if (worst.abs().compareTo(CLOCK_TOLERANCE) > 0) {
      step.warn(text + ": more than " + CLOCK_TOLERANCE.toSeconds() + " s apart",
          "synchronise this machine's clock (NTP); an API checking iat or exp may refuse its"
          + " tokens, and the expiry the client computes is off by as much");
      return;
    }
    step.ok(text);
  }

  private static Duration larger(Duration a, Duration b) {
    return b.abs().compareTo(a.abs()) > 0 ? b : a;
  }

  private static String signed(Duration offset) {
    long s = offset.toSeconds();
    return (s > 0 ? "+" : s < 0 ? "-" : "±") + Math.abs(s) + " s";
  }

  // ---- 8 API -------------------------------------------------------------------------------

  private void api(Step step) {
    if (options.apiUrl == null) {
      step.status = Status.SKIPPED;
      step.found = "no --api-url given";
      return;
    }
    String problem = BaseUrls.problem("--api-url", options.apiUrl);
    if (problem != null) {
      step.fail(problem, "give the URL of a POA API endpoint this client may call");
      return;
    }
    URI uri = URI.create(options.apiUrl.trim());
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(readTimeout)
        .header("Authorization", "Bearer " + accessToken).GET().build();
    HttpResponse<String> answer;
    try (Progress ignored = progress("GET " + uri.getRawPath(), readTimeout)) {
      answer = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      step.fail("GET the API got no answer (" + ioReason(e) + ")",
          "check the API URL, and that its host is reachable from here");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      step.fail("interrupted", "run it again");
      return;
    }
    int status = answer.statusCode();
    String challenge = answer.headers().firstValue("WWW-Authenticate").orElse(null);
    step.put("url", origin(uri) + uri.getRawPath()).put("status", status)
        .put("www_authenticate", challenge);
    String found = "GET " + origin(uri) + uri.getRawPath() + " with the token: HTTP " + status
        + (challenge == null ? "" : " (WWW-Authenticate: " + challenge + ")");
    if (status == 401 || status == 403) {
      step.fail(found + ": the API refuses a valid token",
          "ask POA to grant client " + clientId + " access to this API (its roles or audience)");
      return;
    }
    if (status >= 300) {
      step.fail(found, status >= 300 && status < 400 ? "use the URL the redirect points to"
          : status == 404 ? "check the API URL" : "retry; if it persists, send this output to POA");
      return;
    }
    step.ok(found);
  }

  // ---- output ------------------------------------------------------------------------------

  private void print(int code) {
    Step failed = steps.stream().filter(s -> s.status == Status.FAIL).findFirst().orElse(null);
    String result = failed != null ? "step " + failed.number + " (" + failed.name
        + ") failed" : code == CLOCKS ? "works, with a clock warning" : "all good";
    if (options.json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("tool", PoaAuthCli.NAME + " doctor");
      document.put("result", failed != null ? "fail" : code == OK ? "ok" : "warn");
      document.put("exit_code", code);
      document.put("summary", result);
      List<Map<String, Object>> list = new ArrayList<>();
      for (Step step : steps) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("step", step.number);
        s.put("name", step.name);
        s.put("status", step.status.name().toLowerCase(Locale.ROOT));
        s.put("found", step.found);
        s.put("fix", step.fix);
        s.put("details", step.details);
        list.add(s);
      }
      document.put("steps", list);
      out.println(mask.mask(PoaAuthCli.jsonText(document)));
    } else {
      for (Step step : steps) {
        String label = switch (step.status) {
          case OK -> "ok  ";
          case WARN -> "WARN";
          case FAIL -> "FAIL";
          case SKIPPED -> "skip";
        };
        out.println(mask.forTerminal(("[" + label + "] " + step.number + " " + step.name + ": "
            + step.found + (step.fix == null ? "" : " => fix: " + step.fix))
            .replaceAll("[\\r\\n]+", " ")));
      }
      out.println(mask.forTerminal(PoaAuthCli.NAME + " doctor: " + result + " (exit " + code
          + ")"));
    }
    out.flush();
  }

  // ---- helpers -----------------------------------------------------------------------------

  /**
   * Says on stderr, once a slow step has waited a second, what it waits for and how long at
   * most (null: as long as the resolver takes).
   */
  private Progress progress(String what, Duration limit) {
    return new Progress(what, limit);
  }

  private final class Progress implements AutoCloseable {
    private final CountDownLatch done = new CountDownLatch(1);

    Progress(String what, Duration limit) {
      Thread watcher = new Thread(() -> {
        try {
          if (!done.await(PROGRESS_AFTER.toMillis(), TimeUnit.MILLISECONDS)) {
            err.println(mask.forTerminal(PREFIX + what + ": still waiting" + (limit == null
                ? "" : " (up to " + limit.toSeconds() + " s)") + "..."));
            err.flush();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "poa-auth-doctor-progress");
      watcher.setDaemon(true);
      watcher.start();
    }

    @Override
    public void close() {
      done.countDown();
    }
  }

  private static String ioReason(IOException e) {
    if (e instanceof HttpTimeoutException) {
      return "no answer within the read timeout";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof SSLException) {
      return "TLS failed";
    }
    return e.getClass().getSimpleName();
  }

  private static String contentType(HttpResponse<String> answer) {
    return answer.headers().firstValue("Content-Type").map(t -> "Content-Type " + t)
        .orElse("no Content-Type");
  }

  private static JsonNode json(String body) {
    try {
      JsonNode node = new ObjectMapper().readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String origin(URI uri) {
    return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority();
  }

  private static String trimmed(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static long elapsedMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing
      }
    }
  }
}
