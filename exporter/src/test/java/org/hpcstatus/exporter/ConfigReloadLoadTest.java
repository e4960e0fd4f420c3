package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hpcstatus.exporter.web.security.WebSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads under scrapes: no scrape fails or misses the Slurm data while 20 reloads swap collectors and
 * checks; threads and file descriptors come back to what one config needs; accounting restarted by
 * reloads counts every job exactly once.
 */
class ConfigReloadLoadTest {
  static final List<String> PREFIXES = List.of("poller-", "health-", "accounting-");
  static final String A = "services:\n  - {name: login1, kind: tcp, target: \"127.0.0.1:TCP_PORT\", timeout: 5s}\n";
  static final String B = "collectors: {nodes: {interval: 20s}, licenses: {enabled: false}}\n"
      + "services:\n  - {name: login2, kind: tcp, target: \"127.0.0.1:TCP_PORT\", timeout: 5s}\n";

  @TempDir
  Path tmp;

  static long exporterThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && PREFIXES.stream().anyMatch(p -> t.getName().startsWith(p))).count();
  }

  static long openFds() throws Exception {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  @Test
  void scrapesDuringTwentyReloadsNeverFailAndNothingLeaks() throws Exception {
    long othersThreads = exporterThreads();
    try (ReloadFixture f = new ReloadFixture(tmp, A, WebSecurity.none())) {
      // one config: a timer and at most one worker per collector (8) and per check (1), poller and health
      long oneConfig = 2 + 8 + 1;
      f.metrics();
      long fdsBefore = openFds();
      AtomicBoolean done = new AtomicBoolean();
      AtomicInteger scrapes = new AtomicInteger();
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      Thread scraper = new Thread(() -> {
        while (!done.get()) {
          try {
            var r = f.get("/metrics");
            if (r.statusCode() != 200) {
              problems.add("status " + r.statusCode());
            } else if (!r.body().contains("hpcstatus_collector_success{cluster=\"reload\",collector=\"nodes\"} 1.0")
                || !r.body().contains("slurm_nodes{") || !r.body().contains("service_up{")) {
              problems.add("a scrape without the nodes collector's data or a service check");
            }
            scrapes.incrementAndGet();
          } catch (Exception e) {
            problems.add(e.toString());
          }
        }
      }, "test-scraper");
      scraper.start();
      for (int i = 0; i < 20; i++) {
        f.write(i % 2 == 0 ? B : A);
        var o = f.exporter.reload("test");
        assertThat(o.status()).as(o.message()).isEqualTo(200);
      }
      ReloadFixture.await("a scrape after the last reload", () -> scrapes.get() > 0);
      int seen = scrapes.get();
      ReloadFixture.await("one more scrape", () -> scrapes.get() > seen);
      done.set(true);
      scraper.join();
      assertThat(problems).isEmpty();
      assertThat(f.metrics()).contains("service_up{cluster=\"reload\",kind=\"tcp\",service=\"login1\"} 1.0");

      // the replaced pollers' and checks' threads end (interrupted, or idle workers of closed pools)
      ReloadFixture.await("threads of replaced configs end (now " + exporterThreads() + ")",
          () -> exporterThreads() <= othersThreads + oneConfig);
      ReloadFixture.await("file descriptors of replaced configs are closed", () -> {
        System.gc();
        try {
          return openFds() <= fdsBefore + 10;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
    }
  }

  @Test
  void accountingRestartedByReloadsCountsEveryJobOnce() throws Exception {
    Path state = tmp.resolve("state");
    String acc = "accounting: {enabled: true, state_dir: " + state + ", interval: INTERVAL}\n";
    try (ReloadFixture f = new ReloadFixture(tmp, "accounting: {enabled: false}\n", WebSecurity.none())) {
      fakeSacct(f.fake.dir());
      for (int i = 0; i < 6; i++) {
        // each reload changes accounting's settings: the old engine stops and unlocks, a new one opens the state
        f.write(acc.replace("INTERVAL", (1 + i % 2) + "s"));
        double reloadedAt = System.currentTimeMillis() / 1000.0;
        var o = f.exporter.reload("test");
        assertThat(o.status()).as(o.message()).isEqualTo(200);
        ReloadFixture.await("a step of the new accounting engine", () -> lastStep(f) >= reloadedAt);
        assertThat(jobsFinished(f)).as("jobs after reload %d", i).isEqualTo(3);
      }
      String m = f.metrics();
      assertThat(m).contains("hpcstatus_accounting_success{cluster=\"reload\"} 1.0");
      assertThat(jobsFinished(f)).isEqualTo(3);
      f.write("accounting: {enabled: false}\n");
      assertThat(f.exporter.reload("test").status()).isEqualTo(200);
      assertThat(f.metrics()).doesNotContain("slurm_jobs_finished_total{");
    }
  }

  static double lastStep(ReloadFixture f) {
    try {
      return ReloadFixture.value(f.metrics(), "hpcstatus_accounting_last_success_timestamp_seconds{cluster=\"reload\"}");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The sum of slurm_jobs_finished_total (NaN-free: 0 when absent). */
  static double jobsFinished(ReloadFixture f) {
    try {
      double sum = 0;
      for (String line : f.metrics().split("\n")) {
        if (line.startsWith("slurm_jobs_finished_total{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A sacct that always prints the same three finished jobs (ended 10 minutes ago): counted once each. */
  static void fakeSacct(Path bin) throws Exception {
    DateTimeFormatter ts = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    Instant end = Instant.now().minusSeconds(600);
    StringBuilder out = new StringBuilder();
    for (int id = 101; id <= 103; id++) {
      out.append(String.join("|", "" + id, "" + id, "reload", "alice", "physics", "batch", "normal", "COMPLETED",
          "0:0", ts.format(end.minusSeconds(120)), ts.format(end.minusSeconds(60)), ts.format(end), "60", "4", "1",
          "1000M", "billing=4,cpu=4,mem=1000M,node=1", "cn1")).append('\n');
    }
    Path data = Files.writeString(bin.resolve("data/sacct"), out.toString());
    Path p = bin.resolve("sacct");
    Files.writeString(p, "#!/bin/sh\ncat '" + data + "'\n");
    Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
