package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.hpcstatus.exporter.web.WebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never a guessed cluster label: while {@code scontrol show config} has not answered, /metrics is 503
 * (and the process is still healthy); from its answer on, every series carries the real name.
 */
class ClusterLabelTest {

  @TempDir
  Path tmp;

  @Test
  void metricsAre503UntilTheSlowClusterNameLookupAnswersThenOnlyTheRealLabel() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    Path release = tmp.resolve("release");
    // scontrol show config blocks until the test releases it (a slurmctld that is slow to answer)
    fake.beforeShowConfig("while [ ! -f '" + release + "' ]; do sleep 0.05; done");
    HttpClient client = HttpClient.newHttpClient();
    try (Exporter e = new Exporter(ConfigLoader.parse(fake.config("60s") + "accounting: {enabled: false}\n"));
         WebServer server = e.serve("127.0.0.1", 0)) {
      e.start();
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> early = get(client, base + "/metrics");
      assertThat(early.statusCode()).isEqualTo(503);
      assertThat(early.body()).contains("cluster name not known yet").doesNotContain("cluster=");
      assertThat(get(client, base + "/-/healthy").statusCode()).isEqualTo(200);
      assertThat(get(client, base + "/").body()).contains("cluster name not known yet");

      Files.writeString(release, "");
      HttpResponse<String> r = early;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (r.statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        r = get(client, base + "/metrics");
      }
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).doesNotContain("cluster=\"unknown\"").contains("cluster=\"fakecluster\"");
      assertThat(r.body().lines().filter(l -> !l.startsWith("#")))
          .allSatisfy(l -> assertThat(l).contains("cluster=\"fakecluster\""));
    }
  }

  static HttpResponse<String> get(HttpClient c, String uri) throws Exception {
    return c.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
