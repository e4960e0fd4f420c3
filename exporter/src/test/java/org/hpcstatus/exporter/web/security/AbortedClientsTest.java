package org.hpcstatus.exporter.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.hpcstatus.exporter.web.Route;
import org.hpcstatus.exporter.web.WebServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Clients that reset the connection mid-response (a killed scraper, wrk ending a round) must not cost the
 * server a socket: issue 10's soak lost 1–4 fds per aborted HTTPS client, for good. Each case opens
 * {@link #CLIENTS} connections that send a request, read a few bytes of a response far larger than the
 * socket buffers (so the server is still writing) and reset (SO_LINGER 0), then waits, with a generous
 * deadline, until the sockets the server holds are back to what they were.
 *
 * <p>"Sockets the server holds" are this JVM's socket fds that are either TCP connections on the server's
 * port or in no {@code /proc/net} table at all (a reset connection whose fd is still open is in none):
 * other threads opening files or connections elsewhere do not move the count.
 */
class AbortedClientsTest {
  static final int CLIENTS = 16;
  static final int MARGIN = 2;
  static final int BIG = 2 << 20;
  static final String PASSWORD = "abort-secret-7Qz";
  static TestPki.Issued ca;

  @TempDir
  Path tmp;

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("abort-ca");
  }

  /** A fixed-length body written in one go, the way every route answers (try-with-resources on the body). */
  static Route big() {
    byte[] body = new byte[BIG];
    return Route.exact("/big", ex -> {
      try {
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      } finally {
        ex.close();
      }
    });
  }

  /** A chunked stream on its own executor, written until the client is gone (the SSE route's shape). */
  static Route stream() {
    byte[] chunk = new byte[16 << 10];
    return Route.exact("/stream", ex -> {
      try {
        ex.getResponseHeaders().set("Connection", "close");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (int i = 0; i < 100_000; i++) {
          out.write(chunk);
          out.flush();
        }
      } catch (IOException e) {
        // the client went away
      } finally {
        ex.close();
      }
    }).executor(Executors.newCachedThreadPool());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "tls-auth, /big", "tls-auth, /stream",
      "tls, /big", "tls, /stream",
      "plain-auth, /big", "plain-auth, /stream",
      "plain, /big", "plain, /stream"})
  void abortedClientsLeaveNoSocketBehind(String mode, String path) throws Exception {
    boolean tls = mode.startsWith("tls");
    boolean auth = mode.endsWith("auth");
    WebServer.Builder b = WebServer.builder().listen("127.0.0.1", 0).route(big()).route(stream());
    if (tls || auth) {
      WebSecurity sec = WebSecurity.load(webConfig(tls, auth));
      b.tls(sec.httpsConfigurator()).authenticator(sec.authenticator(false), sec.authenticator(true))
          .filter(sec.headersFilter());
    }
    try (WebServer server = b.start()) {
      int port = server.port();
      int baseline = serverSockets(port);
      for (int i = 0; i < CLIENTS; i++) {
        assertThat(abort(port, tls, auth, path)).as("client %d got an answer before resetting", i)
            .startsWith("HTTP/1.1 200");
      }
      long deadline = System.nanoTime() + 120_000_000_000L;
      int held = serverSockets(port);
      while (held > baseline + MARGIN && System.nanoTime() < deadline) {
        Thread.sleep(100);
        held = serverSockets(port);
      }
      assertThat(held).as("sockets held after %d aborted clients (baseline %d)", CLIENTS, baseline)
          .isLessThanOrEqualTo(baseline + MARGIN);
      // and the server still answers a client that stays
      assertThat(abort(port, tls, auth, "/big")).startsWith("HTTP/1.1 200");
    }
  }

  Path webConfig(boolean tls, boolean auth) throws Exception {
    StringBuilder y = new StringBuilder("http_server_config:\n  headers: {X-Content-Type-Options: nosniff}\n");
    if (tls) {
      TestPki.leaf("abort", ca).write(tmp.resolve("s.crt"), tmp.resolve("s.key"), true, true);
      y.append("tls_server_config: {cert_file: s.crt, key_file: s.key}\n");
    }
    if (auth) {
      y.append("basic_auth_users:\n  prometheus: \"").append(BasicAuthTest.hash(PASSWORD)).append("\"\n");
    }
    Path f = tmp.resolve("web.yml");
    Files.writeString(f, y.toString());
    return f;
  }

  /** Sends one GET, reads the status line and resets the connection; returns what was read. */
  static String abort(int port, boolean tls, boolean auth, String path) throws Exception {
    Socket raw = new Socket();
    raw.setReceiveBufferSize(8 << 10); // the server cannot push the body into our buffers
    raw.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
    raw.setSoTimeout(60_000);
    try {
      Socket s = raw;
      if (tls) {
        SSLSocket ssl = (SSLSocket) trusting().getSocketFactory().createSocket(raw, "127.0.0.1", port, false);
        ssl.startHandshake();
        s = ssl;
      }
      String req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
          + (auth ? "Authorization: Basic " + Base64.getEncoder()
              .encodeToString(("prometheus:" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\r\n" : "")
          + "\r\n";
      s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      byte[] got = new byte[15];
      int n = 0;
      while (n < got.length) {
        int r = in.read(got, n, got.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return new String(got, 0, n, StandardCharsets.US_ASCII);
    } finally {
      raw.setSoLinger(true, 0); // RST, no TLS close_notify: as a killed client
      raw.close();
    }
  }

  static SSLContext trusting() throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", ca.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, tmf.getTrustManagers(), null);
    return c;
  }

  /** Socket fds of this JVM that are connections on {@code port} or in no /proc/net table (orphaned). */
  static int serverSockets(int port) throws IOException {
    Set<String> known = new HashSet<>();
    Set<String> onPort = new HashSet<>();
    for (String table : List.of("tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix", "netlink", "packet")) {
      Path p = Path.of("/proc/self/net", table);
      if (!Files.isReadable(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (table.startsWith("tcp") && f.length > 9) {
          known.add(f[9]);
          String local = f[1];
          boolean listening = f[3].equals("0A");
          if (!listening && Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16) == port) {
            onPort.add(f[9]);
          }
        } else if (table.equals("unix") && f.length > 6) {
          known.add(f[6]);
        } else if (table.equals("netlink") && f.length > 9) {
          known.add(f[9]);
        } else if (table.equals("packet") && f.length > 8) {
          known.add(f[8]);
        } else if (f.length > 9) {
          known.add(f[9]);
        }
      }
    }
    int n = 0;
    List<Path> fds = new ArrayList<>();
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      s.forEach(fds::add);
    }
    for (Path fd : fds) {
      String target;
      try {
        target = Files.readSymbolicLink(fd).toString();
      } catch (IOException e) {
        continue; // closed meanwhile
      }
      if (target.startsWith("socket:[")) {
        String inode = target.substring(8, target.length() - 1);
        if (onPort.contains(inode) || !known.contains(inode)) {
          n++;
        }
      }
    }
    return n;
  }
}
