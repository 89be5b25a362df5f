package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate and its key, made by the JDK's {@code keytool} for one test: a key
 * store for a server, and the certificate as PEM for a client's {@code --truststore}.
 */
final class TestCertificate {

  private static final String PASSWORD = "test-only-store-password";

  final Path keyStore;
  final Path pem;

  private TestCertificate(Path keyStore, Path pem) {
    this.keyStore = keyStore;
    this.pem = pem;
  }

  /** A certificate for these subject alternative names, e.g. {@code dns:localhost,ip:127.0.0.1}. */
  static TestCertificate create(Path directory, String name, String subjectAlternativeNames)
      throws IOException, InterruptedException {
    Path keyStore = directory.resolve(name + ".p12");
    Path pem = directory.resolve(name + ".pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    keytool(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=" + name + " test server", "-ext",
        "SAN=" + subjectAlternativeNames, "-validity", "30", "-keystore", keyStore.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore",
        keyStore.toString(), "-storepass", PASSWORD, "-file", pem.toString());
    return new TestCertificate(keyStore, pem);
  }

  private static void keytool(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as("keytool: %s", output).isZero();
  }

  /** A server's TLS context presenting this certificate. */
  SSLContext serverContext() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  /** The SHA-256 fingerprint as the doctor prints it: upper-case hex pairs with colons. */
  String sha256() throws Exception {
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    return HexFormat.ofDelimiter(":").withUpperCase()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
  }
}
