package org.hpcstatus.exporter.health;

import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import org.junit.jupiter.api.Test;

/** TCP checks against loopback listeners started by the test itself. */
class TcpCheckIT {

  @Test
  void connectRefusedTimeoutAndTls() throws Exception {
    int closed = HealthTesting.closedPort();
    try (HealthTesting.SilentListener l = new HealthTesting.SilentListener();
         HealthChecks hc = HealthTesting.checks("""
             - {name: open, kind: tcp, target: "127.0.0.1:%1$d"}
             - {name: closed, kind: tcp, target: "127.0.0.1:%2$d", failure_threshold: 1}
             - {name: tlshung, kind: tcp, target: "127.0.0.1:%1$d", tls: true, interval: 5s, timeout: 400ms}
             - {name: dns, kind: tcp, target: "no-such-host.invalid:22"}
             """.formatted(l.port(), closed))) {
      ok(HealthTesting.runOnce(hc, "open"));
      reason(HealthTesting.runOnce(hc, "closed"), Reason.REFUSED);
      reason(HealthTesting.runOnce(hc, "tlshung"), Reason.TIMEOUT);
      reason(HealthTesting.runOnce(hc, "dns"), Reason.DNS);
    }
  }

  @Test
  void tlsHandshakeAgainstPlainTextIsTls() throws Exception {
    try (HealthTesting.GarbageListener plain = new HealthTesting.GarbageListener(
             "SSH-2.0-OpenSSH_9.2\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
         HealthChecks hc = HealthTesting.checks("- {name: t, kind: tcp, target: \"127.0.0.1:" + plain.port()
             + "\", tls: true}")) {
      reason(HealthTesting.runOnce(hc, "t"), Reason.TLS);
    }
  }
}
