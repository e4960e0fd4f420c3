package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * InfluxDB 2.x write + Flux query round trip against a small stateful fake of the documented API
 * ({@code /api/v2/write} line protocol with {@code Authorization: Token}, {@code /api/v2/query} answering
 * CSV) — WireMock cannot echo a value written by an earlier request.
 */
class InfluxDbV2RoundTripTest {
  static final Pattern NONCE = Pattern.compile("nonce=(\\d+)i");
  HttpServer server;
  final AtomicReference<String> stored = new AtomicReference<>();
  volatile boolean forget;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.createContext("/health", ex -> answer(ex, 200, """
        {"name":"influxdb","message":"ready for queries and writes","status":"pass","checks":[],"version":"v2.7.11","commit":"x"}"""));
    server.createContext("/api/v2/write", ex -> {
      if (!"Token sekrit".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        answer(ex, 401, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}");
        return;
      }
      if (!ex.getRequestURI().getQuery().contains("bucket=health") || !ex.getRequestURI().getQuery().contains("org=hpc")) {
        answer(ex, 404, "{\"code\":\"not found\",\"message\":\"bucket \\\"x\\\" not found\"}");
        return;
      }
      Matcher m = NONCE.matcher(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (m.find() && !forget) {
        stored.set(m.group(1));
      }
      answer(ex, 204, "");
    });
    server.createContext("/api/v2/query", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (!body.contains("\"type\":\"flux\"") || !body.contains("from(bucket: \\\"health\\\")")
          || !"application/csv".equals(ex.getRequestHeaders().getFirst("Accept"))) {
        answer(ex, 400, "{\"code\":\"invalid\",\"message\":\"bad query\"}");
        return;
      }
      String v = stored.get() == null ? "1" : stored.get();
      answer(ex, 200, "#group,false,false,true,true,false,false,true,true,true\r\n"
          + ",result,table,_start,_stop,_time,_value,_field,_measurement,check\r\n"
          + ",_result,0,2026-11-23T19:00:00Z,2026-11-23T19:05:00Z,2026-11-23T19:04:59Z," + v
          + ",nonce,hpcstatus_roundtrip,i2\r\n\r\n");
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void answer(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, code == 204 ? -1 : b.length);
    if (code != 204) {
      ex.getResponseBody().write(b);
    }
    ex.close();
  }

  private HealthChecks checks(String extra) {
    return new HealthChecks(HealthTesting.services("- {name: i2, kind: influxdb, target: \"http://127.0.0.1:"
        + server.getAddress().getPort() + "\", token_env: TOKEN" + extra + "}"), () -> "test",
        new Secrets(Map.of("TOKEN", "sekrit")));
  }

  @Test
  void writesAndReadsBackItsPoint() {
    try (HealthChecks hc = checks(", org: hpc, round_trip_bucket: health")) {
      ok(HealthTesting.runOnce(hc, "i2"));
      assertThat(stored.get()).isNotNull();
      assertThat(HealthTesting.scrape(hc)).containsPattern(
          "service_influxdb_round_trip_seconds\\{cluster=\"test\",kind=\"influxdb\",service=\"i2\"\\} [0-9.E-]+");
    }
  }

  @Test
  void pointNotReadBackIsUnhealthyAndMissingBucketToo() {
    forget = true;
    try (HealthChecks hc = checks(", org: hpc, round_trip_bucket: health")) {
      reason(HealthTesting.runOnce(hc, "i2"), Reason.UNHEALTHY);
    }
    try (HealthChecks hc = checks(", org: hpc, round_trip_bucket: nosuch")) {
      reason(HealthTesting.runOnce(hc, "i2"), Reason.UNHEALTHY);
    }
  }

  @Test
  void csvParsing() throws Exception {
    var csv = ",result,table,_value\r\n,_result,0,42\r\n";
    assertThat(org.hpcstatus.exporter.health.kinds.InfluxDbCheckAccess.csvHasValue(csv, "42")).isTrue();
    assertThat(org.hpcstatus.exporter.health.kinds.InfluxDbCheckAccess.csvHasValue(csv, "43")).isFalse();
    assertThat(org.hpcstatus.exporter.health.kinds.InfluxDbCheckAccess.csvHasValue("", "43")).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> org.hpcstatus.exporter.health.kinds.InfluxDbCheckAccess.csvHasValue("<html>oops</html>", "1"))
        .isInstanceOf(CheckException.class);
  }
}
