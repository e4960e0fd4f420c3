package org.hpcstatus.exporter.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outside tools: {@code promtool check web-config} accepts the shipped example (and refuses what we
 * refuse), and {@code curl} (OpenSSL) talks to the TLS listener with client certificates and basic auth.
 */
class WebConfigToolsIT {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final Path CURL = Path.of("/usr/bin/curl");
  static final String PASSWORD = "curl-pass-9Yt";
  static TestPki.Issued ca;

  @TempDir
  Path dir;
  HTTPServer http;

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("tools-ca");
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
  }

  static Path example() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path f = p.resolve("deploy/web-config.example.yml");
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    throw new AssertionError("deploy/web-config.example.yml not found above " + Path.of("").toAbsolutePath());
  }

  static Result run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
    return new Result(p.exitValue(), out);
  }

  record Result(int exit, String output) {}

  /** A copy of the example with the certificate files it names made here. */
  Path exampleWithCertificates() throws Exception {
    Path f = dir.resolve("web-config.yml");
    Files.copy(example(), f);
    TestPki.leaf("hpc-status-exporter", ca).write(dir.resolve("hpc-status-exporter.crt"),
        dir.resolve("hpc-status-exporter.key"), true, false);
    Files.writeString(dir.resolve("client-ca.crt"), ca.certPem());
    return f;
  }

  @Test
  void promtoolAcceptsTheExampleAndWeDoToo() throws Exception {
    Live.require(Files.isExecutable(PROMTOOL), "promtool (Debian package prometheus)");
    Path f = exampleWithCertificates();
    Result r = run(List.of(PROMTOOL.toString(), "check", "web-config", f.toString()));
    assertThat(r.output()).contains("SUCCESS");
    assertThat(r.exit()).as(r.output()).isZero();
    WebSecurity sec = WebSecurity.load(f);
    assertThat(sec.config().tlsEnabled()).isTrue();
    assertThat(sec.config().basicAuthUsers()).containsOnlyKeys("prometheus");
    assertThat(sec.config().tls().cipherSuites()).hasSize(4);
  }

  @Test
  void promtoolAlsoRefusesWhatWeRefuse() throws Exception {
    Live.require(Files.isExecutable(PROMTOOL), "promtool (Debian package prometheus)");
    exampleWithCertificates();
    List<String> bad = List.of("http_server_config: {headers: {Server: x}}\n",
        "tls_server_config: {cert_file: hpc-status-exporter.crt}\n",
        "tls_server_config: {cert_file: hpc-status-exporter.crt, key_file: hpc-status-exporter.key, min_version: TLS14}\n",
        "tls_server_config: {cert_file: hpc-status-exporter.crt, key_file: hpc-status-exporter.key, typo: 1}\n",
        "tls_server_config: {cert_file: hpc-status-exporter.crt, key_file: hpc-status-exporter.key, client_auth_type: Always}\n",
        "tls_server_config: {cert_file: hpc-status-exporter.crt, key_file: client-ca.crt}\n",
        "basic_auth_users: {alice: notahash}\n");
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < bad.size(); i++) {
      Path f = dir.resolve("bad" + i + ".yml");
      Files.writeString(f, bad.get(i));
      Result r = run(List.of(PROMTOOL.toString(), "check", "web-config", f.toString()));
      boolean ours;
      try {
        WebSecurity.load(f);
        ours = true;
      } catch (org.hpcstatus.exporter.config.ConfigException e) {
        ours = false;
      }
      if (r.exit() == 0 || ours) {
        disagreements.add(bad.get(i).strip() + " promtool exit=" + r.exit() + " ours accepted=" + ours);
      }
    }
    assertThat(disagreements).isEmpty();
  }

  @Test
  void curlWithClientCertificateAndBasicAuth() throws Exception {
    Live.require(Files.isExecutable(CURL), "curl");
    TestPki.Issued server = TestPki.leaf("server", ca);
    TestPki.Issued client = TestPki.leaf("prometheus", ca);
    server.write(dir.resolve("s.crt"), dir.resolve("s.key"), true, false);
    client.write(dir.resolve("c.crt"), dir.resolve("c.key"), false, true);
    TestPki.leaf("stranger", null).write(dir.resolve("x.crt"), dir.resolve("x.key"), false, true);
    Files.writeString(dir.resolve("ca.crt"), ca.certPem());
    Files.writeString(dir.resolve("web.yml"), "tls_server_config:\n  cert_file: s.crt\n  key_file: s.key\n"
        + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"
        + "basic_auth_users:\n  prometheus: \"" + BasicAuthTest.hash(PASSWORD) + "\"\n");
    WebSecurity sec = WebSecurity.load(dir.resolve("web.yml"), Duration.ZERO, System::nanoTime);
    http = TestServers.start(sec);
    String url = "https://127.0.0.1:" + http.getPort() + "/metrics";
    List<String> curl = List.of(CURL.toString(), "-sS", "--max-time", "60", "-o", "/dev/null", "-w", "%{http_code}",
        "--cacert", dir.resolve("ca.crt").toString());
    Result ok = run(concat(curl, "--cert", dir.resolve("c.crt").toString(), "--key", dir.resolve("c.key").toString(),
        "-u", "prometheus:" + PASSWORD, url));
    assertThat(ok.output()).isEqualTo("200");
    Result noAuth = run(concat(curl, "--cert", dir.resolve("c.crt").toString(), "--key", dir.resolve("c.key").toString(),
        url));
    assertThat(noAuth.output()).isEqualTo("401");
    Result wrong = run(concat(curl, "--cert", dir.resolve("c.crt").toString(), "--key", dir.resolve("c.key").toString(),
        "-u", "prometheus:nope", url));
    assertThat(wrong.output()).isEqualTo("401");
    Result stranger = run(concat(curl, "--cert", dir.resolve("x.crt").toString(), "--key", dir.resolve("x.key").toString(),
        "-u", "prometheus:" + PASSWORD, url));
    assertThat(stranger.exit()).as(stranger.output()).isNotZero();
    Result noCert = run(concat(curl, "-u", "prometheus:" + PASSWORD, url));
    assertThat(noCert.exit()).as(noCert.output()).isNotZero();
    Result untrusting = run(List.of(CURL.toString(), "-sS", "--max-time", "60", url));
    assertThat(untrusting.exit()).as("curl without our CA: " + untrusting.output()).isEqualTo(60);
    assertThat(sec.metrics().authFailures("client_certificate")).isEqualTo(1);
    assertThat(sec.metrics().authFailures("missing_credentials")).isEqualTo(1);
    assertThat(sec.metrics().authFailures("invalid_credentials")).isEqualTo(1);
  }

  static List<String> concat(List<String> a, String... b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }
}
