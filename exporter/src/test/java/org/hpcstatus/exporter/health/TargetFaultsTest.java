package org.hpcstatus.exporter.health;

import org.hpcstatus.exporter.testing.TeeStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.hpcstatus.exporter.web.security.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix of a monitored target (docs/architecture.md, "Fault matrix"): it hangs (accepts and never
 * answers, or never accepts because its backlog is full), refuses, fails TLS (self-signed, expired, wrong host)
 * or rejects the credentials. Each time: the raw result is 0 with a reason naming the failure class, the check
 * returns (its own timeout ends a hang: the targets here would hang forever), and the credential is in no
 * output — not the scrape, not the history message, not the log.
 *
 * <p>The JUnit timeouts are hang guards only; no assertion depends on timing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TargetFaultsTest {

  @TempDir
  Path tmp;

  /** Basic auth of {@code monitor:PW} as it goes over the wire: must not show up either. */
  private static final String BASIC = Base64.getEncoder().encodeToString(("monitor:" + HealthTesting.PW)
      .getBytes(StandardCharsets.UTF_8));

  private static final String CREDS = "username: monitor, password_env: TEST_PW";

  /** Runs the service's check once and returns its result, asserting the secret appears nowhere. */
  private static HealthChecks.HistoryEntry run(HealthChecks hc, String service) {
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    HealthChecks.HistoryEntry e;
    // slf4j-simple writes to whatever System.err is at the time of the call
    System.setErr(new PrintStream(new TeeStream(err, log), true, StandardCharsets.UTF_8));
    try {
      e = HealthTesting.runOnce(hc, service);
    } finally {
      System.setErr(err);
    }
    String everything = HealthTesting.scrape(hc) + "\n" + e.message() + "\n" + hc.status(service) + "\n"
        + log.toString(StandardCharsets.UTF_8);
    assertThat(everything).as("no credential in scrape, history or log").doesNotContain(HealthTesting.PW)
        .doesNotContain(BASIC);
    return e;
  }

  /** Asserts the failure and that the scrape shows it: raw success 0 and one failure of that reason. */
  private static void failed(HealthChecks hc, String service, String kind, HealthChecks.HistoryEntry e, Reason r) {
    reason(e, r);
    assertThat(e.message()).as("a message saying what failed").isNotBlank();
    String labels = "cluster=\"test\",kind=\"" + kind + "\"";
    assertThat(HealthTesting.scrape(hc))
        .contains("service_check_success{" + labels + ",service=\"" + service + "\"} 0.0")
        .contains("service_check_failures_total{" + labels + ",reason=\"" + r.label() + "\",service=\"" + service
            + "\"} 1.0");
  }

  // ---- hang

  @Test
  void targetThatAcceptsAndNeverAnswersIsTimeoutEndedByTheChecksOwnTimeout() throws Exception {
    try (HealthTesting.SilentListener silent = new HealthTesting.SilentListener();
         HealthChecks hc = HealthTesting.checks("""
             - {name: web, kind: http, target: "http://127.0.0.1:%1$d", %2$s, interval: 1m, timeout: 1s}
             - {name: tls, kind: tcp, target: "127.0.0.1:%1$d", tls: true, interval: 1m, timeout: 1s}
             """.formatted(silent.port(), CREDS))) {
      failed(hc, "web", "http", run(hc, "web"), Reason.TIMEOUT);
      failed(hc, "tls", "tcp", run(hc, "tls"), Reason.TIMEOUT); // TCP connects, the TLS handshake never ends
    }
  }

  @Test
  void targetThatNeverAcceptsBecauseItsBacklogIsFullIsTimeout() throws Exception {
    try (FullBacklog full = new FullBacklog();
         HealthChecks hc = HealthTesting.checks("""
             - {name: port, kind: tcp, target: "127.0.0.1:%1$d", interval: 1m, timeout: 1s}
             - {name: web, kind: http, target: "http://127.0.0.1:%1$d", %2$s, interval: 1m, timeout: 1s}
             """.formatted(full.port(), CREDS))) {
      failed(hc, "port", "tcp", run(hc, "port"), Reason.TIMEOUT); // the SYN goes unanswered: connect hangs
      failed(hc, "web", "http", run(hc, "web"), Reason.TIMEOUT);
    }
  }

  // ---- refuse

  @Test
  void closedPortIsRefused() {
    int closed = HealthTesting.closedPort();
    try (HealthChecks hc = HealthTesting.checks("""
        - {name: port, kind: tcp, target: "127.0.0.1:%1$d", timeout: 5s}
        - {name: web, kind: http, target: "http://127.0.0.1:%1$d", %2$s, timeout: 5s}
        """.formatted(closed, CREDS))) {
      failed(hc, "port", "tcp", run(hc, "port"), Reason.REFUSED);
      failed(hc, "web", "http", run(hc, "web"), Reason.REFUSED);
    }
  }

  // ---- TLS

  @Test
  void selfSignedCertificateIsTls() throws Exception {
    TestPki.Issued self = TestPki.leaf("localhost", null);
    try (Https server = new Https(InetAddress.getLoopbackAddress(), self, 200);
         HealthChecks hc = HealthTesting.checks("""
             - {name: web, kind: http, target: "https://localhost:%1$d", %2$s}
             - {name: port, kind: tcp, target: "localhost:%1$d", tls: true}
             - {name: skip, kind: http, target: "https://localhost:%1$d", %2$s, tls_insecure_skip_verify: true}
             """.formatted(server.port(), CREDS))) {
      failed(hc, "web", "http", run(hc, "web"), Reason.TLS);
      failed(hc, "port", "tcp", run(hc, "port"), Reason.TLS);
      ok(run(hc, "skip")); // the server itself works: it is the certificate that fails the others
    }
  }

  /**
   * Expired and wrong-host certificates from a CA the JVM trusts (as an operator would configure it:
   * {@code -Djavax.net.ssl.trustStore}); a valid leaf of the same CA passes, so the failures are about the
   * expiry and the host name, not about trust.
   */
  @Test
  void expiredOrWrongHostCertificateOfATrustedCaIsTls() throws Exception {
    SSLContext.getDefault(); // initialised before the trust store changes: the rest of the JVM keeps its own
    TestPki.Issued ca = TestPki.ca("fault-test-ca");
    Path trust = tmp.resolve("trust.p12");
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", ca.cert());
    try (var out = Files.newOutputStream(trust)) {
      ts.store(out, "changeit".toCharArray());
    }
    InetAddress other = InetAddress.getByName("127.0.0.2"); // loopback too, but not in the leaf's names
    try (Https valid = new Https(InetAddress.getLoopbackAddress(), TestPki.leaf("localhost", ca), 200);
         Https expired = new Https(InetAddress.getLoopbackAddress(), TestPki.expired("localhost", ca), 200);
         Https wrongHost = new Https(other, TestPki.leaf("localhost", ca), 200);
         HealthChecks hc = withTrustStore(trust, () -> HealthTesting.checks("""
             - {name: valid, kind: http, target: "https://127.0.0.1:%1$d", %4$s}
             - {name: expired, kind: http, target: "https://127.0.0.1:%2$d", %4$s}
             - {name: host, kind: http, target: "https://127.0.0.2:%3$d", %4$s}
             """.formatted(valid.port(), expired.port(), wrongHost.port(), CREDS)))) {
      ok(run(hc, "valid"));
      HealthChecks.HistoryEntry e = run(hc, "expired");
      failed(hc, "expired", "http", e, Reason.TLS);
      HealthChecks.HistoryEntry h = run(hc, "host");
      failed(hc, "host", "http", h, Reason.TLS);
      assertThat(h.message()).contains("127.0.0.2");
    }
  }

  /** Builds the checks (each builds its HTTP client, and with it its trust manager) with this trust store. */
  private static HealthChecks withTrustStore(Path store, Supplier<HealthChecks> build) {
    String[] keys = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"};
    String[] old = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      old[i] = System.getProperty(keys[i]);
    }
    System.setProperty(keys[0], store.toString());
    System.setProperty(keys[1], "changeit");
    System.setProperty(keys[2], "PKCS12");
    try {
      return build.get();
    } finally {
      for (int i = 0; i < keys.length; i++) {
        if (old[i] == null) {
          System.clearProperty(keys[i]);
        } else {
          System.setProperty(keys[i], old[i]);
        }
      }
    }
  }

  // ---- auth

  @Test
  void rejectedCredentialsAreAuthAndNeverShown() throws Exception {
    TestPki.Issued cert = TestPki.leaf("localhost", null);
    try (Https s401 = new Https(InetAddress.getLoopbackAddress(), cert, 401);
         Https s403 = new Https(InetAddress.getLoopbackAddress(), cert, 403);
         HealthChecks hc = HealthTesting.checks("""
             - {name: basic401, kind: http, target: "https://127.0.0.1:%1$d", %3$s, tls_insecure_skip_verify: true}
             - {name: basic403, kind: http, target: "https://127.0.0.1:%2$d", %3$s, tls_insecure_skip_verify: true}
             - {name: token401, kind: http, target: "https://127.0.0.1:%1$d", token_env: TEST_PW,
                tls_insecure_skip_verify: true}
             """.formatted(s401.port(), s403.port(), CREDS))) {
      for (String svc : new String[] {"basic401", "basic403", "token401"}) {
        HealthChecks.HistoryEntry e = run(hc, svc);
        failed(hc, svc, "http", e, Reason.AUTH);
        assertThat(e.message()).contains("credentials rejected");
      }
      // the servers did get the credentials (and echoed them in their answers): only our output hides them
      assertThat(s401.authorizations).contains("Basic " + BASIC, "Bearer " + HealthTesting.PW);
      assertThat(s403.authorizations).contains("Basic " + BASIC);
    }
  }

  // ---- helpers

  /**
   * A listener whose accept queue is full: it never calls accept(), and the queue is filled by connections of
   * our own until a connect times out. A new connection's SYN is then dropped by the kernel (Linux), so a
   * client's connect hangs — a listener in overload, or one whose process is stopped.
   */
  static final class FullBacklog implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final List<Socket> fillers = new ArrayList<>();

    FullBacklog() throws IOException {
      for (int i = 0; i < 64; i++) {
        Socket s = new Socket();
        try {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 1000);
          fillers.add(s);
        } catch (SocketTimeoutException full) {
          s.close();
          return;
        }
      }
      close();
      throw new IllegalStateException("accept queue never filled up after 64 connections");
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      for (Socket s : fillers) {
        s.close();
      }
      server.close();
    }
  }

  /**
   * An HTTPS server on {@code bind} presenting {@code cert}, answering every request with {@code status} and
   * a body that echoes the Authorization header (a server that would leak it, if the check printed bodies).
   */
  static final class Https implements AutoCloseable {
    private final HttpsServer server;
    final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();

    Https(InetAddress bind, TestPki.Issued cert, int status) throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      X509Certificate[] chain = cert.issuer() == null ? new X509Certificate[] {cert.cert()}
          : new X509Certificate[] {cert.cert(), cert.issuer()};
      ks.setKeyEntry("server", cert.keys().getPrivate(), new char[0], chain);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      server = HttpsServer.create(new InetSocketAddress(bind, 0), 16);
      server.setHttpsConfigurator(new HttpsConfigurator(ctx));
      server.createContext("/", ex -> {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
          authorizations.add(auth);
        }
        byte[] body = ("{\"error\":\"denied\",\"you_sent\":\"" + auth + "\"}").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
