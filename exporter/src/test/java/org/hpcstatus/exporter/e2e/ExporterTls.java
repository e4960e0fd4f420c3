package org.hpcstatus.exporter.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.hpcstatus.exporter.testing.BoundedCommand;
import org.hpcstatus.exporter.web.security.TestPki;

/**
 * How the end-to-end exporters are served, as docs/deploy.md describes a production one: HTTPS with a
 * certificate from a CA made in the test, bcrypt {@code basic_auth_users} (hashed by the jar's own
 * {@code hash-password}) in a {@code --web.config.file}, and the status page left open with
 * {@code web.public_paths}. Prometheus scrapes with {@code scheme: https}, the CA as {@code ca_file} and
 * {@code basic_auth} with a {@code password_file}; the test's own client trusts the same CA.
 */
final class ExporterTls {
  static final String USER = "prometheus";

  final Path caFile;
  final Path webConfig;
  final Path passwordFile;
  final String password;
  private final HttpClient client;

  private ExporterTls(Path caFile, Path webConfig, Path passwordFile, String password, HttpClient client) {
    this.caFile = caFile;
    this.webConfig = webConfig;
    this.passwordFile = passwordFile;
    this.password = password;
    this.client = client;
  }

  /** Makes the CA, the exporters' certificate and key, the password (file) and the web config in {@code dir}. */
  static ExporterTls create(Path dir, Path jar) throws Exception {
    Path d = Files.createDirectories(dir.resolve("tls"));
    TestPki.Issued ca = TestPki.ca("e2e-ca");
    TestPki.leaf("e2e-exporter", ca).write(d.resolve("exporter.crt"), d.resolve("exporter.key"), true, true);
    Path caFile = d.resolve("ca.crt");
    Files.writeString(caFile, TestPki.pem(ca.cert()), StandardCharsets.US_ASCII);
    String password = "e2e-" + UUID.randomUUID();
    Path passwordFile = d.resolve("prometheus.pass");
    Files.writeString(passwordFile, password);
    String hash = hashPassword(jar, password, d);
    Path webConfig = d.resolve("web-config.yml");
    Files.writeString(webConfig, "tls_server_config:\n  cert_file: exporter.crt\n  key_file: exporter.key\n"
        + "basic_auth_users:\n  " + USER + ": \"" + hash + "\"\n");

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("e2e-ca", ca.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    return new ExporterTls(caFile, webConfig, passwordFile, password, client);
  }

  /** The jar's {@code hash-password} (password on stdin, bcrypt hash on stdout). */
  static String hashPassword(Path jar, String password, Path dir) throws IOException, InterruptedException {
    Path in = dir.resolve("password.stdin");
    Files.writeString(in, password + "\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    BoundedCommand.Result r = BoundedCommand.run(List.of("sh", "-c", "exec \"$0\" -jar \"$1\" hash-password --cost 10 < \"$2\"",
        java, jar.toString(), in.toString()), Map.of(), Duration.ofSeconds(120));
    Files.delete(in);
    String hash = r.out().lines().map(String::strip).filter(l -> l.startsWith("$2")).reduce((a, b) -> b).orElse("");
    if (r.exit() != 0 || hash.isEmpty()) {
      throw new AssertionError("hash-password failed (exit " + r.exit() + "): " + r.out());
    }
    return hash;
  }

  /** GET over HTTPS trusting the test CA, with the scrape credentials when {@code authenticated}. */
  HttpResponse<String> get(String url, boolean authenticated) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    if (authenticated) {
      b.header("Authorization", "Basic " + Base64.getEncoder()
          .encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** The body of an authenticated GET; an IOException for anything but 2xx (for {@link Poll}). */
  String body(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = get(url, true);
    if (r.statusCode() / 100 != 2) {
      throw new IOException("GET " + url + " -> HTTP " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
