package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real InfluxDB 1.x (Debian 'influxdb' 1.6) from scripts/services.sh on 127.0.0.1:18086. */
class InfluxDbV1IT {

  @BeforeAll
  static void influx() {
    Live.require(HealthTesting.portOpen(18086), "InfluxDB 1.x on 127.0.0.1:18086 (scripts/services.sh up)");
  }

  @Test
  void pingVersionAndWriteQueryRoundTrip() {
    try (HealthChecks hc = HealthTesting.checks("""
        - {name: influx, kind: influxdb, target: "http://127.0.0.1:18086", api_version: 1, round_trip_database: hpcstatus}
        """)) {
      ok(HealthTesting.runOnce(hc, "influx"));
      ok(HealthTesting.runOnce(hc, "influx")); // a second round trip must read its own new point
      assertThat(HealthTesting.scrape(hc))
          .containsPattern("service_info\\{cluster=\"test\",kind=\"influxdb\",service=\"influx\",version=\"1\\.[^\"]+\"\\} 1")
          .containsPattern("service_influxdb_round_trip_seconds\\{cluster=\"test\",kind=\"influxdb\",service=\"influx\"\\} [0-9.E-]+");
    }
  }

  @Test
  void missingDatabaseIsUnhealthyAndFaultsAreClassified() throws Exception {
    int closed = HealthTesting.closedPort();
    try (HealthTesting.SilentListener silent = new HealthTesting.SilentListener();
         HealthChecks hc = HealthTesting.checks("""
             - {name: nodb, kind: influxdb, target: "http://127.0.0.1:18086", api_version: 1, round_trip_database: nosuchdb}
             - {name: gone, kind: influxdb, target: "http://127.0.0.1:%d", api_version: 1, failure_threshold: 1}
             - {name: hung, kind: influxdb, target: "http://127.0.0.1:%d", api_version: 1, interval: 5s, timeout: 500ms}
             - {name: tls, kind: influxdb, target: "https://127.0.0.1:18086", api_version: 1}
             - {name: v2api, kind: influxdb, target: "http://127.0.0.1:18086", api_version: 2}
             """.formatted(closed, silent.port()))) {
      HealthChecks.HistoryEntry nodb = HealthTesting.runOnce(hc, "nodb");
      reason(nodb, Reason.UNHEALTHY);
      assertThat(nodb.message()).contains("nosuchdb");
      reason(HealthTesting.runOnce(hc, "gone"), Reason.REFUSED);
      assertThat(hc.status("gone").up()).isFalse();
      reason(HealthTesting.runOnce(hc, "hung"), Reason.TIMEOUT);
      reason(HealthTesting.runOnce(hc, "tls"), Reason.TLS);
      // a 1.6 server has no /health: configured as v2 it is an HTTP status failure, not a crash
      reason(HealthTesting.runOnce(hc, "v2api"), Reason.HTTP_STATUS);
    }
  }
}
