package org.hpcstatus.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hpcstatus.exporter.health.HealthMetrics;
import org.hpcstatus.exporter.slurm.partitions.PartitionsCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {

  @Test
  void histogramsExpandAndCountersKeepTotal() {
    Catalog c = Catalog.exporterOnly();
    assertThat(c.metrics()).contains(PartitionsCollector.NODES.name(),
        "service_check_latency_seconds_bucket", "service_check_latency_seconds_sum",
        "service_check_latency_seconds_count", HealthMetrics.FAILURES.name());
    assertThat(c.metrics()).doesNotContain("service_check_latency_seconds", "service_check_failures");
    assertThat(c.isCounterLike("service_check_latency_seconds_count")).isTrue();
    assertThat(c.isCounterLike("service_checks_total")).isTrue();
    assertThat(c.isCounterLike("service_up")).isFalse();
  }

  @Test
  void recordingRulesAreReadFromRuleFilesButNotTests(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("slurm.yaml"), """
        groups:
          - name: slurm
            rules:
              - record: cluster:slurm_nodes_down:ratio
                expr: sum(slurm_nodes{state="down"}) / sum(slurm_nodes)
              - alert: SlurmDown
                expr: slurm_controller_up == 0
        """);
    Files.createDirectories(dir.resolve("tests"));
    Files.writeString(dir.resolve("tests/slurm_test.yaml"), """
        groups:
          - name: x
            rules:
              - record: not:a:rule
                expr: vector(1)
        """);
    Catalog c = Catalog.load(dir);
    assertThat(c.recordingRules()).containsExactly("cluster:slurm_nodes_down:ratio");
    assertThat(c.contains("cluster:slurm_nodes_down:ratio")).isTrue();
    assertThat(c.unknownNames("cluster:slurm_nodes_down:ratio + not:a:rule + slurm_nodes"))
        .containsExactly("not:a:rule");
  }

  @Test
  void missingAlertsDirectoryMeansNoRules(@TempDir Path dir) {
    assertThat(Catalog.load(dir.resolve("absent")).recordingRules()).isEmpty();
  }
}
