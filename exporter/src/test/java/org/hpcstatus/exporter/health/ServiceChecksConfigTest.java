package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.health.kinds.PostgresCheck;
import org.hpcstatus.exporter.health.kinds.SqlCheck;
import org.junit.jupiter.api.Test;

class ServiceChecksConfigTest {

  static final String EXAMPLE = """
      services:
        - name: pg-main
          kind: postgres
          target: postgres://db1:5432/app
          username: monitor
          password_file: /etc/hpcstatus/pg-password
          databases: [app, slurm_acct_db]
          interval: 15s
          timeout: 3s
          failure_threshold: 3
        - name: influx
          kind: influxdb
          target: http://influx:8086
          api_version: 1
          round_trip_database: telegraf
        - name: broker
          kind: mqtt
          target: tcp://broker:1883
          username: monitor
          password_env: MQTT_PASSWORD
          round_trip_topic: hpcstatus/health
          interval: 1s
        - name: sso
          kind: keycloak
          target: http://keycloak:9000
        - name: cache
          kind: redis
          target: redis:6379
          password_env: REDIS_PASSWORD
        - name: queue
          kind: rabbitmq
          target: http://rabbit:15672
          username: monitor
          password_env: RABBIT_PASSWORD
        - name: s3
          kind: minio
          target: https://minio:9000
        - name: scratch
          kind: filesystem
          target: /scratch
          timeout: 2s
        - name: portal
          kind: http
          target: https://portal.example.org
          path: /api/health
          expect_status: [200]
          json_field: /status
          json_value: ok
        - name: ssh-login
          kind: tcp
          target: login1:22
        - name: platform
          kind: sql
          target: postgres://db1:5432/platform
          username: monitor
          password_env: PLATFORM_DB_PASSWORD
          queries:
            - metric: tenants
              help: Tenants by plan.
              query: SELECT plan, count(*) AS n FROM tenants GROUP BY plan
              labels: [plan]
              value: n
      """;

  @Test
  void parsesEveryKindWithDefaults() {
    Config c = ConfigLoader.parse(EXAMPLE);
    assertThat(c.services()).extracting(ServiceCheckConfig::kind).containsExactly("postgres", "influxdb", "mqtt",
        "keycloak", "redis", "rabbitmq", "minio", "filesystem", "http", "tcp", "sql");
    ServiceCheckConfig pg = c.services().get(0);
    assertThat(pg.interval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(pg.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(pg.failureThreshold()).isEqualTo(3);
    assertThat(pg.options(PostgresCheck.Options.class).databases()).containsExactly("app", "slurm_acct_db");
    ServiceCheckConfig broker = c.services().get(2);
    assertThat(broker.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(broker.timeout()).as("default timeout is capped by the interval").isEqualTo(Duration.ofSeconds(1));
    assertThat(broker.failureThreshold()).isEqualTo(ServiceCheckConfig.DEFAULT_FAILURE_THRESHOLD);
    assertThat(c.services().get(10).options(SqlCheck.Options.class).queries().get(0).labels()).containsExactly("plan");
    // every kind can be instantiated from the example (no network I/O happens at construction)
    try (HealthChecks hc = new HealthChecks(c.services(), () -> "c")) {
      assertThat(hc.configs()).hasSize(11);
    }
  }

  @Test
  void noServicesByDefault() {
    assertThat(Config.defaults().services()).isEmpty();
    assertThat(ConfigLoader.parse("cluster: x").services()).isEmpty();
  }

  private static void rejects(String services, String path, String fragment) {
    assertThatThrownBy(() -> ConfigLoader.parse("services:\n" + services.stripIndent().indent(2)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(path + ":")
        .hasMessageContaining(fragment);
  }

  @Test
  void credentialsInAnyTargetAreRejectedWithoutBeingRepeated() {
    String[][] cases = {
        {"tcp", "tcp://user:s3cretpw@host:22"},
        {"tcp", "user:s3cretpw@host:22"},
        {"redis", "redis://:s3cretpw@cache:6379"},
        {"redis", "default:s3cretpw@cache:6379"},
        {"mqtt", "tcp://monitor:s3cretpw@broker:1883"},
        {"mqtt", "ssl://monitor:s3cretpw@broker:8883"},
        {"mqtt", "tcp://monitor@broker:1883"},
        {"postgres", "postgres://monitor@db/x"},
        {"postgres", "jdbc:postgresql://monitor:s3cretpw@db:5432/x"},
        {"sql", "postgresql://monitor:s3cretpw@db/x"},
        {"http", "https://monitor:s3cretpw@portal/x"},
        {"influxdb", "http://u:s3cretpw@influx:8086"},
        {"http", "http://u:s3cret%40pw@bad_host/x"}, // not even a valid server URI
    };
    for (String[] c : cases) {
      String yaml = """
          - {name: ok, kind: tcp, target: "h:1"}
          - {name: a, kind: %s, target: "%s"}
          """.formatted(c[0], c[1]);
      assertThatThrownBy(() -> ConfigLoader.parse("services:\n" + yaml.indent(2)))
          .as(c[1])
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("/services/1/target:")
          .hasMessageContaining("credentials")
          .hasMessageNotContaining("s3cret")
          .hasMessageNotContaining("monitor");
    }
    // host:port targets: a URL is not a host:port
    rejects("- {name: a, kind: tcp, target: \"tcp://host:22\"}", "/services/0/target", "without a scheme");
  }

  /** Second line of defence: a check built without the validator, and a driver that echoes the URI. */
  @Test
  void failureMessagesNeverCarryTheTargetsCredentials() {
    int port = HealthTesting.closedPort();
    ServiceCheckConfig mqtt = ServiceCheckConfig.of("broker", "mqtt", "tcp://monitor:s3cretpw@127.0.0.1:" + port)
        .withTiming(Duration.ofSeconds(10), Duration.ofSeconds(3), 1);
    ServiceCheckConfig tcp = ServiceCheckConfig.of("ssh", "tcp", "monitor:s3cretpw@127.0.0.1:" + port)
        .withTiming(Duration.ofSeconds(10), Duration.ofSeconds(3), 1);
    ServiceCheckConfig echo = ServiceCheckConfig.of("echo", "http", "http://monitor:s3cretpw@127.0.0.1:" + port)
        .withTiming(Duration.ofSeconds(10), Duration.ofSeconds(3), 1);
    java.util.Map<ServiceCheckConfig, Check> m = new java.util.LinkedHashMap<>();
    m.put(mqtt, ServiceChecks.create(mqtt, HealthTesting.SECRETS));
    m.put(tcp, ServiceChecks.create(tcp, HealthTesting.SECRETS));
    m.put(echo, new HealthChecksTest.Scripted()
        .then(new java.net.ConnectException("cannot connect to http://monitor:s3cretpw@127.0.0.1:" + port))
        .then(new java.io.IOException("x".repeat(290) + " tcp://monitor:s3cretpw@host")) // cut at 300 chars
        .then(new CheckException(Reason.AUTH, "server said: user monitor:s3cretpw rejected")));
    try (HealthChecks hc = new HealthChecks(m, () -> "test")) {
      for (int i = 0; i < 3; i++) {
        hc.runAllOnce();
      }
      for (HealthChecks.Status st : hc.status()) {
        assertThat(st.history()).as(st.service()).hasSize(3);
        for (HealthChecks.HistoryEntry e : st.history()) {
          assertThat(e.ok()).as(st.service() + ": " + e).isFalse();
          assertThat(e.message()).as(st.service()).doesNotContain("s3cret").doesNotContain("monitor:");
        }
      }
      assertThat(hc.status("echo").history().get(0).message()).contains("http://***@127.0.0.1");
      assertThat(HealthTesting.scrape(hc)).doesNotContain("s3cret");
    }
  }

  @Test
  void errorsNameTheYamlPath() {
    rejects("""
        - {name: a, kind: tcp, target: "h:1"}
        - {name: b, kind: mongodb, target: "h:1"}
        """, "/services/1/kind", "unknown kind 'mongodb'");
    rejects("- {name: a, kind: tcp, target: nohost}", "/services/0/target", "host:port");
    rejects("- {name: a, kind: tcp, target: \"h:99999\"}", "/services/0/target", "1 to 65535");
    rejects("- {name: a, kind: http, target: \"ftp://x\"}", "/services/0/target", "http://");
    rejects("- {name: a, kind: http, target: \"http://u:p@x\"}", "/services/0/target", "credentials");
    rejects("- {name: a, kind: postgres, target: \"postgres://u:secret@db/x\"}", "/services/0/target", "password");
    rejects("- {name: a, kind: mqtt, target: \"http://b:1883\"}", "/services/0/target", "tcp://");
    rejects("- {name: a, kind: filesystem, target: relative/path}", "/services/0/target", "absolute");
    rejects("- {name: a, kind: tcp, target: \"h:1\", databases: [x]}", "/services/0/databases",
        "does not apply to kind tcp");
    rejects("- {name: a, kind: keycloak, target: \"http://k:9000\", password_env: X}", "/services/0/password_env",
        "does not apply");
    rejects("- {name: a, kind: tcp, target: \"h:1\", interval: 500ms}", "/services/0/interval", "at least 1s");
    rejects("- {name: a, kind: tcp, target: \"h:1\", interval: 2s, timeout: 5s}", "/services/0/timeout",
        "longer than the interval");
    rejects("- {name: a, kind: tcp, target: \"h:1\", failure_threshold: 0}", "/services/0/failure_threshold",
        "at least 1");
    rejects("""
        - {name: a, kind: tcp, target: "h:1"}
        - {name: a, kind: tcp, target: "h:2"}
        """, "/services/1/name", "duplicate");
    rejects("- {name: a, kind: tcp, target: \"h:1\", colour: red}", "/services/0/colour", "unknown key");
    rejects("- {name: a, kind: tcp, target: \"h:1\", interval: soon}", "/services/0/interval", "not a duration");
    rejects("- {name: a, kind: http, target: \"http://x\", body_regex: \"(\"}", "/services/0/body_regex",
        "invalid regular expression");
    rejects("- {name: a, kind: sql, target: \"postgres://db/x\"}", "/services/0/queries", "at least one query");
    rejects("""
        - name: a
          kind: sql
          target: postgres://db/x
          queries:
            - {metric: Bad-Name, query: SELECT 1 AS v, value: v}
        """, "/services/0/queries/0/metric", "lower_snake_case");
    rejects("""
        - name: a
          kind: sql
          target: postgres://db/x
          queries:
            - {metric: x, query: SELECT 1 AS v, value: v, labels: [service]}
        """, "/services/0/queries/0/labels/0", "not one of");
    rejects("""
        - name: a
          kind: sql
          target: postgres://db/x
          queries:
            - {metric: x, query: SELECT 1 AS v, value: v, labels: [a]}
        - name: b
          kind: sql
          target: postgres://db/y
          queries:
            - {metric: x, query: SELECT 1 AS v, value: v, labels: [b]}
        """, "/services/1/queries/0/labels", "same labels");
    rejects("- {name: a, kind: influxdb, target: \"http://i:8086\", api_version: 4}", "/services/0/api_version",
        "1, 2 or 3");
    rejects("- {name: a, kind: influxdb, target: \"http://i:8086\", round_trip_database: db}",
        "/services/0/round_trip_database", "api_version: 1");
    rejects("- {name: a, kind: influxdb, target: \"http://i:8086\", round_trip_bucket: b}", "/services/0/org",
        "required");
    rejects("- {name: a, kind: influxdb, target: \"http://i:8086\", api_version: 1, org: o, round_trip_bucket: b}",
        "/services/0/round_trip_bucket", "2.x");
  }

  @Test
  void programmaticConfigsAreValidatedToo() {
    assertThatThrownBy(() -> new HealthChecks(List.of(ServiceCheckConfig.of("x", "nope", "h:1")), () -> "c"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/services/0/kind:");
  }
}
