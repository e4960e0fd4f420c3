package org.hpcstatus.exporter.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollerTest {

  static final MetricDef RUNS = MetricDef.gauge("slurm_test_runs", "Runs of the test collector.");

  /** Throws an Error on its second run, then works again. */
  static final class Flaky implements Collector {
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public List<MetricDef> metrics() {
      return List.of(RUNS);
    }

    @Override
    public void collect(CollectContext ctx, Out out) {
      int n = runs.incrementAndGet();
      if (n == 2) {
        throw new StackOverflowError("deep recursion in a parser");
      }
      out.family(RUNS).set(n);
    }
  }

  @Test
  void anErrorFailsOneRunButNeverStopsTheSchedule() throws Exception {
    SelfMetrics self = new SelfMetrics();
    Flaky flaky = new Flaky();
    SourceCache sources = new SourceCache(new CommandRunner(Path.of("/nonexistent"), Duration.ofSeconds(1), 1024, self),
        self, Clock.systemUTC());
    try (Poller p = new Poller(List.of(new Poller.Scheduled(flaky, Duration.ofMillis(100))), sources,
        ClusterName.fixed("c"), self)) {
      p.start();
      // wait on what is served (a run counted by the collector may not be recorded yet)
      String text = text(p);
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (!text.matches("(?s).*slurm_test_runs\\{cluster=\"c\"\\} [4-9].*") && System.nanoTime() < until) {
        Thread.sleep(20);
        text = text(p);
      }
      assertThat(flaky.runs.get()).as("runs after the Error").isGreaterThanOrEqualTo(4);
      assertThat(text).contains("hpcstatus_collector_success{cluster=\"c\",collector=\"flaky\"} 1.0")
          .containsPattern("slurm_test_runs\\{cluster=\"c\"\\} [4-9]");
    }
  }

  static String text(Poller p) throws java.io.IOException {
    var bos = new java.io.ByteArrayOutputStream();
    io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(bos,
        new io.prometheus.metrics.model.snapshots.MetricSnapshots(p.snapshots()),
        io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
    return bos.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
