package org.hpcstatus.exporter.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP-based kinds against WireMock, with bodies as documented by the products (Keycloak ≥ 25
 * management health, InfluxDB 2 /health, InfluxDB 3 Core /health, MinIO health API, RabbitMQ
 * management health checks and overview). Real servers for these are not installable here.
 */
class HttpKindsTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().dynamicHttpsPort()).build();

  static final String KEYCLOAK_UP = """
      {"status":"UP","checks":[{"name":"Keycloak database connections async health check","status":"UP"}]}""";
  static final String KEYCLOAK_DOWN = """
      {"status":"DOWN","checks":[{"name":"Keycloak database connections async health check","status":"DOWN"}]}""";

  private static HealthChecks one(String yaml) {
    return HealthTesting.checks(yaml);
  }

  private static String base() {
    return wm.getRuntimeInfo().getHttpBaseUrl();
  }

  @Test
  void keycloakReadyUpWithPerCheckStatus() {
    wm.stubFor(get("/health/ready").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(KEYCLOAK_UP)));
    try (HealthChecks hc = one("- {name: kc, kind: keycloak, target: \"" + base() + "\"}")) {
      ok(HealthTesting.runOnce(hc, "kc"));
      assertThat(HealthTesting.scrape(hc)).contains("service_keycloak_check_up{check=\"Keycloak database "
          + "connections async health check\",cluster=\"test\",kind=\"keycloak\",service=\"kc\"} 1.0");
    }
  }

  @Test
  void keycloak503IsUnhealthyAndNamesTheDownCheck() {
    wm.stubFor(get("/auth/health/ready").willReturn(aResponse().withStatus(503).withBody(KEYCLOAK_DOWN)));
    try (HealthChecks hc = one("- {name: kc, kind: keycloak, target: \"" + base() + "\", path: /auth/health/ready}")) {
      HealthChecks.HistoryEntry e = HealthTesting.runOnce(hc, "kc");
      reason(e, Reason.UNHEALTHY);
      assertThat(e.message()).contains("Keycloak database connections async health check");
    }
  }

  @Test
  void keycloakGarbageIsProtocolAnd404IsHttpStatus() {
    wm.stubFor(get("/health/ready").willReturn(aResponse().withStatus(200).withBody("<html>proxy error</html>")));
    wm.stubFor(get("/other/health/ready").willReturn(aResponse().withStatus(404)));
    try (HealthChecks hc = one("""
        - {name: kc, kind: keycloak, target: "%s"}
        - {name: kc2, kind: keycloak, target: "%s/other"}
        """.formatted(base(), base()))) {
      reason(HealthTesting.runOnce(hc, "kc"), Reason.PROTOCOL);
      reason(HealthTesting.runOnce(hc, "kc2"), Reason.HTTP_STATUS);
    }
  }

  @Test
  void slowAnswerIsTimeoutWithinTheTimeout() {
    wm.stubFor(get("/health/ready").willReturn(aResponse().withStatus(200).withBody(KEYCLOAK_UP)
        .withFixedDelay(3000)));
    try (HealthChecks hc = one("- {name: kc, kind: keycloak, target: \"" + base() + "\", interval: 5s, timeout: 300ms}")) {
      HealthChecks.HistoryEntry e = HealthTesting.runOnce(hc, "kc");
      reason(e, Reason.TIMEOUT);
      assertThat(e.durationSeconds()).as("did not wait for the 3 s answer").isLessThan(2.5);
    }
  }

  @Test
  void connectionResetMidAnswerIsCountedNotThrown() {
    wm.stubFor(get("/health/ready").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    wm.stubFor(get("/x/health/ready").willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
    try (HealthChecks hc = one("""
        - {name: kc, kind: keycloak, target: "%s"}
        - {name: kc2, kind: keycloak, target: "%s/x"}
        """.formatted(base(), base()))) {
      reason(HealthTesting.runOnce(hc, "kc"), Reason.REFUSED);
      reason(HealthTesting.runOnce(hc, "kc2"), Reason.PROTOCOL);
    }
  }

  @Test
  void influxdb2HealthPassAndFail() {
    wm.stubFor(get("/health").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody("""
            {"name":"influxdb","message":"ready for queries and writes","status":"pass","checks":[],
             "version":"v2.7.11","commit":"fbf5d4ab5e"}""")));
    wm.stubFor(get("/bad/health").willReturn(aResponse().withStatus(503).withBody("""
        {"name":"influxdb","message":"not ready","status":"fail","checks":[],"version":"v2.7.11","commit":"x"}""")));
    try (HealthChecks hc = one("""
        - {name: i2, kind: influxdb, target: "%s", api_version: 2}
        - {name: i2bad, kind: influxdb, target: "%s/bad"}
        """.formatted(base(), base()))) {
      ok(HealthTesting.runOnce(hc, "i2"));
      assertThat(HealthTesting.scrape(hc)).contains("service_info{cluster=\"test\",kind=\"influxdb\",service=\"i2\","
          + "version=\"v2.7.11\"} 1");
      reason(HealthTesting.runOnce(hc, "i2bad"), Reason.UNHEALTHY);
    }
  }

  @Test
  void influxdb3NeedsTheToken() {
    wm.stubFor(get("/health").withHeader("Authorization", equalTo("Bearer apiv3_secret-token"))
        .willReturn(aResponse().withStatus(200).withBody("OK")).atPriority(1));
    wm.stubFor(get("/health").willReturn(aResponse().withStatus(401)).atPriority(5));
    Secrets secrets = new Secrets(java.util.Map.of("TOKEN", "apiv3_secret-token", "BAD", "wrong"));
    try (HealthChecks hc = new HealthChecks(HealthTesting.services("""
        - {name: i3, kind: influxdb, target: "%s", api_version: 3, token_env: TOKEN}
        - {name: i3bad, kind: influxdb, target: "%s", api_version: 3, token_env: BAD}
        - {name: i3none, kind: influxdb, target: "%s", api_version: 3, token_env: UNSET}
        """.formatted(base(), base(), base())), () -> "test", secrets)) {
      ok(HealthTesting.runOnce(hc, "i3"));
      HealthChecks.HistoryEntry bad = HealthTesting.runOnce(hc, "i3bad");
      reason(bad, Reason.AUTH);
      HealthChecks.HistoryEntry none = HealthTesting.runOnce(hc, "i3none");
      reason(none, Reason.AUTH);
      assertThat(none.message()).contains("UNSET");
      String text = HealthTesting.scrape(hc);
      assertThat(text + bad.message() + none.message()).doesNotContain("apiv3_secret-token").doesNotContain("wrong");
    }
  }

  @Test
  void minioLiveAndClusterQuorum() {
    wm.stubFor(get("/minio/health/live").willReturn(aResponse().withStatus(200).withHeader("Server", "MinIO")));
    wm.stubFor(get("/minio/health/cluster").willReturn(aResponse().withStatus(200)
        .withHeader("x-minio-write-quorum", "3")));
    wm.stubFor(get("/degraded/minio/health/live").willReturn(aResponse().withStatus(200)));
    wm.stubFor(get("/degraded/minio/health/cluster").willReturn(aResponse().withStatus(503)
        .withHeader("x-minio-write-quorum", "3")));
    try (HealthChecks hc = one("""
        - {name: s3, kind: minio, target: "%s"}
        - {name: s3bad, kind: minio, target: "%s/degraded"}
        """.formatted(base(), base()))) {
      ok(HealthTesting.runOnce(hc, "s3"));
      assertThat(HealthTesting.scrape(hc))
          .contains("service_minio_write_quorum{cluster=\"test\",kind=\"minio\",service=\"s3\"} 3.0");
      reason(HealthTesting.runOnce(hc, "s3bad"), Reason.UNHEALTHY);
    }
  }

  @Test
  void rabbitmqAlarmsAndOverview() {
    wm.stubFor(get("/api/health/checks/alarms").withBasicAuth("monitor", HealthTesting.PW)
        .willReturn(aResponse().withStatus(200).withBody("{\"status\":\"ok\"}")).atPriority(1));
    wm.stubFor(get("/api/overview").withBasicAuth("monitor", HealthTesting.PW)
        .willReturn(aResponse().withStatus(200).withBody("""
            {"management_version":"3.13.7","rabbitmq_version":"3.13.7","cluster_name":"rabbit@mq1",
             "queue_totals":{"messages":12,"messages_ready":10,"messages_unacknowledged":2},
             "object_totals":{"channels":4,"connections":3,"consumers":2,"exchanges":7,"queues":5}}""")).atPriority(1));
    wm.stubFor(get("/api/health/checks/alarms").willReturn(aResponse().withStatus(401)
        .withBody("{\"error\":\"not_authorized\",\"reason\":\"Login failed\"}")).atPriority(5));
    wm.stubFor(get("/alarm/api/health/checks/alarms").willReturn(aResponse().withStatus(503).withBody("""
        {"status":"failed","reason":"There are alarms in effect in the cluster","alarms":[{"resource":"disk_limit","node":"rabbit@mq1"}]}""")));
    try (HealthChecks hc = one("""
        - {name: mq, kind: rabbitmq, target: "%s", username: monitor, password_env: TEST_PW}
        - {name: mqbad, kind: rabbitmq, target: "%s", username: monitor, password_env: WRONG_PW}
        - {name: mqalarm, kind: rabbitmq, target: "%s/alarm", username: monitor, password_env: TEST_PW}
        """.formatted(base(), base(), base()))) {
      ok(HealthTesting.runOnce(hc, "mq"));
      String text = HealthTesting.scrape(hc);
      assertThat(text)
          .contains("service_info{cluster=\"test\",kind=\"rabbitmq\",service=\"mq\",version=\"3.13.7\"} 1")
          .contains("service_rabbitmq_messages_ready{cluster=\"test\",kind=\"rabbitmq\",service=\"mq\"} 10.0")
          .contains("service_rabbitmq_messages_unacknowledged{cluster=\"test\",kind=\"rabbitmq\",service=\"mq\"} 2.0")
          .contains("service_rabbitmq_objects{cluster=\"test\",kind=\"rabbitmq\",object=\"connections\",service=\"mq\"} 3.0");
      reason(HealthTesting.runOnce(hc, "mqbad"), Reason.AUTH);
      HealthChecks.HistoryEntry alarm = HealthTesting.runOnce(hc, "mqalarm");
      reason(alarm, Reason.UNHEALTHY);
      assertThat(alarm.message()).contains("alarms in effect");
    }
  }

  @Test
  void httpStatusRegexAndJsonField() {
    wm.stubFor(get("/api/health").willReturn(aResponse().withStatus(200).withBody("{\"status\":\"ok\",\"db\":{\"up\":true}}")));
    wm.stubFor(get("/teapot").willReturn(aResponse().withStatus(418).withBody("short and stout")));
    try (HealthChecks hc = one("""
        - {name: a, kind: http, target: "%1$s", path: /api/health, json_field: /status, json_value: ok}
        - {name: b, kind: http, target: "%1$s", path: /api/health, json_field: /db/up, json_value: "false"}
        - {name: c, kind: http, target: "%1$s", path: /api/health, body_regex: "\\"db\\""}
        - {name: d, kind: http, target: "%1$s", path: /api/health, body_regex: "maintenance"}
        - {name: e, kind: http, target: "%1$s", path: /teapot}
        - {name: f, kind: http, target: "%1$s", path: /teapot, expect_status: [418], body_regex: stout}
        - {name: g, kind: http, target: "%1$s", path: /teapot, json_field: /x}
        """.formatted(base()))) {
      ok(HealthTesting.runOnce(hc, "a"));
      reason(HealthTesting.runOnce(hc, "b"), Reason.UNHEALTHY);
      ok(HealthTesting.runOnce(hc, "c"));
      reason(HealthTesting.runOnce(hc, "d"), Reason.UNHEALTHY);
      reason(HealthTesting.runOnce(hc, "e"), Reason.HTTP_STATUS);
      ok(HealthTesting.runOnce(hc, "f"));
      assertThat(HealthTesting.scrape(hc))
          .contains("service_http_status_code{cluster=\"test\",kind=\"http\",service=\"f\"} 418.0");
    }
    try (HealthChecks hc = one("- {name: g, kind: http, target: \"" + base() + "\", path: /teapot, "
        + "expect_status: [418], json_field: /x}")) {
      reason(HealthTesting.runOnce(hc, "g"), Reason.PROTOCOL);
    }
  }

  @Test
  void httpsWithCertificateExpiryAndTlsToPlainPort() {
    wm.stubFor(get("/").willReturn(aResponse().withStatus(200)));
    String https = "https://localhost:" + wm.getRuntimeInfo().getHttpsPort();
    String tlsToPlain = "https://127.0.0.1:" + wm.getRuntimeInfo().getHttpPort();
    try (HealthChecks hc = one("""
        - {name: s, kind: http, target: "%s", tls_insecure_skip_verify: true}
        - {name: v, kind: http, target: "%s"}
        - {name: p, kind: http, target: "%s"}
        """.formatted(https, https, tlsToPlain))) {
      ok(HealthTesting.runOnce(hc, "s"));
      assertThat(HealthTesting.scrape(hc))
          .containsPattern("service_tls_cert_expiry_timestamp_seconds\\{cluster=\"test\",kind=\"http\",service=\"s\"\\} [0-9.]+E9");
      reason(HealthTesting.runOnce(hc, "v"), Reason.TLS); // WireMock's self-signed certificate is not trusted
      reason(HealthTesting.runOnce(hc, "p"), Reason.TLS);
    }
  }

  @Test
  void basicAuthIsSentButNeverShown() {
    wm.stubFor(get("/private").withBasicAuth("u", HealthTesting.PW).willReturn(aResponse().withStatus(200)));
    try (HealthChecks hc = one("- {name: a, kind: http, target: \"" + base() + "\", path: /private, username: u, "
        + "password_env: TEST_PW}")) {
      ok(HealthTesting.runOnce(hc, "a"));
      wm.verify(getRequestedFor(urlEqualTo("/private")));
      assertThat(HealthTesting.scrape(hc)).doesNotContain(HealthTesting.PW);
    }
  }
}
