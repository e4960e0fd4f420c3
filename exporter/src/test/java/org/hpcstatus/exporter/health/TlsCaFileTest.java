package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.web.security.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls_ca_file} (trust exactly the CAs of a PEM bundle, host names still verified) and
 * {@code tls_server_name} (the name sent as SNI and verified) on the HTTP and the TCP+TLS checks, against
 * loopback HTTPS servers with certificates of a CA made in the test; and the config errors at load time.
 * The JUnit timeout is a hang guard only; no assertion depends on timing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TlsCaFileTest {

  @TempDir
  Path tmp;

  private final TestPki.Issued siteCa = TestPki.ca("site-ca");
  private final TestPki.Issued otherCa = TestPki.ca("other-ca");

  @Test
  void theCasOfTheFileAreTrustedAndNoOthers() throws Exception {
    Path site = pem("site.pem", siteCa.cert());
    Path other = pem("other.pem", otherCa.cert());
    Path bundle = pem("bundle.pem", otherCa.cert(), siteCa.cert()); // the right CA second in a bundle
    try (TargetFaultsTest.Https server = new TargetFaultsTest.Https(InetAddress.getLoopbackAddress(),
        TestPki.leaf("localhost", siteCa), 200);
         HealthChecks hc = HealthTesting.checks("""
             - {name: web, kind: http, target: "https://127.0.0.1:%1$d", tls_ca_file: "%2$s"}
             - {name: bundle, kind: http, target: "https://127.0.0.1:%1$d", tls_ca_file: "%3$s"}
             - {name: port, kind: tcp, target: "127.0.0.1:%1$d", tls: true, tls_ca_file: "%2$s"}
             - {name: webOther, kind: http, target: "https://127.0.0.1:%1$d", tls_ca_file: "%4$s"}
             - {name: portOther, kind: tcp, target: "127.0.0.1:%1$d", tls: true, tls_ca_file: "%4$s"}
             - {name: jvm, kind: http, target: "https://127.0.0.1:%1$d"}
             """.formatted(server.port(), site, bundle, other))) {
      ok(HealthTesting.runOnce(hc, "web"));
      ok(HealthTesting.runOnce(hc, "bundle"));
      ok(HealthTesting.runOnce(hc, "port"));
      assertThat(HealthTesting.scrape(hc)).contains("service_tls_cert_expiry_timestamp_seconds{cluster=\"test\","
          + "kind=\"http\",service=\"web\"}");
      reason(HealthTesting.runOnce(hc, "webOther"), Reason.TLS);
      reason(HealthTesting.runOnce(hc, "portOther"), Reason.TLS);
      reason(HealthTesting.runOnce(hc, "jvm"), Reason.TLS); // the JVM's trust store does not know the site CA
    }
  }

  @Test
  void hostNamesAreStillVerifiedAndTlsServerNameSetsTheNameToVerify() throws Exception {
    Path site = pem("site.pem", siteCa.cert());
    InetAddress other = InetAddress.getByName("127.0.0.2"); // loopback too, but not in the leaf's names
    try (TargetFaultsTest.Https server = new TargetFaultsTest.Https(other, TestPki.leaf("leaf.internal", siteCa), 200);
         HealthChecks hc = HealthTesting.checks("""
             - {name: web, kind: http, target: "https://127.0.0.2:%1$d", tls_ca_file: "%2$s"}
             - {name: port, kind: tcp, target: "127.0.0.2:%1$d", tls: true, tls_ca_file: "%2$s"}
             - {name: webNamed, kind: http, target: "https://127.0.0.2:%1$d", tls_ca_file: "%2$s",
                tls_server_name: leaf.internal}
             - {name: portNamed, kind: tcp, target: "127.0.0.2:%1$d", tls: true, tls_ca_file: "%2$s",
                tls_server_name: leaf.internal}
             - {name: webWrongName, kind: http, target: "https://127.0.0.2:%1$d", tls_ca_file: "%2$s",
                tls_server_name: elsewhere.internal}
             - {name: portWrongName, kind: tcp, target: "127.0.0.2:%1$d", tls: true, tls_ca_file: "%2$s",
                tls_server_name: elsewhere.internal}
             """.formatted(server.port(), site))) {
      HealthChecks.HistoryEntry e = HealthTesting.runOnce(hc, "web");
      reason(e, Reason.TLS);
      assertThat(e.message()).contains("127.0.0.2");
      reason(HealthTesting.runOnce(hc, "port"), Reason.TLS);
      ok(HealthTesting.runOnce(hc, "webNamed"));
      ok(HealthTesting.runOnce(hc, "portNamed"));
      reason(HealthTesting.runOnce(hc, "webWrongName"), Reason.TLS);
      reason(HealthTesting.runOnce(hc, "portWrongName"), Reason.TLS);
    }
  }

  /** The file is re-read when it changes (no reload); a broken file fails the check as tls, naming only the file. */
  @Test
  void aRotatedCaFileIsReadAtTheNextCheckAndABrokenOneIsTls() throws Exception {
    Path ca = pem("ca.pem", otherCa.cert());
    try (TargetFaultsTest.Https server = new TargetFaultsTest.Https(InetAddress.getLoopbackAddress(),
        TestPki.leaf("localhost", siteCa), 200);
         HealthChecks hc = HealthTesting.checks("""
             - {name: web, kind: http, target: "https://127.0.0.1:%1$d", tls_ca_file: "%2$s"}
             - {name: port, kind: tcp, target: "127.0.0.1:%1$d", tls: true, tls_ca_file: "%2$s"}
             """.formatted(server.port(), ca))) {
      reason(HealthTesting.runOnce(hc, "web"), Reason.TLS);
      reason(HealthTesting.runOnce(hc, "port"), Reason.TLS);
      FileTime before = Files.getLastModifiedTime(ca);
      rewrite(ca, pemText(siteCa.cert()), FileTime.fromMillis(before.toMillis() + 10_000));
      ok(HealthTesting.runOnce(hc, "web"));
      ok(HealthTesting.runOnce(hc, "port"));
      String garbage = "not a certificate: secret-looking-content";
      rewrite(ca, garbage, FileTime.fromMillis(before.toMillis() + 20_000));
      for (String svc : new String[] {"web", "port"}) {
        HealthChecks.HistoryEntry e = HealthTesting.runOnce(hc, svc);
        reason(e, Reason.TLS);
        assertThat(e.message()).contains("tls_ca_file", ca.toString()).doesNotContain("secret-looking-content");
      }
      Files.delete(ca);
      reason(HealthTesting.runOnce(hc, "web"), Reason.TLS);
    }
  }

  @Test
  void configErrorsNameThePathAndTheFileButNeverItsContent() throws Exception {
    Path site = pem("site.pem", siteCa.cert());
    Path garbage = Files.writeString(tmp.resolve("garbage.pem"), "secret-looking-content\n");
    Path keyOnly = Files.writeString(tmp.resolve("key.pem"), """
        -----BEGIN EC PARAMETERS-----
        BggqhkjOPQMBBw==
        -----END EC PARAMETERS-----
        """);
    Path broken = Files.writeString(tmp.resolve("broken.pem"),
        "-----BEGIN CERTIFICATE-----\nc2VjcmV0LWxvb2tpbmctY29udGVudA==\n-----END CERTIFICATE-----\n");
    Path dir = Files.createDirectory(tmp.resolve("a-directory"));
    String ca = "/services/0/tls_ca_file";
    for (Path p : new Path[] {tmp.resolve("missing.pem"), garbage, keyOnly, broken, dir}) {
      fails("{name: a, kind: http, target: \"https://h\", tls_ca_file: \"" + p + "\"}", ca, p.toString());
    }
    fails("{name: a, kind: http, target: \"https://h\", tls_ca_file: \"" + site + "\", tls_insecure_skip_verify: true}",
        ca, "not both");
    fails("{name: a, kind: http, target: \"https://h\", tls_ca_file: \" \"}", ca, "PEM file");
    fails("{name: a, kind: tcp, target: \"h:1\", tls_ca_file: \"" + site + "\"}", ca, "set tls: true");
    fails("{name: a, kind: http, target: \"http://h\", tls_ca_file: \"" + site + "\"}", ca, "not https://");
    fails("{name: a, kind: mqtt, target: \"tcp://h:1883\", tls_ca_file: \"" + site + "\"}", ca, "ssl://");
    fails("{name: a, kind: postgres, target: \"postgres://h/db\", tls_ca_file: \"" + site + "\"}", ca,
        "does not apply to kind postgres");
    fails("{name: a, kind: filesystem, target: /x, tls_ca_file: \"" + site + "\"}", ca, "does not apply");
    fails("{name: a, kind: mqtt, target: \"ssl://h:8883\", tls_server_name: h}", "/services/0/tls_server_name",
        "does not apply to kind mqtt");
    fails("{name: a, kind: http, target: \"https://h\", tls_server_name: \"a b\"}", "/services/0/tls_server_name",
        "host name");
    fails("{name: a, kind: http, target: \"http://h\", tls_server_name: h}", "/services/0/tls_server_name",
        "not https://");
    // accepted: each kind that speaks TLS, with the server name and insecure (SNI only) combinations
    assertThat(HealthTesting.services("""
        - {name: a, kind: http, target: "https://h", tls_ca_file: "%1$s", tls_server_name: h.example}
        - {name: b, kind: redis, target: "h:6379", tls: true, tls_ca_file: "%1$s"}
        - {name: c, kind: mqtt, target: "ssl://h:8883", tls_ca_file: "%1$s"}
        - {name: d, kind: keycloak, target: "https://h:9000", tls_ca_file: "%1$s"}
        - {name: e, kind: minio, target: "https://h:9000", tls_ca_file: "%1$s"}
        - {name: f, kind: rabbitmq, target: "https://h:15671", tls_ca_file: "%1$s"}
        - {name: g, kind: influxdb, target: "https://h:8086", tls_ca_file: "%1$s"}
        - {name: i, kind: tcp, target: "h:1", tls: true, tls_server_name: 10.0.0.1, tls_insecure_skip_verify: true}
        """.formatted(site))).extracting(ServiceCheckConfig::tlsCaFile)
        .containsExactly(site.toString(), site.toString(), site.toString(), site.toString(), site.toString(),
            site.toString(), site.toString(), null);
  }

  private static void fails(String entry, String path, String fragment) {
    assertThatThrownBy(() -> ConfigLoader.parse("services:\n  - " + entry + "\n"))
        .as(entry)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(path + ":")
        .hasMessageContaining(fragment)
        .message().doesNotContain("secret-looking-content").doesNotContain("c2VjcmV0");
  }

  private Path pem(String name, X509Certificate... certs) throws Exception {
    StringBuilder b = new StringBuilder();
    for (X509Certificate c : certs) {
      b.append(pemText(c));
    }
    return Files.writeString(tmp.resolve(name), b, StandardCharsets.US_ASCII);
  }

  /** A certificate as PEM (for CA files and brokers). */
  static String pemText(X509Certificate c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  /** Rewrites in place (same inode) with an explicit modification time: the change is seen whatever the clock. */
  private static void rewrite(Path file, String content, FileTime mtime) throws Exception {
    Files.writeString(file, content, StandardCharsets.US_ASCII);
    Files.setLastModifiedTime(file, mtime);
  }
}
