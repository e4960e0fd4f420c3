package org.hpcstatus.exporter.web.security;

import org.hpcstatus.exporter.testing.TeeStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.hpcstatus.exporter.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate rotation and password changes without a restart; a broken file on reload keeps the old
 * config; and no password, hash or private key ever shows up in logs, errors, metrics or responses.
 */
class ReloadAndSecretsTest {
  static final String OLD_PASSWORD = "old-password-Zq8";
  static final String NEW_PASSWORD = "new-password-Xw3";
  static TestPki.Issued ca;
  static String oldHash;
  static String newHash;

  @TempDir
  Path dir;
  HTTPServer http;
  PrintStream realErr;
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("reload-ca");
    oldHash = BasicAuthTest.hash(OLD_PASSWORD);
    newHash = BasicAuthTest.hash(NEW_PASSWORD);
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    if (realErr != null) {
      System.setErr(realErr);
    }
  }

  void captureStderr() {
    realErr = System.err;
    System.setErr(new PrintStream(new TeeStream(err, realErr), true, StandardCharsets.UTF_8));
  }

  static void write(Path f, String hash) throws Exception {
    Files.writeString(f, "tls_server_config: {cert_file: s.crt, key_file: s.key}\n"
        + "basic_auth_users:\n  prometheus: \"" + hash + "\"\n");
  }

  @Test
  void rotationPasswordChangeAndBadReload() throws Exception {
    captureStderr();
    List<String> seen = new ArrayList<>();
    TestPki.Issued first = TestPki.leaf("server", ca);
    first.write(dir.resolve("s.crt"), dir.resolve("s.key"), false, true);
    Path f = dir.resolve("web.yml");
    write(f, oldHash);
    WebSecurity sec = WebSecurity.load(f, Duration.ZERO, System::nanoTime);
    http = TestServers.start(sec);
    int port = http.getPort();
    try (Response r = TlsServerTest.get(client(), port, "/metrics", "prometheus", OLD_PASSWORD)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.handshake().peerCertificates().get(0)).isEqualTo(first.cert());
    }

    // certificate rotation: new files in place, the next connection gets the new certificate
    TestPki.Issued second = TestPki.leaf("server", ca);
    second.write(dir.resolve("s.crt"), dir.resolve("s.key"), true, false);
    try (Response r = TlsServerTest.get(client(), port, "/metrics", "prometheus", OLD_PASSWORD)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.handshake().peerCertificates().get(0)).isEqualTo(second.cert());
    }

    // a password change
    write(f, newHash);
    try (Response r = TlsServerTest.get(client(), port, "/metrics", "prometheus", OLD_PASSWORD)) {
      assertThat(r.code()).isEqualTo(401);
      seen.add(r.body().string());
    }
    try (Response r = TlsServerTest.get(client(), port, "/metrics", "prometheus", NEW_PASSWORD)) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(sec.metrics().lastReloadSuccessful()).isTrue();

    // broken: a plain password instead of a hash, then a key that does not match: the old config stays
    Files.writeString(f, "basic_auth_users:\n  prometheus: " + NEW_PASSWORD + "\n"
        + "tls_server_config: {cert_file: s.crt, key_file: s.key}\n");
    try (Response r = TlsServerTest.get(client(), port, "/metrics", "prometheus", NEW_PASSWORD)) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(sec.metrics().lastReloadSuccessful()).isFalse();
    assertThat(sec.reload()).as("the same broken content is not tried again").isFalse();
    write(f, newHash);
    TestPki.Issued third = TestPki.leaf("server", ca);
    Files.writeString(dir.resolve("s.key"), TestPki.pkcs8(third.keys().getPrivate())); // cert not yet replaced
    try (Response r = TlsServerTest.get(client(), port, "/metrics", "prometheus", NEW_PASSWORD)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.handshake().peerCertificates().get(0)).isEqualTo(second.cert());
    }
    Files.writeString(dir.resolve("s.crt"), third.certPem()); // rotation completed
    try (Response r = TlsServerTest.get(client(), port, "/metrics", "prometheus", NEW_PASSWORD)) {
      assertThat(r.handshake().peerCertificates().get(0)).isEqualTo(third.cert());
    }
    assertThat(sec.metrics().lastReloadSuccessful()).isTrue();

    // turning TLS off needs a restart
    Files.writeString(f, "basic_auth_users:\n  prometheus: \"" + newHash + "\"\n");
    try (Response r = TlsServerTest.get(client(), port, "/metrics", "prometheus", NEW_PASSWORD)) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(sec.metrics().lastReloadSuccessful()).isFalse();

    String log = err.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("/basic_auth_users/prometheus: not a bcrypt hash")
        .contains("/tls_server_config/key_file: private key in").contains("needs a restart");
    assertThat(log.split("not a bcrypt hash", -1)).as("a broken file is logged once").hasSize(2);

    // start-up errors are exceptions naming the key
    Files.writeString(dir.resolve("bad.yml"), "tls_server_config: {cert_file: nope.crt, key_file: s.key}\n");
    try {
      WebSecurity.load(dir.resolve("bad.yml"));
    } catch (ConfigException e) {
      seen.add(e.getMessage());
      assertThat(e.getMessage()).startsWith("/tls_server_config/cert_file: no such file");
    }
    assertThatThrownBy(() -> WebSecurity.load(dir.resolve("bad.yml"))).isInstanceOf(ConfigException.class);

    seen.add(log);
    seen.add(exposition(sec));
    seen.add(sec.config().toString());
    for (String text : seen) {
      for (String secret : List.of(OLD_PASSWORD, NEW_PASSWORD, oldHash, newHash, oldHash.substring(29),
          keyBody(first), keyBody(second), keyBody(third))) {
        assertThat(text).as("output must not contain a secret").doesNotContain(secret);
      }
    }
    assertThat(exposition(sec)).contains("hpcstatus_web_auth_failures_total{cluster=\"test\",reason=\"invalid_credentials\"} 1.0")
        .contains("hpcstatus_web_config_last_reload_successful{cluster=\"test\"} 0");
  }

  /** A new client each time: no TLS session to resume, like Prometheus (which never resumes). */
  static OkHttpClient client() {
    return TlsServerTest.okhttp(ca.cert(), null);
  }

  static String keyBody(TestPki.Issued i) {
    return TestPki.pkcs8(i.keys().getPrivate()).split("\n")[1];
  }

  static String exposition(WebSecurity sec) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MetricSnapshots s = new MetricSnapshots(sec.metrics().snapshots("test"));
    PrometheusTextFormatWriter.create().write(out, s, io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
    return out.toString(StandardCharsets.UTF_8);
  }
}
