package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background service: ingest loop, rendering, and what a locked state directory looks like. */
class AccountingServiceTest {

  @TempDir
  Path dir;

  private AccountingConfig config() {
    return new AccountingConfig(true, dir.toString(), Duration.ofSeconds(1), Duration.ofDays(2), 600.0, null, null,
        List.of(), 0, 100, null);
  }

  private static double gauge(List<MetricSnapshot> snaps, String name) {
    for (MetricSnapshot s : snaps) {
      if (s.getMetadata().getName().equals(name) && s instanceof GaugeSnapshot g) {
        return g.getDataPoints().get(0).getValue();
      }
    }
    return Double.NaN;
  }

  private static List<MetricSnapshot> await(Accounting a, Predicate<List<MetricSnapshot>> ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      List<MetricSnapshot> s = a.snapshots();
      if (ok.test(s)) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("condition not reached; last snapshots: " + a.snapshots().size() + " families");
  }

  @Test
  void ingestsInTheBackgroundAndRendersExactCounters() throws Exception {
    long now = Instant.now().getEpochSecond();
    SyntheticSacct s = SyntheticSacct.generate(31, 2_000, now - 86400, now - 60);
    try (Accounting a = new Accounting(config(), () -> "svc", SacctSource.text(s.source(new int[1])), new SelfMetrics()).start()) {
      List<MetricSnapshot> snaps = await(a, x -> gauge(x, "hpcstatus_accounting_success") == 1.0
          && x.stream().anyMatch(m -> m.getMetadata().getPrometheusName().equals("slurm_user_jobs_finished")));
      long gen = a.generation();
      assertThat(gen).isPositive();
      double counted = snaps.stream().filter(m -> m.getMetadata().getPrometheusName().equals("slurm_user_jobs_finished"))
          .flatMap(m -> m.getDataPoints().stream())
          .mapToDouble(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue())
          .sum();
      assertThat(counted).isEqualTo(s.jobs);
      await(a, x -> a.generation() > gen); // re-rendered on the next tick
    }
  }

  @Test
  void anErrorInAStepIsReportedAsFailureAndTheLoopKeepsGoing() throws Exception {
    // before: the loop caught only some exceptions, so an Error ended the accounting thread for good and
    // hpcstatus_accounting_success was never rendered (or stayed frozen at 1)
    long now = Instant.now().getEpochSecond();
    SyntheticSacct s = SyntheticSacct.generate(32, 2_000, now - 86400, now - 60);
    SacctSource.Text inner = s.source(new int[1]);
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    SacctSource.Text failing = (a, b) -> {
      int n = calls.incrementAndGet();
      if (n == 1) {
        throw new OutOfMemoryError("test: sacct output too big for the heap");
      }
      if (n == 2) {
        throw new StackOverflowError("test");
      }
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return inner.fetch(a, b);
    };
    try (Accounting a = new Accounting(config(), () -> "svc", SacctSource.text(failing), new SelfMetrics())) {
      a.firstBackoff = Duration.ofMillis(100);
      a.start();
      await(a, x -> gauge(x, "hpcstatus_accounting_success") == 0.0 && calls.get() >= 3);
      assertThat(calls.get()).as("retried after OutOfMemoryError and StackOverflowError").isEqualTo(3);
      release.countDown();
      List<MetricSnapshot> snaps = await(a, x -> gauge(x, "hpcstatus_accounting_success") == 1.0
          && x.stream().anyMatch(m -> m.getMetadata().getPrometheusName().equals("slurm_user_jobs_finished")));
      double counted = snaps.stream().filter(m -> m.getMetadata().getPrometheusName().equals("slurm_user_jobs_finished"))
          .flatMap(m -> m.getDataPoints().stream())
          .mapToDouble(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue())
          .sum();
      assertThat(counted).isEqualTo(s.jobs);
    }
  }

  @Test
  void lockedStateDirectoryShowsAsFailureNotAsMissingMetrics() throws Exception {
    try (StateStore holder = StateStore.open(dir, "svc");
         Accounting a = new Accounting(config(), () -> "svc", SacctSource.text((x, y) -> ""), new SelfMetrics()).start()) {
      List<MetricSnapshot> snaps = await(a, x -> gauge(x, "hpcstatus_accounting_success") == 0.0);
      assertThat(snaps).noneMatch(m -> m.getMetadata().getName().startsWith("slurm_"));
    }
  }
}
