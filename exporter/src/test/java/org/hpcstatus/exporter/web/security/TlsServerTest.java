package org.hpcstatus.exporter.web.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real listener (client_java's HTTPServer, as the exporter uses) with the web-config's TLS and auth,
 * and a real TLS client (OkHttp): server and client certificates right, wrong, expired and self-signed.
 */
class TlsServerTest {
  static final String PASSWORD = "correct-horse-battery-staple";
  static TestPki.Issued ca;
  static TestPki.Issued otherCa;
  static TestPki.Issued server;
  static TestPki.Issued client;
  static String hash;

  @TempDir
  Path dir;
  HTTPServer http;
  WebSecurity sec;

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("hpc-test-ca");
    otherCa = TestPki.ca("someone-elses-ca");
    server = TestPki.leaf("server", ca);
    client = TestPki.leaf("prometheus", ca);
    hash = BasicAuthTest.hash(PASSWORD);
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
  }

  Path writeConfig(String tlsExtra, boolean users) throws IOException {
    server.write(dir.resolve("server.crt"), dir.resolve("server.key"), true, false);
    Files.writeString(dir.resolve("ca.crt"), ca.certPem());
    Path f = dir.resolve("web-config.yml");
    Files.writeString(f, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + tlsExtra
        + "http_server_config:\n  headers:\n    X-Frame-Options: deny\n    X-Content-Type-Options: nosniff\n"
        + (users ? "basic_auth_users:\n  prometheus: \"" + hash + "\"\n" : ""));
    return f;
  }

  int start(Path config) throws IOException {
    sec = WebSecurity.load(config, Duration.ZERO, System::nanoTime);
    http = TestServers.start(sec);
    return http.getPort();
  }

  static OkHttpClient okhttp(X509Certificate trusted, TestPki.Issued clientCert) {
    SSLContext ctx = TestPki.clientContext(trusted, clientCert);
    return new OkHttpClient.Builder().sslSocketFactory(ctx.getSocketFactory(), TestPki.trustManager(trusted))
        .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).retryOnConnectionFailure(false)
        .callTimeout(Duration.ofSeconds(60)).build();
  }

  static Response get(OkHttpClient c, int port, String path, String user, String password) throws IOException {
    Request.Builder r = new Request.Builder().url("https://127.0.0.1:" + port + path);
    if (user != null) {
      r.header("Authorization", okhttp3.Credentials.basic(user, password, StandardCharsets.UTF_8));
    }
    return c.newCall(r.build()).execute();
  }

  @Test
  void basicAuthOverTlsWithHeadersAndAnOpenStatusPage() throws Exception {
    int port = start(writeConfig("", true));
    OkHttpClient c = okhttp(ca.cert(), null);
    try (Response ok = get(c, port, "/metrics", "prometheus", PASSWORD)) {
      assertThat(ok.code()).isEqualTo(200);
      assertThat(ok.header("X-Frame-Options")).isEqualTo("deny");
      assertThat(ok.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(ok.handshake().peerCertificates().get(0)).isEqualTo(server.cert());
    }
    try (Response missing = get(c, port, "/metrics", null, null)) {
      assertThat(missing.code()).isEqualTo(401);
      assertThat(missing.header("WWW-Authenticate")).startsWith("Basic realm=\"hpc-status-exporter\"");
      assertThat(missing.header("X-Frame-Options")).isEqualTo("deny");
    }
    try (Response wrong = get(c, port, "/metrics", "prometheus", PASSWORD + "x")) {
      assertThat(wrong.code()).isEqualTo(401);
    }
    try (Response unknown = get(c, port, "/-/healthy", "nobody", PASSWORD)) {
      assertThat(unknown.code()).isEqualTo(401);
    }
    try (Response open = get(c, port, "/", null, null)) {
      assertThat(open.code()).isEqualTo(200);
      assertThat(open.body().string()).isEqualTo("status page");
      assertThat(open.header("X-Frame-Options")).isEqualTo("deny");
    }
    assertThat(sec.metrics().authFailures("missing_credentials")).isEqualTo(1);
    assertThat(sec.metrics().authFailures("invalid_credentials")).isEqualTo(2);
    assertThat(sec.metrics().authFailures("client_certificate")).isZero();
  }

  @Test
  void aClientThatDoesNotTrustTheServerIsRefused() throws Exception {
    int port = start(writeConfig("", false));
    assertThatThrownBy(() -> get(okhttp(otherCa.cert(), null), port, "/", null, null))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void selfSignedAndExpiredServerCertificatesAreRefusedByAVerifyingClient() throws Exception {
    TestPki.Issued selfSigned = TestPki.leaf("selfsigned", null);
    selfSigned.write(dir.resolve("self.crt"), dir.resolve("self.key"), false, true);
    Files.writeString(dir.resolve("self.yml"), "tls_server_config: {cert_file: self.crt, key_file: self.key}\n");
    int port = start(dir.resolve("self.yml"));
    assertThatThrownBy(() -> get(okhttp(ca.cert(), null), port, "/", null, null)).isInstanceOf(SSLHandshakeException.class);
    try (Response r = get(okhttp(selfSigned.cert(), null), port, "/", null, null)) {
      assertThat(r.code()).as("trusting the self-signed certificate itself").isEqualTo(200);
    }
    http.close();

    TestPki.expired("server", ca).write(dir.resolve("old.crt"), dir.resolve("old.key"), true, true);
    Files.writeString(dir.resolve("old.yml"), "tls_server_config: {cert_file: old.crt, key_file: old.key}\n");
    int port2 = start(dir.resolve("old.yml"));
    assertThatThrownBy(() -> get(okhttp(ca.cert(), null), port2, "/", null, null))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void requireAndVerifyClientCert() throws Exception {
    int port = start(writeConfig("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n", false));
    try (Response r = get(okhttp(ca.cert(), client), port, "/metrics", null, null)) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThatThrownBy(() -> get(okhttp(ca.cert(), null), port, "/metrics", null, null)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get(okhttp(ca.cert(), TestPki.leaf("mallory", null)), port, "/metrics", null, null))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get(okhttp(ca.cert(), TestPki.leaf("mallory", otherCa)), port, "/metrics", null, null))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get(okhttp(ca.cert(), TestPki.expired("prometheus", ca)), port, "/metrics", null, null))
        .isInstanceOf(IOException.class);
    assertThat(sec.metrics().authFailures("client_certificate")).isEqualTo(3);
  }

  @Test
  void verifyClientCertIfGivenAndRequireAny() throws Exception {
    int port = start(writeConfig("  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.crt\n", false));
    try (Response r = get(okhttp(ca.cert(), null), port, "/", null, null)) {
      assertThat(r.code()).isEqualTo(200);
    }
    try (Response r = get(okhttp(ca.cert(), client), port, "/", null, null)) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThatThrownBy(() -> get(okhttp(ca.cert(), TestPki.leaf("mallory", null)), port, "/", null, null))
        .isInstanceOf(IOException.class);
    http.close();

    int port2 = start(writeConfig("  client_auth_type: RequireAnyClientCert\n", false));
    try (Response r = get(okhttp(ca.cert(), TestPki.leaf("anyone", null)), port2, "/", null, null)) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThatThrownBy(() -> get(okhttp(ca.cert(), null), port2, "/", null, null)).isInstanceOf(IOException.class);
  }

  @Test
  void clientAllowedSans() throws Exception {
    int port = start(writeConfig("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"
        + "  client_allowed_sans: [prometheus]\n", false));
    try (Response r = get(okhttp(ca.cert(), client), port, "/", null, null)) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThatThrownBy(() -> get(okhttp(ca.cert(), TestPki.leaf("grafana", ca)), port, "/", null, null))
        .isInstanceOf(IOException.class);
    assertThat(sec.metrics().authFailures("client_certificate")).isEqualTo(1);
  }

  @Test
  void tls13OnlyRefusesATls12Client() throws Exception {
    int port = start(writeConfig("  min_version: TLS13\n", false));
    SSLContext ctx = TestPki.clientContext(ca.cert(), null);
    OkHttpClient tls12 = new OkHttpClient.Builder().sslSocketFactory(ctx.getSocketFactory(), TestPki.trustManager(ca.cert()))
        .connectionSpecs(java.util.List.of(new okhttp3.ConnectionSpec.Builder(okhttp3.ConnectionSpec.MODERN_TLS)
            .tlsVersions(okhttp3.TlsVersion.TLS_1_2).build()))
        .retryOnConnectionFailure(false).build();
    assertThatThrownBy(() -> get(tls12, port, "/", null, null)).isInstanceOf(IOException.class);
    try (Response r = get(okhttp(ca.cert(), null), port, "/", null, null)) {
      assertThat(r.handshake().tlsVersion()).isEqualTo(okhttp3.TlsVersion.TLS_1_3);
    }
  }
}
