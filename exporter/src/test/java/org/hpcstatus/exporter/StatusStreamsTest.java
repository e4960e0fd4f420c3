package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.exporter.web.WebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 open live streams (pages left open, clients that do not even read) must not stop /metrics or the
 * page itself: streams have their own threads. A functional check; the latency it costs is measured by
 * StatusStreamBench (docs/performance.md).
 */
class StatusStreamsTest {
  static final int STREAMS = 200;

  @TempDir
  Path tmp;

  @Test
  void metricsAnswersWhile200StreamsAreOpenAndTheNextStreamIsRefused() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    String yaml = fake.config("10s") + "accounting: {enabled: false}\nstatus: {max_streams: " + STREAMS
        + ", state_dir: " + tmp.resolve("state") + "}\n";
    List<Socket> streams = new ArrayList<>();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    try (Exporter e = new Exporter(ConfigLoader.parse(yaml), new PrometheusRegistry());
         WebServer server = e.serve("127.0.0.1", 0)) {
      e.start();
      for (int i = 0; i < STREAMS; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(60_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        streams.add(s);
      }
      // every stream is answered 200 and gets its first event
      for (Socket s : streams) {
        assertThat(readUntil(s.getInputStream(), "event: status")).startsWith("HTTP/1.1 200");
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (e.statusPage().events().open() < STREAMS && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(e.statusPage().events().open()).isEqualTo(STREAMS);

      String base = "http://127.0.0.1:" + server.port();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.body()).contains("slurm_nodes{cluster=\"fakecluster\"");
      }
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/events"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(503);
    } finally {
      for (Socket s : streams) {
        s.close();
      }
    }
  }

  /** Reads until {@code marker} has been seen; returns what was read. */
  static String readUntil(InputStream in, String marker) throws Exception {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[4096];
    while (sb.indexOf(marker) < 0) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
    }
    return sb.toString();
  }
}
