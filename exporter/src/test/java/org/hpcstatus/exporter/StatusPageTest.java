package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import org.hpcstatus.exporter.web.WebServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.hpcstatus.exporter.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page on / shows every service check and the recent failures from the in-memory history. */
class StatusPageTest {

  @TempDir
  Path tmp;

  @Test
  void statusPageShowsServicesAndRecentFailures() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    FakeSlurm fake = new FakeSlurm(tmp);
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String yaml = fake.config("5s") + """
          services:
            - {name: ssh-login1, kind: tcp, target: "127.0.0.1:%d", timeout: 2s}
            - {name: db-down, kind: tcp, target: "127.0.0.1:%d", timeout: 2s}
            - {name: scratch, kind: filesystem, target: "/nonexistent/<b>x</b>", timeout: 2s}
          """.formatted(listening.getLocalPort(), closed);
      try (Exporter e = new Exporter(ConfigLoader.parse(yaml), new PrometheusRegistry())) {
        e.healthChecks().runAllOnce();
        e.healthChecks().runAllOnce();
        try (WebServer server = e.serve("127.0.0.1", 0)) {
          HttpResponse<String> r = HttpClient.newHttpClient().send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                  .timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
          String page = r.body();
          assertThat(page).contains("<h2>Services</h2>").contains("<h2>Recent failures</h2>");
          // the healthy check: up, never failed
          assertThat(page).containsPattern(
              "<tr><td>ssh-login1</td><td>tcp</td><td>up</td><td>\\d{4}-\\d\\d-\\d\\dT[0-9:]+</td>"
                  + "<td>[0-9.]+ s</td><td>0</td><td></td></tr>");
          // the failing check: down (threshold 2 reached), with reason and message
          assertThat(page).containsPattern(
              "<tr><td>db-down</td><td>tcp</td><td><b>DOWN</b></td><td>[^<]+</td><td>[0-9.]+ s</td><td>2</td>"
                  + "<td><b>refused</b>: [^<]*Connection refused");
          // recent failures: both runs of each failing check, the healthy one never
          assertThat(page.substring(page.indexOf("<h2>Recent failures</h2>")))
              .containsPattern("<td>db-down</td><td>tcp</td><td><b>refused</b>")
              .containsPattern("<td>scratch</td><td>filesystem</td><td><b>unhealthy</b>")
              .doesNotContain("ssh-login1");
          // messages are escaped HTML
          assertThat(page).contains("/nonexistent/&lt;b&gt;x&lt;/b&gt; does not exist")
              .doesNotContain("<b>x</b>");
        }
      }
    }
  }
}
