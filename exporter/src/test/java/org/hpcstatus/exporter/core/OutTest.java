package org.hpcstatus.exporter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutTest {

  static String text(Out out) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(bos, new MetricSnapshots(out.build()),
        io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
    return bos.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aggregatesByLabelValuesAndAddsTheClusterLabel() throws Exception {
    MetricDef g = MetricDef.gauge("slurm_test_nodes", "Test nodes.", "state").polled();
    MetricDef c = MetricDef.counter("hpcstatus_test_events_total", "Test events.", "kind");
    Out out = new Out("testbed");
    out.family(g).add(1, "idle");
    out.family(g).add(1, "idle");
    out.family(g).set(5, "down");
    out.family(c).set(3, "x");
    assertThat(text(out)).isEqualTo("""
        # HELP hpcstatus_test_events_total Test events.
        # TYPE hpcstatus_test_events_total counter
        hpcstatus_test_events_total{cluster="testbed",kind="x"} 3.0
        # HELP slurm_test_nodes Test nodes. (cached: refreshed by the background poller, not per scrape)
        # TYPE slurm_test_nodes gauge
        slurm_test_nodes{cluster="testbed",state="down"} 5.0
        slurm_test_nodes{cluster="testbed",state="idle"} 2.0
        """);
  }

  @Test
  void histogramBucketsAreCumulativeInTheExposition() throws Exception {
    MetricDef h = MetricDef.histogram("hpcstatus_test_duration_seconds", "Test.", "command");
    Out out = new Out("c");
    out.histogram(h, new double[] {0.1, 1}).observe(0.05, "a").observe(0.5, "a").observe(7, "a");
    assertThat(text(out))
        .contains("hpcstatus_test_duration_seconds_bucket{cluster=\"c\",command=\"a\",le=\"0.1\"} 1")
        .contains("hpcstatus_test_duration_seconds_bucket{cluster=\"c\",command=\"a\",le=\"1.0\"} 2")
        .contains("hpcstatus_test_duration_seconds_bucket{cluster=\"c\",command=\"a\",le=\"+Inf\"} 3")
        .contains("hpcstatus_test_duration_seconds_count{cluster=\"c\",command=\"a\"} 3")
        .contains("hpcstatus_test_duration_seconds_sum{cluster=\"c\",command=\"a\"} 7.55");
  }

  @Test
  void wrongLabelCountIsAProgrammingError() {
    MetricDef g = MetricDef.gauge("slurm_test_x", "x", "a", "b");
    assertThatThrownBy(() -> new Out("c").family(g).set(1, "only-one")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void catalogRulesRejectUnidiomaticNames() {
    assertThatThrownBy(() -> MetricDef.counter("slurm_jobs", "x")).hasMessageContaining("_total");
    assertThatThrownBy(() -> MetricDef.gauge("slurm_jobs_total", "x")).hasMessageContaining("_total");
    assertThatThrownBy(() -> MetricDef.gauge("nodes", "x")).hasMessageContaining("prefix");
    assertThatThrownBy(() -> MetricDef.gauge("slurm_x", "x", "instance")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> MetricDef.info("slurm_x", "x")).hasMessageContaining("_info");
  }
}
