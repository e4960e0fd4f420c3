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

/** The status page on / shows every service check with its state and last failure, through the real wiring. */
class StatusPageTest {

  static String tile(String page, String service) {
    int a = page.indexOf("data-service=\"" + service + "\"");
    assertThat(a).as("tile of " + service).isPositive();
    return page.substring(a, page.indexOf("</li>", a));
  }

  @TempDir
  Path tmp;

  @Test
  void statusPageShowsServicesAndTheirLastFailure() throws Exception {
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
          assertThat(page).contains("<h2 id=\"h-services\">Services</h2>");
          // the healthy check: up, no failure shown
          String ok = tile(page, "ssh-login1");
          assertThat(ok).contains("data-state=\"up\"", "Operational").doesNotContain("Failure");
          // the failing check: down (threshold 2 reached), with reason and message
          assertThat(tile(page, "db-down")).contains("data-state=\"down\"", "</span> Down",
              "Failure: <b>refused</b>").containsIgnoringCase("Connection refused");
          assertThat(tile(page, "scratch")).contains("data-state=\"down\"", "<b>unhealthy</b>");
          // messages are escaped HTML
          assertThat(page).contains("/nonexistent/&lt;b&gt;x&lt;/b&gt; does not exist")
              .doesNotContain("<b>x</b>");
        }
      }
    }
  }
}
