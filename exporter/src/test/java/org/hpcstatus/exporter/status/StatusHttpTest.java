package org.hpcstatus.exporter.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page's endpoints over real HTTP (JDK server on a free port), with a scripted source. */
class StatusHttpTest {
  static final String TOKEN = "test-token-0123456789abcdef";
  static final ObjectMapper M = new ObjectMapper();
  static final long NOW = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();

  @TempDir
  Path dir;
  StatusFixtures.MutableClock clock;
  StatusFixtures.Source source;
  StatusPage page;
  HttpServer server;
  HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  String base;

  @BeforeEach
  void start() throws Exception {
    clock = new StatusFixtures.MutableClock(NOW);
    source = new StatusFixtures.Source(clock);
    source.set(StatusFixtures.cluster("testbed", NOW / 1000.0, true),
        StatusFixtures.services("testbed", NOW / 1000.0, "mqtt:up", "redis:down", "pg:degraded", "lustre:unknown"));
    String hash = "sha256:" + HexFormat.of().formatHex(BearerToken.sha256(TOKEN));
    StatusConfig cfg = new StatusConfig(true, dir.toString(), null, hash, null, 3, Duration.ofSeconds(30), 4096);
    page = new StatusPage(cfg, source, () -> StatusFixtures.SERVICES, () -> "testbed", clock);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", ex -> {
      if (ex.getRequestURI().getPath().equals(StatusPage.EVENTS_PATH)) {
        page.events().executor().execute(() -> {
          try {
            page.events().handle(ex);
          } catch (java.io.IOException e) {
            ex.close();
          }
        });
      } else if (!page.handle(ex)) {
        Routes.error(ex, 404, null, "not found");
      }
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    page.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  void republish() {
    clock.advance(1000);
    page.hub().tick();
  }

  @Test
  void pageShowsClusterServicesAndStateInTextNotOnlyColour() throws Exception {
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    String html = r.body();
    assertThat(html).contains("<html lang=\"en\">", "name=\"viewport\"", "prefers-color-scheme",
        "id=\"panel-testbed\"", "role=\"tab\"", "Partitions", "maint_window", "cn[1-2]",
        "data-service=\"redis\" data-state=\"down\"", "data-service=\"mqtt\" data-state=\"up\"",
        "data-service=\"pg\" data-state=\"degraded\"", "data-service=\"lustre\" data-state=\"unknown\"",
        "Partial outage", "connection refused", "Uptime 24 h", "Slurm maintenance reservation maint_window");
    // status in words next to every colour
    assertThat(html).contains("</span> Down", "</span> Operational", "</span> Degraded", "</span> Unknown");
    // no external assets: nothing is loaded from another origin
    assertThat(html).doesNotContainPattern("(src|href)=\"(https?:)?//");
    assertThat(html).doesNotContain("<link rel=\"stylesheet\"");
    // typical wait from the histogram and the oldest pending job
    assertThat(html).contains("60 s <small>(median)</small>", "10 min");
  }

  @Test
  void jsonApiHasTheSameContent() throws Exception {
    JsonNode j = M.readTree(get("/api/v1/status").body());
    assertThat(j.get("overall").asText()).isEqualTo("partial");
    assertThat(j.at("/clusters/0/name").asText()).isEqualTo("testbed");
    assertThat(j.at("/clusters/0/nodes/down").asInt()).isEqualTo(1);
    assertThat(j.at("/clusters/0/cpus/ratio").asDouble()).isEqualTo(0.4);
    assertThat(j.at("/clusters/0/gpus").isNull()).isTrue();
    assertThat(j.at("/clusters/0/partitions/0/typical_wait_seconds").asDouble()).isEqualTo(60);
    assertThat(j.at("/clusters/0/reservations/0/node_list").asText()).isEqualTo("cn[1-2]");
    assertThat(j.get("services")).extracting(n -> n.get("name").asText() + "=" + n.get("state").asText())
        .containsExactlyInAnyOrder("mqtt=up", "redis=down", "pg=degraded", "lustre=unknown");
    assertThat(j.at("/outages/active/0/origin").asText()).isEqualTo("slurm");
    assertThat(j.at("/outages/active/0/nodes").asText()).isEqualTo("cn[1-2]");
  }

  @Test
  void historyFeedAndBadges() throws Exception {
    for (int i = 0; i < 5; i++) {
      republish();
    }
    JsonNode h = M.readTree(get("/api/v1/history/redis").body());
    assertThat(h.get("state").asText()).isEqualTo("down");
    assertThat(h.get("daily")).hasSize(90);
    assertThat(h.at("/daily/89/down_seconds").asLong()).isEqualTo(5);
    assertThat(h.at("/uptime/24h").asDouble()).isEqualTo(0.0);
    assertThat(h.get("five_minutes")).hasSize(288);
    assertThat(get("/api/v1/history/cluster/testbed").statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/history/nope").statusCode()).isEqualTo(404);

    HttpResponse<String> b = get("/badge/redis.svg");
    assertThat(b.statusCode()).isEqualTo(200);
    assertThat(b.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
    assertThat(b.body()).contains("<svg", ">redis</text>", ">down</text>", "#e5534b");
    assertThat(get("/badge/mqtt.svg").body()).contains(">up</text>", "#2da44e");
    assertThat(get("/badge/cluster/testbed.svg").body()).contains(">testbed</text>", ">up</text>");
    assertThat(get("/badge/unknown-thing.svg").statusCode()).isEqualTo(404);

    HttpResponse<String> f = get("/feed.atom");
    assertThat(f.headers().firstValue("Content-Type").orElse("")).startsWith("application/atom+xml");
    assertThat(f.body()).startsWith("<?xml").contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">",
        "<entry>", "Slurm maintenance reservation maint_window", "<updated>");
    // well-formed XML
    javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new java.io.ByteArrayInputStream(f.body().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void outageApiNeedsTheTokenAndValidates() throws Exception {
    String body = "{\"service\":\"redis\",\"severity\":\"major\",\"title\":\"Redis <b>down</b> ✓\"}";
    assertThat(send("POST", "/api/v1/outages", body, null).statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = send("POST", "/api/v1/outages", body, "nope");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.body()).doesNotContain(TOKEN);
    HttpResponse<String> bad = send("POST", "/api/v1/outages", "{\"service\":\"redis\",\"severity\":\"major\","
        + "\"title\":\"t\",\"start\":\"2026-13-45T99:00:00Z\"}", TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(M.readTree(bad.body()).get("field").asText()).isEqualTo("start");
    HttpResponse<String> notJson = send("POST", "/api/v1/outages", "{\"service\":", TOKEN);
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(M.readTree(notJson.body()).get("field").asText()).isEqualTo("body");
    assertThat(send("POST", "/api/v1/outages", "{\"a\":1,\"a\":2}", TOKEN).statusCode()).isEqualTo(400);
    assertThat(send("POST", "/api/v1/outages", "{} {}", TOKEN).statusCode()).isEqualTo(400);
    HttpResponse<String> huge = send("POST", "/api/v1/outages", "{\"title\":\"" + "x".repeat(10_000) + "\"}", TOKEN);
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(send("PUT", "/api/v1/outages", body, TOKEN).statusCode()).isEqualTo(405);

    HttpResponse<String> ok = send("POST", "/api/v1/outages", body, TOKEN);
    assertThat(ok.statusCode()).isEqualTo(201);
    String id = M.readTree(ok.body()).get("id").asText();
    assertThat(ok.headers().firstValue("Location")).hasValue("/api/v1/outages/" + id);
    page.hub().tick(); // poked: published at once
    String html = get("/").body();
    assertThat(html).contains("Redis &lt;b&gt;down&lt;/b&gt; ✓").doesNotContain("<b>down</b>");
    assertThat(html).contains("Major outage");
    assertThat(M.readTree(get("/api/v1/status").body()).get("overall").asText()).isEqualTo("major");

    HttpResponse<String> patched = send("PATCH", "/api/v1/outages/" + id, "{\"update\":\"Fixed <script>x</script>\","
        + "\"resolved\":true}", TOKEN);
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(M.readTree(patched.body()).get("phase").asText()).isEqualTo("ended");
    page.hub().tick();
    assertThat(get("/").body()).contains("Fixed &lt;script&gt;x&lt;/script&gt;");
    assertThat(get("/feed.atom").body()).contains("Redis &amp;lt;b&amp;gt;down");
    assertThat(send("PATCH", "/api/v1/outages/nope", "{}", TOKEN).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", "/api/v1/outages/" + id, null, null).statusCode()).isEqualTo(401);
    assertThat(send("DELETE", "/api/v1/outages/" + id, null, TOKEN).statusCode()).isEqualTo(204);
    assertThat(get("/api/v1/outages/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void outageMetricsFollowActiveDeclarations() throws Exception {
    send("POST", "/api/v1/outages", "{\"service\":\"redis\",\"severity\":\"partial\",\"title\":\"t\"}", TOKEN);
    long g = page.generation();
    page.hub().tick();
    assertThat(page.generation()).isNotEqualTo(g);
    var idx = new MetricIndex(page.snapshots());
    assertThat(idx.value("hpcstatus_outage_active", "service", "redis", "severity", "partial")).isEqualTo(1.0);
    // the Slurm MAINT reservation in progress is not counted twice: it has slurm_reservation_info
    assertThat(idx.value("hpcstatus_outage_active", "service", "", "severity", "maintenance")).isNull();
    assertThat(idx.value("hpcstatus_maintenance_active", "cluster", "testbed")).isEqualTo(0.0);
    HttpResponse<String> m = send("POST", "/api/v1/outages", "{\"cluster\":\"testbed\",\"severity\":\"maintenance\","
        + "\"title\":\"OS update\"}", TOKEN);
    assertThat(m.statusCode()).isEqualTo(201);
    page.hub().tick();
    idx = new MetricIndex(page.snapshots());
    assertThat(idx.value("hpcstatus_outage_active", "service", "", "severity", "maintenance")).isEqualTo(1.0);
    assertThat(idx.value("hpcstatus_maintenance_active", "cluster", "testbed")).isEqualTo(1.0);
  }

  @Test
  void eventsStreamPushesTheRenderedStateAndRefusesPastTheLimit() throws Exception {
    List<java.io.InputStream> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        var r = http.send(HttpRequest.newBuilder(URI.create(base + StatusPage.EVENTS_PATH)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        open.add(r.body());
      }
      HttpResponse<String> refused = get(StatusPage.EVENTS_PATH);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      BufferedReader in = new BufferedReader(new InputStreamReader(open.get(0), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("retry: 1000");
      String data = null;
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("data: ")) {
          data = line.substring(6);
          break;
        }
      }
      JsonNode ev = M.readTree(data);
      assertThat(ev.get("html").asText()).contains("data-service=\"redis\" data-state=\"down\"");
      // a change is pushed: redis comes back
      source.set(StatusFixtures.cluster("testbed", NOW / 1000.0, true),
          StatusFixtures.services("testbed", NOW / 1000.0, "mqtt:up", "redis:up", "pg:up", "lustre:up"));
      page.hub().tick();
      String next = null;
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("data: ") && line.contains("redis\\\" data-state=\\\"up")) {
          next = line;
          break;
        }
      }
      assertThat(next).isNotNull();
    } finally {
      for (var s : open) {
        s.close();
      }
    }
  }
}
