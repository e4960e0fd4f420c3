package org.hpcstatus.exporter.health;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.core.ExporterCollector;

/** Shared helpers for health-check tests. */
final class HealthTesting {
  private HealthTesting() {}

  /** Test credentials of scripts/services.sh. */
  static final String PW = "hpcstatus-test-pw";
  static final Secrets SECRETS = new Secrets(Map.of("TEST_PW", PW, "WRONG_PW", "not-the-password"));

  /** Parses {@code services:} YAML (entries indented by two spaces) through the real config loader. */
  static List<ServiceCheckConfig> services(String entriesYaml) {
    return ConfigLoader.parse("services:\n" + entriesYaml.stripIndent().indent(2)).services();
  }

  static HealthChecks checks(String entriesYaml) {
    return new HealthChecks(services(entriesYaml), () -> "test", SECRETS);
  }

  /** Runs one check through the scheduler path (worker + hard timeout) and returns its last result. */
  static HealthChecks.HistoryEntry runOnce(HealthChecks hc, String service) {
    try {
      hc.runNow(service).get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("check " + service + " did not record a result", e);
    }
    return hc.status(service).last();
  }

  /** The exposition text of a fresh registry holding only these checks. */
  static String scrape(HealthChecks hc) {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new ExporterCollector(ExporterCollector.Part.uncached(hc::snapshots)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A loopback port nothing listens on (connections are refused). */
  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A listener that accepts connections and never sends a byte (a hung service). */
  static final class SilentListener implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    SilentListener() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            accepted.add(server.accept());
          } catch (IOException e) {
            return;
          }
        }
      }, "silent-listener");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  /** A listener that answers every connection with fixed bytes and closes it (a hostile/garbage service). */
  static final class GarbageListener implements AutoCloseable {
    private final ServerSocket server;

    GarbageListener(byte[] answer) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            s.getOutputStream().write(answer);
            s.getOutputStream().flush();
            s.shutdownOutput();
            s.setSoTimeout(200);
            try {
              s.getInputStream().readNBytes(65536);
            } catch (IOException ignored) {
              // drain what the client sent, then close
            }
          } catch (IOException e) {
            if (server.isClosed()) {
              return;
            }
          }
        }
      }, "garbage-listener");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /** Assertion helpers on history entries. */
  static final class HistoryEntryAssert {
    private HistoryEntryAssert() {}

    static void reason(HealthChecks.HistoryEntry e, Reason expected) {
      org.assertj.core.api.Assertions.assertThat(e.ok()).as("check should have failed: " + e).isFalse();
      org.assertj.core.api.Assertions.assertThat(e.reason()).as("reason of " + e).isEqualTo(expected);
    }

    static void ok(HealthChecks.HistoryEntry e) {
      org.assertj.core.api.Assertions.assertThat(e.ok()).as("check should have succeeded: " + e).isTrue();
    }
  }
}
