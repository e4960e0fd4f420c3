package org.hpcstatus.exporter.web.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.FakeSlurm;
import org.hpcstatus.exporter.Main;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.web.Route;
import org.hpcstatus.exporter.web.WebServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web config on the exporter's real route table: TLS and basic auth on /metrics, the status page
 * left open with {@code web.public_paths: ["/"]}, /-/healthy always open, headers on every answer, the
 * failed-auth counter in /metrics, and {@code serve --web.config.file} refusing a bad file by key.
 */
class ExporterWebSecurityTest {
  static final String PASSWORD = "scrape-secret-4Kp";
  static TestPki.Issued ca;

  @TempDir
  Path tmp;

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("exporter-ca");
  }

  Path webConfig() throws Exception {
    TestPki.leaf("exporter", ca).write(tmp.resolve("s.crt"), tmp.resolve("s.key"), true, true);
    Path f = tmp.resolve("web.yml");
    Files.writeString(f, "tls_server_config: {cert_file: s.crt, key_file: s.key}\n"
        + "http_server_config:\n  headers: {X-Content-Type-Options: nosniff}\n"
        + "basic_auth_users:\n  prometheus: \"" + BasicAuthTest.hash(PASSWORD) + "\"\n");
    return f;
  }

  @Test
  void metricsNeedCredentialsWhileTheStatusPageStaysOpen() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    String yaml = "cluster: websec\nweb:\n  public_paths: [\"/\"]\n" + fake.config("5s");
    WebSecurity sec = WebSecurity.load(webConfig());
    try (Exporter e = new Exporter(ConfigLoader.parse(yaml), new PrometheusRegistry());
         WebServer server = e.serve("127.0.0.1", 0, sec)) {
      e.poller().runAllOnce();
      OkHttpClient c = TlsServerTest.okhttp(ca.cert(), null);
      int port = server.port();
      try (Response r = TlsServerTest.get(c, port, "/metrics", null, null)) {
        assertThat(r.code()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Basic ");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      }
      try (Response r = TlsServerTest.get(c, port, "/", null, null)) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).contains("websec");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      }
      try (Response r = TlsServerTest.get(c, port, "/-/healthy", null, null)) {
        assertThat(r.code()).isEqualTo(200);
      }
      try (Response r = TlsServerTest.get(c, port, "/nowhere", null, null)) {
        assertThat(r.code()).isEqualTo(404);
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      }
      try (Response r = TlsServerTest.get(c, port, "/metrics", "prometheus", PASSWORD)) {
        assertThat(r.code()).isEqualTo(200);
        String body = r.body().string();
        assertThat(body).contains("slurm_nodes{cluster=\"websec\"")
            .contains("hpcstatus_web_auth_failures_total{cluster=\"websec\",reason=\"missing_credentials\"} 1.0")
            .contains("hpcstatus_web_config_last_reload_successful{cluster=\"websec\"} 1")
            .doesNotContain(PASSWORD);
      }
    }
  }

  @Test
  void withoutPublicPathsTheStatusPageNeedsCredentialsToo() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    try (Exporter e = new Exporter(ConfigLoader.parse("cluster: websec\n" + fake.config("5s")), new PrometheusRegistry());
         WebServer server = e.serve("127.0.0.1", 0, WebSecurity.load(webConfig()))) {
      try (Response r = TlsServerTest.get(TlsServerTest.okhttp(ca.cert(), null), server.port(), "/", null, null)) {
        assertThat(r.code()).isEqualTo(401);
      }
    }
  }

  @Test
  void publicPathsMustBeRoutesThatDoNotWrite() {
    List<Route> routes = List.of(Route.exact("/", ex -> { }),
        Route.exact("/api/v1/outages", ex -> { }).access(Route.Access.AUTHENTICATED));
    assertThat(WebAccess.withPublicPaths(routes, List.of("/")).get(0).access()).isEqualTo(Route.Access.PUBLIC);
    assertThatThrownBy(() -> WebAccess.withPublicPaths(routes, List.of("/", "/api/v1/outages")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/web/public_paths/1: /api/v1/outages changes state");
    assertThatThrownBy(() -> WebAccess.withPublicPaths(routes, List.of("/status")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/web/public_paths/0: no route /status");
    assertThatThrownBy(() -> ConfigLoader.parse("web:\n  public_paths: [status]\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/web/public_paths/0:");
  }

  @Test
  void hashPasswordReadsStdinAndPrintsAHashTheWebConfigAccepts() {
    java.io.InputStream realIn = System.in;
    PrintStream realOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc;
    try {
      System.setIn(new java.io.ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      rc = Main.run("hash-password", "--cost", "4");
    } finally {
      System.setIn(realIn);
      System.setOut(realOut);
    }
    String hash = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(rc).isZero();
    assertThat(hash).startsWith("$2y$04$").doesNotContain(PASSWORD);
    WebConfig c = WebConfigParser.parse("basic_auth_users:\n  prometheus: \"" + hash + "\"\n", tmp);
    assertThat(new BasicAuth(c.basicAuthUsers()).check("prometheus", PASSWORD).result()).isEqualTo(BasicAuth.Result.OK);
  }

  @Test
  void serveRefusesABadWebConfigNamingFlagFileAndKey() throws Exception {
    Files.writeString(tmp.resolve("bad.yml"), "tls_server_config: {cert_file: missing.crt, key_file: missing.key}\n");
    PrintStream realErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      rc = Main.run("serve", "--web.listen-address=127.0.0.1:0", "--web.config.file=" + tmp.resolve("bad.yml"));
    } finally {
      System.setErr(realErr);
    }
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: --web.config.file=" + tmp.resolve("bad.yml")
        + ": /tls_server_config/cert_file: no such file " + tmp.resolve("missing.crt"));
  }
}
