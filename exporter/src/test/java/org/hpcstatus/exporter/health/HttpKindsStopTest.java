package org.hpcstatus.exporter.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * For every HTTP-based kind: healthy, then the server stops → {@code refused}, and {@code service_up}
 * stays 1 until {@code failure_threshold} (2) consecutive failures, then turns 0.
 */
class HttpKindsStopTest {

  @ParameterizedTest
  @ValueSource(strings = {"keycloak", "influxdb", "minio", "rabbitmq", "http"})
  void stoppedServerIsRefusedAndDownAfterThreshold(String kind) {
    WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());
    server.start();
    try {
      server.stubFor(get("/health/ready").willReturn(aResponse().withStatus(200)
          .withBody("{\"status\":\"UP\",\"checks\":[]}")));
      server.stubFor(get("/health").willReturn(aResponse().withStatus(200)
          .withBody("{\"name\":\"influxdb\",\"status\":\"pass\",\"version\":\"v2.7.11\"}")));
      server.stubFor(get("/minio/health/live").willReturn(aResponse().withStatus(200)));
      server.stubFor(get("/minio/health/cluster").willReturn(aResponse().withStatus(200)));
      server.stubFor(get("/api/health/checks/alarms").willReturn(aResponse().withStatus(200)
          .withBody("{\"status\":\"ok\"}")));
      server.stubFor(get("/api/overview").willReturn(aResponse().withStatus(200)
          .withBody("{\"rabbitmq_version\":\"3.13.7\",\"queue_totals\":{},\"object_totals\":{}}")));
      String extra = kind.equals("rabbitmq") ? ", username: monitor, password_env: TEST_PW"
          : kind.equals("http") ? ", path: /health" : "";
      try (HealthChecks hc = HealthTesting.checks("- {name: svc, kind: " + kind + ", target: \"http://127.0.0.1:"
          + server.port() + "\", failure_threshold: 2" + extra + "}")) {
        ok(HealthTesting.runOnce(hc, "svc"));
        server.stop();
        reason(HealthTesting.runOnce(hc, "svc"), Reason.REFUSED);
        assertThat(hc.status("svc").up()).as("1 failure < failure_threshold 2").isTrue();
        reason(HealthTesting.runOnce(hc, "svc"), Reason.REFUSED);
        assertThat(hc.status("svc").up()).isFalse();
        assertThat(HealthTesting.scrape(hc)).contains("service_up{cluster=\"test\",kind=\"" + kind
            + "\",service=\"svc\"} 0.0");
      }
    } finally {
      server.stop();
    }
  }
}
