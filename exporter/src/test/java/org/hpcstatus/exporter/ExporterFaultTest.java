package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import org.hpcstatus.exporter.web.WebServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.hpcstatus.exporter.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in Slurm's commands (missing, hanging, exit 1, garbage) turn one collector's success to 0;
 * other collectors keep working and the scrape stays HTTP 200.
 */
class ExporterFaultTest {

  @TempDir
  Path tmp;

  record Scrape(int status, String body) {}

  static Scrape scrape(Exporter exporter) throws Exception {
    try (WebServer server = exporter.serve("127.0.0.1", 0)) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Scrape(r.statusCode(), r.body());
    }
  }

  Exporter exporter(FakeSlurm fake, String timeout) {
    return new Exporter(ConfigLoader.parse(fake.config(timeout)), new PrometheusRegistry());
  }

  @Test
  void healthyFakeSlurmGivesAllCollectorsSuccess() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    try (Exporter e = exporter(fake, "5s")) {
      e.poller().runAllOnce();
      Scrape s = scrape(e);
      assertThat(s.status()).isEqualTo(200);
      for (String c : new String[] {"nodes", "partitions", "jobs", "scheduler", "fairshare", "reservations",
          "licenses", "controller"}) {
        assertThat(s.body()).contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"" + c + "\"} 1.0");
      }
      assertThat(s.body())
          .contains("slurm_nodes{cluster=\"fakecluster\",state=\"mixed\"} 3.0")
          .contains("slurm_controller_up{cluster=\"fakecluster\",host=\"ctl2\",role=\"backup\"} 0.0")
          .contains("slurm_licenses{cluster=\"fakecluster\",license=\"matlab\",state=\"used\"} 1.0")
          .contains("slurm_account_level_fairshare{account=\"physics\",cluster=\"fakecluster\"} 0.833333")
          .contains("slurm_partition_info{cluster=\"fakecluster\",default=\"false\",partition=\"cloud\",state=\"inactive\"} 1")
          // edge fixtures contain deliberately malformed lines: counted, not fatal
          .contains("hpcstatus_parse_errors_total{cluster=\"fakecluster\",collector=\"nodes\"} 4.0")
          .contains("hpcstatus_parse_errors_total{cluster=\"fakecluster\",collector=\"jobs\"} 5.0")
          .contains("hpcstatus_exporter_build_info{cluster=\"fakecluster\"");
    }
  }

  @Test
  void squeueExitingNonZeroFailsOnlyTheJobsCollector() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    fake.squeue("echo 'squeue: error: Invalid user' >&2; exit 1");
    try (Exporter e = exporter(fake, "5s")) {
      e.poller().runAllOnce();
      Scrape s = scrape(e);
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.body())
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"jobs\"} 0.0")
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"nodes\"} 1.0")
          .contains("hpcstatus_command_failures_total{cluster=\"fakecluster\",command=\"squeue\",reason=\"exit_code\"} 1.0")
          .doesNotContain("slurm_jobs{")
          .contains("slurm_nodes{");
    }
  }

  @Test
  void garbageOutputFailsTheCollectorAndCountsParseErrors() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    fake.squeue("echo 'JOBID PARTITION NAME USER ST TIME NODES'; echo '  12 batch foo alice R 0:01 1'");
    try (Exporter e = exporter(fake, "5s")) {
      e.poller().runAllOnce();
      Scrape s = scrape(e);
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.body())
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"jobs\"} 0.0")
          .contains("hpcstatus_parse_errors_total{cluster=\"fakecluster\",collector=\"jobs\"} 2.0")
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"partitions\"} 1.0");
    }
  }

  @Test
  void missingBinaryFailsOnlyItsCollectors() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    fake.remove("sdiag");
    try (Exporter e = exporter(fake, "5s")) {
      e.poller().runAllOnce();
      Scrape s = scrape(e);
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.body())
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"scheduler\"} 0.0")
          .contains("hpcstatus_command_failures_total{cluster=\"fakecluster\",command=\"sdiag\",reason=\"not_found\"} 1.0")
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"jobs\"} 1.0");
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // hang guard only
  void endlessOutputFailsOnlyItsCollectorAtTheCapAndTheNextNormalPollRecovers() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    Path pid = tmp.resolve("squeue.pid");
    // squeue that never stops printing, under a 1 h timeout: only the 1 MiB output cap can end it
    fake.squeue("echo $$ > " + pid + "; exec yes '1|2|alice|acct|batch|R|None|1|1|cpu=1|N/A|N/A|normal|x|N/A|x'");
    try (Exporter e = new Exporter(ConfigLoader.parse(fake.config("1h") + "  max_output_bytes: 1048576\n"
        + "collectors:\n  jobs: {interval: 1s}\n"), new PrometheusRegistry())) {
      e.poller().runAllOnce();
      Scrape s = scrape(e);
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.body())
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"jobs\"} 0.0")
          .contains("hpcstatus_command_failures_total{cluster=\"fakecluster\",command=\"squeue\",reason=\"output_too_large\"} 1.0")
          .doesNotContain("reason=\"timeout\"")
          .doesNotContain("slurm_jobs{")
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"nodes\"} 1.0")
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"scheduler\"} 1.0")
          .contains("slurm_nodes{");
      long yes = Long.parseLong(java.nio.file.Files.readString(pid).strip());
      assertThat(ProcessHandle.of(yes).map(ProcessHandle::isAlive).orElse(false)).as("endless squeue killed").isFalse();
      // squeue behaves again: a poll once the failure is older than the collector's freshness window succeeds
      fake.squeue("cat \"" + tmp.resolve("data/squeue") + "\"");
      String ok = "hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"jobs\"} 1.0";
      String body = "";
      for (long deadline = System.nanoTime() + 60_000_000_000L; !body.contains(ok) && System.nanoTime() < deadline; ) {
        Thread.sleep(100);
        e.poller().runOnce("jobs");
        body = scrape(e).body();
      }
      assertThat(body).contains(ok).contains("slurm_jobs{");
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // hang guard only
  void hangingSqueueNeverDelaysAScrape() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    Path pid = tmp.resolve("squeue.pid");
    // squeue hangs under a 1 h timeout: a scrape that waited for it would not come back while it runs
    fake.squeue("echo $$ > " + pid + "; exec sleep 3600");
    long squeue;
    try (Exporter e = exporter(fake, "1h")) {
      e.poller().runOnce("nodes");
      e.start(); // the background poller now blocks in the hanging squeue
      while (!Files.exists(pid) || Files.readString(pid).isBlank()) {
        Thread.sleep(20);
      }
      squeue = Long.parseLong(Files.readString(pid).strip());
      Scrape during = scrape(e);
      assertThat(during.status()).isEqualTo(200);
      assertThat(during.body()).contains("slurm_nodes{")
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"nodes\"} 1.0");
      // served from the last snapshot while squeue still hangs
      assertThat(ProcessHandle.of(squeue).map(ProcessHandle::isAlive)).as("squeue still running").contains(true);
    }
    // closing the exporter ends the hung command
    while (ProcessHandle.of(squeue).map(ProcessHandle::isAlive).orElse(false)) {
      Thread.sleep(20);
    }
  }

  @Test
  void aCommandOverItsTimeoutFailsOnlyItsCollectorWithReasonTimeout() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    fake.squeue("exec sleep 600");
    try (Exporter e = exporter(fake, "1s")) {
      e.poller().runAllOnce();
      assertThat(scrape(e).body())
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"jobs\"} 0.0")
          .contains("hpcstatus_command_failures_total{cluster=\"fakecluster\",command=\"squeue\",reason=\"timeout\"} 1.0")
          .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"nodes\"} 1.0");
    }
  }

  @Test
  void cachedExpositionFollowsEveryPollAndHonoursGzip() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    try (Exporter e = new Exporter(ConfigLoader.parse(fake.config("5s") + "collectors:\n  jobs: {interval: 1s}\n"),
        new PrometheusRegistry()); WebServer server = e.serve("127.0.0.1", 0)) {
      e.poller().runAllOnce();
      HttpClient c = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
      String first = c.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
      String again = c.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(again).isEqualTo(first).contains("slurm_jobs{cluster=\"fakecluster\",state=\"running\"} 4.0");
      // the next poll sees new squeue output: the cached body must not outlive it
      fake.squeue("echo '9|9|zed|acct|batch|R|None|1|1|cpu=1|N/A|N/A|normal|2026-11-23T08:00:00|N/A|x'");
      Thread.sleep(600); // past the source's freshness window (half the 1 s interval)
      e.poller().runOnce("jobs");
      String after = c.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(after).contains("slurm_jobs{cluster=\"fakecluster\",state=\"running\"} 1.0");
      HttpResponse<byte[]> gz = c.send(HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
      String unzipped = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))
          .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(unzipped).isEqualTo(after);
      HttpResponse<String> om = c.send(HttpRequest.newBuilder(uri)
          .header("Accept", "application/openmetrics-text; version=1.0.0").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(om.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
      assertThat(om.body()).endsWith("# EOF\n");
      HttpResponse<String> root = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(root.statusCode()).isEqualTo(200);
      assertThat(root.body()).contains("fakecluster").contains("jobs: ok");
    }
  }

  @Test
  void noSlurmAtAllAnswers503UntilAClusterIsConfiguredThenServesTheFailures() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp);
    for (String b : new String[] {"scontrol", "squeue", "sdiag", "sshare"}) {
      fake.remove(b);
    }
    // no ClusterName to read: never a guessed cluster="unknown" on /metrics
    try (Exporter e = exporter(fake, "5s")) {
      e.poller().runAllOnce();
      Scrape s = scrape(e);
      assertThat(s.status()).isEqualTo(503);
      assertThat(s.body()).contains("cluster name not known yet").contains("set `cluster:` in the config")
          .doesNotContain("hpcstatus_");
    }
    try (Exporter e = new Exporter(ConfigLoader.parse(fake.config("5s") + "cluster: lab\n"), new PrometheusRegistry())) {
      e.poller().runAllOnce();
      Scrape s = scrape(e);
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.body())
          .contains("hpcstatus_collector_success{cluster=\"lab\",collector=\"nodes\"} 0.0")
          .contains("hpcstatus_exporter_build_info")
          .doesNotContain("cluster=\"unknown\"");
    }
  }
}
