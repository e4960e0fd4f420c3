package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import java.nio.charset.StandardCharsets;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real Redis from scripts/services.sh (127.0.0.1:16379, requirepass). */
class RedisCheckIT {
  static final int PORT = 16379;

  @BeforeAll
  static void redis() {
    Live.require(HealthTesting.portOpen(PORT), "Redis on 127.0.0.1:" + PORT + " (scripts/services.sh up)");
  }

  @Test
  void pingAndInfo() {
    try (HealthChecks hc = HealthTesting.checks("- {name: cache, kind: redis, target: \"127.0.0.1:16379\", "
        + "password_env: TEST_PW}")) {
      ok(HealthTesting.runOnce(hc, "cache"));
      String text = HealthTesting.scrape(hc);
      assertThat(text)
          .containsPattern("service_info\\{cluster=\"test\",kind=\"redis\",service=\"cache\",version=\"7\\.[0-9.]+\"\\} 1")
          .containsPattern("service_redis_connected_clients\\{[^}]*\\} [1-9][0-9]*\\.0")
          .containsPattern("service_redis_memory_used_bytes\\{[^}]*\\} [1-9][0-9.E]+")
          .contains("service_redis_memory_max_bytes{cluster=\"test\",kind=\"redis\",service=\"cache\"} 0.0")
          .contains("service_redis_rejected_connections_total{cluster=\"test\",kind=\"redis\",service=\"cache\"}")
          .contains("service_up{cluster=\"test\",kind=\"redis\",service=\"cache\"} 1.0")
          .doesNotContain(HealthTesting.PW);
    }
  }

  @Test
  void wrongOrMissingPasswordIsAuth() {
    try (HealthChecks hc = HealthTesting.checks("""
        - {name: wrong, kind: redis, target: "127.0.0.1:16379", password_env: WRONG_PW}
        - {name: none, kind: redis, target: "127.0.0.1:16379"}
        """)) {
      HealthChecks.HistoryEntry w = HealthTesting.runOnce(hc, "wrong");
      reason(w, Reason.AUTH);
      assertThat(w.message()).doesNotContain("not-the-password");
      reason(HealthTesting.runOnce(hc, "none"), Reason.AUTH);
    }
  }

  @Test
  void stoppedIsRefusedAfterThreshold() {
    int port = HealthTesting.closedPort();
    try (HealthChecks hc = HealthTesting.checks("- {name: gone, kind: redis, target: \"127.0.0.1:" + port
        + "\", failure_threshold: 2}")) {
      reason(HealthTesting.runOnce(hc, "gone"), Reason.REFUSED);
      reason(HealthTesting.runOnce(hc, "gone"), Reason.REFUSED);
      assertThat(hc.status("gone").up()).isFalse();
    }
  }

  @Test
  void silentListenerIsTimeoutWithinTheTimeout() throws Exception {
    try (HealthTesting.SilentListener l = new HealthTesting.SilentListener();
         HealthChecks hc = HealthTesting.checks("- {name: hung, kind: redis, target: \"127.0.0.1:" + l.port()
             + "\", interval: 5s, timeout: 500ms}")) {
      HealthChecks.HistoryEntry e = HealthTesting.runOnce(hc, "hung");
      reason(e, Reason.TIMEOUT);
      assertThat(e.durationSeconds()).isLessThan(2);
    }
  }

  @Test
  void tlsToPlainPort() throws Exception {
    // A plain Redis treats the TLS ClientHello as the start of an inline command and waits for a newline
    // that never comes: from the client's side that is indistinguishable from a hung server -> timeout.
    try (HealthChecks hc = HealthTesting.checks("- {name: t, kind: redis, target: \"127.0.0.1:16379\", tls: true, "
        + "tls_insecure_skip_verify: true, password_env: TEST_PW, interval: 5s, timeout: 500ms}")) {
      reason(HealthTesting.runOnce(hc, "t"), Reason.TIMEOUT);
    }
    // A plain-text server that answers the ClientHello (with a RESP error, then closes) is a TLS failure.
    try (HealthTesting.GarbageListener plain = new HealthTesting.GarbageListener(
             "-ERR unknown command\r\n".getBytes(StandardCharsets.US_ASCII));
         HealthChecks hc = HealthTesting.checks("- {name: t, kind: redis, target: \"127.0.0.1:" + plain.port()
             + "\", tls: true, tls_insecure_skip_verify: true}")) {
      reason(HealthTesting.runOnce(hc, "t"), Reason.TLS);
    }
  }

  @Test
  void garbageAndHugeRepliesAreProtocol() throws Exception {
    try (HealthTesting.GarbageListener http = new HealthTesting.GarbageListener(
             "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
         HealthTesting.GarbageListener huge = new HealthTesting.GarbageListener(
             "+PONG\r\n$2147483000\r\n".getBytes(StandardCharsets.US_ASCII));
         HealthChecks hc = HealthTesting.checks("""
             - {name: http, kind: redis, target: "127.0.0.1:%d"}
             - {name: huge, kind: redis, target: "127.0.0.1:%d"}
             """.formatted(http.port(), huge.port()))) {
      reason(HealthTesting.runOnce(hc, "http"), Reason.PROTOCOL);
      HealthChecks.HistoryEntry h = HealthTesting.runOnce(hc, "huge");
      reason(h, Reason.PROTOCOL);
      assertThat(h.message()).contains("exceeds the limit");
    }
  }
}
