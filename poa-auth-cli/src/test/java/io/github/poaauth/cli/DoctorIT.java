package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.poaauth.sandbox.PoaSandbox;
import io.github.poaauth.sandbox.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code poa-auth doctor} run as partners run it, {@code java -jar poa-auth-cli.jar doctor}, in
 * its own process, against real endpoints on loopback: the sandbox (as POA's Keycloak answers,
 * or scripted as it answers cases the sandbox does not model), an HTTPS front with a self-signed
 * certificate (untrusted, or trusted through --truststore, or for another host name), a port
 * nobody listens on, a host under {@code .invalid}, and a CONNECT proxy. Every run: no output
 * holds the secret (in any spelling a form or JSON gives it) or a token.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard only: nothing is timed
class DoctorIT {

  private static final Path JAR = Path.of("target", "poa-auth-cli.jar").toAbsolutePath();
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLIENT = "partner-7";
  private static final String SECRET = "Doctor-Secret+/=Value-42";
  /** A JWT's shape, as three base64url parts: no output may hold one. */
  private static final String JWT = "eyJ[\\w-]*\\.[\\w-]+\\.[\\w-]+";

  @TempDir
  Path dir;

  private final List<AutoCloseable> servers = new ArrayList<>();

  record Result(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @AfterEach
  void stopServers() throws Exception {
    for (AutoCloseable server : servers) {
      server.close();
    }
  }

  private <T extends AutoCloseable> T started(T server) {
    servers.add(server);
    return server;
  }

  private PoaSandbox sandbox(PoaSandbox.Builder builder) {
    return started(builder.client(CLIENT, SECRET).start());
  }

  private PoaSandbox sandbox() {
    return sandbox(PoaSandbox.builder());
  }

  // ---- all good ---------------------------------------------------------------------------

  @Test
  void allGood_overHttpToLoopback_withTheApi_exits0_andJsonHasEveryStep() throws Exception {
    PoaSandbox poa = sandbox();

    Result human = doctor(env(poa.baseUrl(), SECRET), "", List.of(), "doctor", "--api-url",
        poa.apiEndpoint().toString());
    Result json = doctor(env(poa.baseUrl(), SECRET), "", List.of(), "doctor", "--json",
        "--api-url", poa.apiEndpoint().toString());

    assertThat(human.code()).as(human.all()).isZero();
    assertThat(human.out()).contains("[ok  ] 1 configuration: base URL " + poa.baseUrl())
        .contains("[skip] 4 TLS").contains("[ok  ] 6 credentials: POA issued a token: type"
            + " Bearer, expires_in 1800 s, scope partner; JWT iss=" + poa.issuer() + ", azp="
            + CLIENT).contains("[ok  ] 8 API: GET " + poa.apiEndpoint() + " with the token: HTTP 200")
        .endsWith("poa-auth doctor: all good (exit 0)\n");
    assertThat(human.out().lines()).hasSize(9);
    assertOnlyProgress(human.err());
    assertThat(json.code()).isZero();
    JsonNode document = JSON.readTree(json.out());
    assertThat(document.get("result").asText()).isEqualTo("ok");
    assertThat(document.get("steps")).hasSize(8);
    assertThat(document.at("/steps/5/details/jwt/azp").asText()).isEqualTo(CLIENT);
    assertThat(document.at("/steps/6/details/token_iat_offset_s").asLong()).isBetween(-30L, 30L);
    assertThat(document.at("/steps/7/details/status").asInt()).isEqualTo(200);
    assertNothingSecret(human, json);
  }

  @Test
  void allGood_overHttps_withTruststore_throughAConnectProxy() throws Exception {
    PoaSandbox poa = sandbox();
    // A name only the proxy "resolves" (it tunnels every CONNECT to loopback): the JVM never
    // sends a loopback name through a proxy.
    String host = "poa.doctor-test.invalid";
    TestCertificate cert = TestCertificate.create(dir, "good", "dns:" + host);
    TlsFront https = started(new TlsFront(cert.serverContext(), port(poa)));
    ConnectProxy proxy = started(ConnectProxy.tunnelling());
    String baseUrl = "https://" + host + ":" + https.port();

    Result run = doctor(env(baseUrl, SECRET), "", proxyOptions(proxy.port()), "doctor",
        "--truststore", cert.pem.toString());

    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.out()).contains("proxy: 127.0.0.1:" + proxy.port())
        .contains("[ok  ] 3 TCP: connected to the proxy 127.0.0.1:" + proxy.port())
        .contains("[ok  ] 2 DNS: " + host + " does not resolve here; the proxy looks it up itself")
        .contains("tunnel to " + host + ":" + https.port() + " open")
        .containsPattern("\\[ok  ] 4 TLS: TLSv1\\.[23]; chain CN=good test server \\(issuer"
            + " CN=good test server, expires in (29|30) days\\); trusted by --truststore; host"
            + " name matches")
        .contains("[ok  ] 6 credentials: POA issued a token");
    assertThat(proxy.requests).as("the TLS step's tunnel and the token request's")
        .contains("CONNECT " + host + ":" + https.port() + " HTTP/1.1")
        .hasSizeGreaterThanOrEqualTo(2);
    assertNothingSecret(run);
  }

  // ---- 1 configuration ----------------------------------------------------------------------

  @Test
  void configuration_httpToARemoteHost_exits11_withoutRepeatingTheHost() throws Exception {
    String typedSecret = "Hunter2-Typed-Into-The-Host";

    Result run = doctor(env("http://" + typedSecret + ".example", SECRET), "", List.of(),
        "doctor");
    Result missing = doctor(Map.of("POA_CLIENT_ID", CLIENT), "", List.of(), "doctor");

    assertThat(run.code()).isEqualTo(Doctor.CONFIGURATION);
    assertThat(run.out()).contains("[FAIL] 1 configuration: the base URL (--base-url or"
        + " POA_BASE_URL) uses http to a host that is not loopback").contains("=> fix:");
    assertThat(run.all()).doesNotContain(typedSecret);
    assertThat(missing.code()).isEqualTo(Doctor.CONFIGURATION);
    assertThat(missing.out()).contains("missing the base URL (--base-url or POA_BASE_URL), the"
        + " client secret (POA_CLIENT_SECRET or --secret-stdin)");
    assertNothingSecret(run, missing);
  }

  @Test
  void configuration_theTokenEndpointGivenAsBaseUrl_exits11_withTheBaseUrlToUse()
      throws Exception {
    Result run = doctor(env("https://poa.example.com/v2/auth/cybrillarta/token", SECRET), "",
        List.of(), "doctor");

    assertThat(run.code()).isEqualTo(Doctor.CONFIGURATION);
    assertThat(run.out()).contains("[FAIL] 1 configuration: the base URL has a path"
        + " (/v2/auth/cybrillarta/token): it is the token endpoint, to which the client appends"
        + " the token path again => fix: give the base URL without a path:"
        + " https://poa.example.com");
    assertNothingSecret(run);
  }

  @Test
  void anHttpsProxyVariableTheJvmIgnores_isNamed_andIsTheFixWhenTheHostDoesNotResolve()
      throws Exception {
    Map<String, String> env = env("https://poa.doctor-test.invalid", SECRET);
    env.put("HTTPS_PROXY", "http://proxy-user:Proxy-Password-9@proxy.corp.example:3128");

    Result run = doctor(env, "", List.of(), "doctor");

    assertThat(run.code()).isEqualTo(Doctor.DNS);
    assertThat(run.out()).contains("proxy: none (direct); HTTPS_PROXY is set"
        + " (proxy.corp.example:3128), but the JVM does not read it")
        .contains("=> fix: HTTPS_PROXY is set, but Java does not read it: run the JVM with"
        + " -Dhttps.proxyHost=proxy.corp.example -Dhttps.proxyPort=3128");
    assertThat(run.all()).doesNotContain("Proxy-Password-9").doesNotContain("proxy-user");
    assertNothingSecret(run);
  }

  // ---- 2 DNS --------------------------------------------------------------------------------

  @Test
  void dns_aHostUnderInvalid_exits12() throws Exception {
    Result run = doctor(env("https://poa.doctor-test.invalid", SECRET), "", List.of(), "doctor",
        "--json");

    assertThat(run.code()).as(run.all()).isEqualTo(Doctor.DNS);
    JsonNode step = JSON.readTree(run.out()).at("/steps/1");
    assertThat(step.get("status").asText()).isEqualTo("fail");
    assertThat(step.get("found").asText()).isEqualTo("the host of the base URL does not resolve"
        + " (poa.doctor-test.invalid)");
    assertThat(step.get("fix").asText()).contains("-Dhttps.proxyHost");
    assertNothingSecret(run);
  }

  // ---- 3 TCP --------------------------------------------------------------------------------

  @Test
  void tcp_aPortNobodyListensOn_exits13() throws Exception {
    int port = closedPort();

    Result run = doctor(env("http://127.0.0.1:" + port, SECRET), "", List.of(), "doctor");

    assertThat(run.code()).as(run.all()).isEqualTo(Doctor.TCP);
    assertThat(run.out()).contains("[FAIL] 3 TCP: nothing listens on 127.0.0.1:" + port
        + " (connection refused) => fix: check the port of the base URL");
    assertNothingSecret(run);
  }

  @Test
  void tcp_aProxyThatNeverAnswers_exits13_sayingOnStderrThatItWaits() throws Exception {
    ConnectProxy proxy = started(ConnectProxy.silent());

    Result run = doctor(env("https://poa.doctor-test.invalid", SECRET), "",
        proxyOptions(proxy.port()), "doctor");

    assertThat(run.code()).as(run.all()).isEqualTo(Doctor.TCP);
    assertThat(run.out()).contains("[ok  ] 2 DNS: poa.doctor-test.invalid does not resolve"
        + " here; the proxy looks it up itself").contains("[FAIL] 3 TCP: the proxy 127.0.0.1:"
        + proxy.port() + " accepted the connection but did not open the tunnel within 5 s");
    assertThat(run.err()).contains("poa-auth doctor: waiting for the proxy to open a tunnel to"
        + " poa.doctor-test.invalid:443: still waiting (up to 5 s)...\n");
    assertOnlyProgress(run.err());
    assertNothingSecret(run);
  }

  // ---- 4 TLS --------------------------------------------------------------------------------

  @Test
  void tls_anUntrustedSelfSignedCertificate_exits14_withTheFingerprintAndHowToTrustIt()
      throws Exception {
    PoaSandbox poa = sandbox();
    TestCertificate cert = TestCertificate.create(dir, "untrusted", "dns:localhost");
    TlsFront https = started(new TlsFront(cert.serverContext(), port(poa)));

    Result run = doctor(env("https://localhost:" + https.port(), SECRET), "", List.of(),
        "doctor");
    Result json = doctor(env("https://localhost:" + https.port(), SECRET), "", List.of(),
        "doctor", "--json");

    assertThat(run.code()).as(run.all()).isEqualTo(Doctor.TLS);
    assertThat(run.out()).contains("[FAIL] 4 TLS: TLSv1.").contains("NOT trusted by this JVM")
        .contains("has SHA-256 " + cert.sha256()).contains("--truststore ca.pem")
        .contains("-Djavax.net.ssl.trustStore=");
    assertThat(json.code()).isEqualTo(Doctor.TLS);
    JsonNode tls = JSON.readTree(json.out()).at("/steps/3/details");
    assertThat(tls.get("trusted").asBoolean()).isFalse();
    assertThat(tls.at("/chain/0/sha256").asText()).isEqualTo(cert.sha256());
    assertThat(poa.tokenRequestCount()).as("no secret sent to an untrusted server").isZero();
    assertNothingSecret(run, json);
  }

  @Test
  void tls_aTrustedCertificateForAnotherHost_exits14_namingTheCertificatesHost()
      throws Exception {
    PoaSandbox poa = sandbox();
    TestCertificate cert = TestCertificate.create(dir, "elsewhere", "dns:poa.elsewhere.example");
    TlsFront https = started(new TlsFront(cert.serverContext(), port(poa)));

    Result run = doctor(env("https://127.0.0.1:" + https.port(), SECRET), "", List.of(),
        "doctor", "--truststore", cert.pem.toString());

    assertThat(run.code()).as(run.all()).isEqualTo(Doctor.TLS);
    assertThat(run.out()).contains("trusted, but issued for poa.elsewhere.example, not for"
        + " 127.0.0.1 => fix: use a base URL whose host is one the certificate names"
        + " (poa.elsewhere.example)");
    assertThat(poa.tokenRequestCount()).isZero();
    assertNothingSecret(run);
  }

  @Test
  void tls_aPortThatSpeaksPlainHttp_exits14() throws Exception {
    PoaSandbox poa = sandbox();

    Result run = doctor(env(poa.baseUrl().replace("http:", "https:"), SECRET), "", List.of(),
        "doctor");

    assertThat(run.code()).as(run.all()).isEqualTo(Doctor.TLS);
    assertThat(run.out()).contains("[FAIL] 4 TLS: the TLS handshake failed before a certificate"
        + " came (SSLException: the port does not speak TLS, plain http?) => fix: check that the"
        + " base URL's port serves https");
    assertThat(poa.tokenRequestCount()).isZero();
    assertNothingSecret(run);
  }

  // ---- 5 token path -------------------------------------------------------------------------

  @Test
  void tokenPath_aServerOfTheSamplePathOnly_exits15_andTokenPathOptionConfirmsTheFix()
      throws Exception {
    PoaSandbox poa = sandbox(PoaSandbox.builder().acceptSamplePath());
    // The documented path answers as Keycloak answers an unknown path: 404.
    poa.faults().enqueue(Reply.json(404,
        "{\"error\":\"Unable to find matching target resource method\"}"));

    Result run = doctor(env(poa.baseUrl(), SECRET), "", List.of(), "doctor");
    Result json = doctor(env(poa.baseUrl(), SECRET), "", List.of(), "doctor", "--json",
        "--token-path", PoaSandbox.SAMPLE_PATH);

    assertThat(run.code()).as(run.all()).isEqualTo(Doctor.TOKEN_PATH);
    assertThat(run.out()).contains("[FAIL] 5 token path: POST /v2/auth/cybrillarta/token (the"
        + " path POA documents): HTTP 404; POST /poa/auth/token (the sample path of POA's page):"
        + " HTTP 200: this server serves the token endpoint on the sample path")
        .contains("set tokenPath to /poa/auth/token")
        .contains("poa.auth.token-path=/poa/auth/token")
        .contains("--token-path /poa/auth/token");
    assertThat(json.code()).as(json.all()).isZero();
    assertThat(JSON.readTree(json.out()).at("/steps/4/details/path").asText())
        .isEqualTo(PoaSandbox.SAMPLE_PATH);
    assertNothingSecret(run, json);
  }

  // ---- 6 credentials ------------------------------------------------------------------------

  @Test
  void credentials_aWrongSecret_exits16_saysTheSecretIsWrong() throws Exception {
    PoaSandbox poa = sandbox();
    String wrong = "Not-The-Doctor-Secret-99";

    Result run = doctor(env(poa.baseUrl(), wrong), "", List.of(), "doctor");

    assertThat(run.code()).isEqualTo(Doctor.CREDENTIALS);
    assertThat(run.out()).contains("[FAIL] 6 credentials: POA refused the credentials of client "
        + CLIENT + ": HTTP 401 unauthorized_client (Invalid client or Invalid client"
        + " credentials): the client id is known, but the secret is wrong")
        .contains("=> fix: use the secret POA shared for " + CLIENT);
    assertNothingSecret(run, wrong);
  }

  @Test
  void credentials_anUnknownClientId_exits16_saysTheIdIsUnknown() throws Exception {
    PoaSandbox poa = sandbox();
    Map<String, String> env = env(poa.baseUrl(), SECRET);
    env.put("POA_CLIENT_ID", "partner-unknown");

    Result run = doctor(env, "", List.of(), "doctor");

    assertThat(run.code()).isEqualTo(Doctor.CREDENTIALS);
    assertThat(run.out()).contains("HTTP 401 invalid_client").contains("does not know this"
        + " client id").contains("=> fix: check the client id (partner-unknown)");
    assertNothingSecret(run);
  }

  @Test
  void credentials_aSecretWithATrailingLineBreak_exits16_andSaysPoaAcceptsItWithout()
      throws Exception {
    PoaSandbox poa = sandbox();

    Result fromEnvironment = doctor(env(poa.baseUrl(), SECRET + "\n"), "", List.of(), "doctor");
    // --secret-stdin drops the one line break echo adds; a second one is the secret's.
    Map<String, String> noSecret = env(poa.baseUrl(), SECRET);
    noSecret.remove("POA_CLIENT_SECRET");
    Result fromStdin = doctor(noSecret, " " + SECRET + "\r\n\n", List.of(), "doctor",
        "--secret-stdin");
    Result echoed = doctor(noSecret, SECRET + "\n", List.of(), "doctor", "--secret-stdin");

    assertThat(fromEnvironment.code()).isEqualTo(Doctor.CREDENTIALS);
    assertThat(fromEnvironment.out()).contains("the secret ends with a line break, and without"
        + " it POA accepts it => fix: remove the whitespace from the stored secret");
    assertThat(fromStdin.code()).isEqualTo(Doctor.CREDENTIALS);
    assertThat(fromStdin.out()).contains("the secret starts with whitespace and ends with a line"
        + " break, and without it POA accepts it");
    assertThat(echoed.code()).as(echoed.all()).isZero();
    assertNothingSecret(fromEnvironment, fromStdin, echoed);
  }

  @Test
  void credentials_aClientWithoutServiceAccount_exits16_askingPoaToEnableIt() throws Exception {
    PoaSandbox poa = sandbox();
    // Keycloak 26's answer for a client without service accounts (poa-auth-keycloak-tests,
    // KeycloakBehaviourIT): the sandbox has no such client, so it is scripted.
    poa.faults().otherwise(Reply.json(401, "{\"error\":\"unauthorized_client\","
        + "\"error_description\":\"Client not enabled to retrieve service account\"}"));

    Result run = doctor(env(poa.baseUrl(), SECRET), "", List.of(), "doctor", "--json");

    assertThat(run.code()).isEqualTo(Doctor.CREDENTIALS);
    JsonNode step = JSON.readTree(run.out()).at("/steps/5");
    assertThat(step.get("found").asText()).contains("HTTP 401 unauthorized_client (Client not"
        + " enabled to retrieve service account): the client exists, but has no service"
        + " account: it may not use the client-credentials grant");
    assertThat(step.get("fix").asText()).isEqualTo("ask POA to enable the service account"
        + " (client-credentials grant) of client " + CLIENT);
    assertNothingSecret(run);
  }

  // ---- 7 clocks -----------------------------------------------------------------------------

  @Test
  void clocks_aServerFiveMinutesAhead_exits17_withTheOffsetAndAWarning() throws Exception {
    Duration ahead = Duration.ofMinutes(5);
    PoaSandbox poa = sandbox(PoaSandbox.builder()
        .clock(Clock.offset(Clock.systemUTC(), ahead)));
    poa.faults().otherwise(Reply.token().withHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME
        .format(ZonedDateTime.now(ZoneOffset.UTC).plus(ahead))));

    Result run = doctor(env(poa.baseUrl(), SECRET), "", List.of(), "doctor", "--json");
    Result human = doctor(env(poa.baseUrl(), SECRET), "", List.of(), "doctor");

    assertThat(run.code()).as(run.all()).isEqualTo(Doctor.CLOCKS);
    JsonNode clocks = JSON.readTree(run.out()).at("/steps/6");
    assertThat(clocks.get("status").asText()).isEqualTo("warn");
    // The Date header was made before the run: the offset is at most 5 minutes.
    assertThat(clocks.at("/details/server_date_offset_s").asLong()).isBetween(31L, 300L);
    // iat is the sandbox's clock at issue, 5 minutes ahead, less the time the answer took.
    assertThat(clocks.at("/details/token_iat_offset_s").asLong()).isBetween(31L, 300L);
    assertThat(JSON.readTree(run.out()).at("/steps/7/status").asText()).isEqualTo("skipped");
    assertThat(human.code()).isEqualTo(Doctor.CLOCKS);
    assertThat(human.out()).contains("[WARN] 7 clocks:").contains("more than 30 s apart => fix:"
        + " synchronise this machine's clock (NTP)")
        .contains("poa-auth doctor: works, with a clock warning (exit 17)");
    assertNothingSecret(run, human);
  }

  // ---- 8 API --------------------------------------------------------------------------------

  @Test
  void api_refusingTheToken_exits18_asTheApiRefusingAValidToken() throws Exception {
    PoaSandbox poa = sandbox();
    poa.faults().rejectTokens(1);

    Result run = doctor(env(poa.baseUrl(), SECRET), "", List.of(), "doctor", "--api-url",
        poa.apiEndpoint().toString());

    assertThat(run.code()).isEqualTo(Doctor.API);
    assertThat(run.out()).contains("[FAIL] 8 API: GET " + poa.apiEndpoint() + " with the token:"
        + " HTTP 401 (WWW-Authenticate: Bearer").contains("the API refuses a valid token")
        .contains("=> fix: ask POA to grant client " + CLIENT + " access to this API");
    assertNothingSecret(run);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Map<String, String> env(String baseUrl, String secret) {
    Map<String, String> env = new HashMap<>();
    env.put("POA_BASE_URL", baseUrl);
    env.put("POA_CLIENT_ID", CLIENT);
    env.put("POA_CLIENT_SECRET", secret);
    return env;
  }

  /** A loopback port nobody listens on (it was free a moment ago, and nothing takes it). */
  private static int closedPort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private static int port(PoaSandbox poa) {
    return Integer.parseInt(poa.baseUrl().substring(poa.baseUrl().lastIndexOf(':') + 1));
  }

  /** The JVM's proxy, for every host: loopback is not exempt (http.nonProxyHosts). */
  private static List<String> proxyOptions(int port) {
    return List.of("-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=" + port,
        "-Dhttp.nonProxyHosts=nothing.invalid");
  }

  private static Result doctor(Map<String, String> env, String stdin, List<String> jvmOptions,
      String... args) throws IOException, InterruptedException {
    assertThat(JAR).exists();
    List<String> command = new ArrayList<>();
    command.add(JAVA);
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("poa-auth-doctor", ".out");
    Path err = Files.createTempFile("poa-auth-doctor", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("POA_")
          || name.equalsIgnoreCase("HTTPS_PROXY") || name.startsWith("JDK_JAVA_OPTIONS")
          || name.equals("JAVA_TOOL_OPTIONS"));
      builder.environment().putAll(env);
      Process process = builder.start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      int code = process.waitFor();
      return new Result(code, Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Stderr holds nothing but the progress lines of steps that took more than a second. */
  private static void assertOnlyProgress(String stderr) {
    assertThat(stderr.lines()).allMatch(line -> line.matches("poa-auth doctor: .*: still"
        + " waiting( \\(up to \\d+ s\\))?\\.\\.\\."), "a progress line");
  }

  private static void assertNothingSecret(Result... runs) {
    assertNothingSecret(List.of(runs), SECRET);
  }

  private static void assertNothingSecret(Result run, String otherSecret) {
    assertNothingSecret(List.of(run), otherSecret);
    assertNothingSecret(List.of(run), SECRET);
  }

  private static void assertNothingSecret(List<Result> runs, String secret) {
    String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    for (Result run : runs) {
      assertThat(run.all()).doesNotContain(secret).doesNotContain(form)
          .doesNotContain(form.toLowerCase(java.util.Locale.ROOT))
          .doesNotContain(secret.replace("/", "\\/"))
          .doesNotContainPattern(JWT);
    }
  }
}
