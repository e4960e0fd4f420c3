package org.hpcstatus.exporter.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.status.StatusSnapshot.State;
import org.junit.jupiter.api.Test;

class MetricsStatusSourceTest {
  static final double NOW = 1_780_000_000;

  @Test
  void clusterFromTheSameMetricsPrometheusScrapes() {
    var all = new ArrayList<>(StatusFixtures.cluster("testbed", NOW, true));
    StatusSnapshot s = MetricsStatusSource.build(new MetricIndex(all), (long) (NOW * 1000), x -> null);
    assertThat(s.clusters()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("testbed");
      assertThat(c.controllerUp()).isTrue();
      assertThat(c.nodesTotal()).isEqualTo(5);
      assertThat(c.down()).isEqualTo(1);
      assertThat(c.drained()).isEqualTo(1);
      assertThat(c.nodesByState()).containsEntry("idle", 3L).containsEntry("allocated", 1L);
      assertThat(c.cpus().allocated()).isEqualTo(8);
      assertThat(c.cpus().ratio()).isEqualTo(0.4);
      assertThat(c.gpus()).isNull(); // absent metric = not known, never 0 of 0
      assertThat(c.partitions()).singleElement().satisfies(p -> {
        assertThat(p.nodesUp()).isEqualTo(4);
        assertThat(p.nodesTotal()).isEqualTo(5);
        assertThat(p.running()).isEqualTo(2);
        assertThat(p.pending()).isEqualTo(3);
        assertThat(p.oldestPendingSubmit()).isEqualTo(NOW - 600);
        assertThat(p.typicalWaitSeconds()).isEqualTo(60.0);
      });
      assertThat(c.reservations()).singleElement().satisfies(r -> {
        assertThat(r.maint()).isTrue();
        assertThat(r.nodeList()).isEqualTo("cn[1-2]");
        assertThat(r.nodes()).isEqualTo(2);
      });
      assertThat(c.freshness()).extracting(StatusSnapshot.Freshness::source)
          .containsExactly("nodes", "partitions", "jobs", "reservations", "controller");
    });
  }

  @Test
  void serviceStatesFollowServiceUpAndTheLastCheck() {
    var m = new MetricIndex(StatusFixtures.services("testbed", NOW, "a:up", "b:degraded", "c:down", "d:unknown"));
    List<StatusSnapshot.Service> s = MetricsStatusSource.services(m, (long) (NOW * 1000), x -> null);
    assertThat(s).extracting(StatusSnapshot.Service::state)
        .containsExactly(State.UP, State.DEGRADED, State.DOWN, State.UNKNOWN);
    assertThat(s.get(0).latencySeconds()).isEqualTo(0.012);
    // a check whose last result is far older than its interval is not shown as current
    List<StatusSnapshot.Service> later = MetricsStatusSource.services(m, (long) ((NOW + 3600) * 1000), x -> null);
    assertThat(later).extracting(StatusSnapshot.Service::state).containsOnly(State.UNKNOWN);
  }

  @Test
  void medianInterpolatesLikeHistogramQuantile() {
    var b = io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets.of(
        new double[] {10, 20, Double.POSITIVE_INFINITY}, new long[] {0, 4, 0});
    assertThat(MetricIndex.median(b)).isEqualTo(15.0);
    var inf = io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets.of(
        new double[] {10, Double.POSITIVE_INFINITY}, new long[] {1, 9});
    assertThat(MetricIndex.median(inf)).isEqualTo(10.0);
    var none = io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets.of(
        new double[] {10, Double.POSITIVE_INFINITY}, new long[] {0, 0});
    assertThat(MetricIndex.median(none)).isNull();
  }

  /** Every metric name the page reads is in the catalog: a rename cannot silently empty the page. */
  @Test
  void readsOnlyCatalogMetrics() throws Exception {
    Path src = Path.of("src/main/java/org/hpcstatus/exporter/status/MetricsStatusSource.java");
    Matcher m = Pattern.compile("\"((?:slurm|service|hpcstatus)_[a-z_]+)\"").matcher(Files.readString(src));
    java.util.Set<String> used = new java.util.HashSet<>();
    while (m.find()) {
      used.add(m.group(1));
    }
    // the index keeps only READS: every name the code looks up must be in it, and in the catalog
    assertThat(MetricsStatusSource.READS).containsAll(used);
    MetricsStatusSource.READS.forEach(StatusFixtures::def); // throws if absent
    assertThat(used).hasSizeGreaterThan(15);
  }
}
