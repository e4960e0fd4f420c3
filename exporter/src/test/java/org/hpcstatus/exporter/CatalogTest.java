package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.MetricDef;
import org.junit.jupiter.api.Test;

class CatalogTest {

  /**
   * Two families whose names differ only by {@code _total} are one family in OpenMetrics; the single
   * ExporterCollector would drop the second at scrape time. The catalog must not contain such pairs.
   */
  @Test
  void noTwoMetricsShareAFamilyName() {
    Map<String, String> seen = new HashMap<>();
    for (var e : Collectors.catalog().entrySet()) {
      for (MetricDef d : e.getValue()) {
        String family = d.baseName();
        String prev = seen.put(family, e.getKey() + ":" + d.name());
        assertThat(prev).as("family " + family + " of " + e.getKey() + ":" + d.name()).isNull();
      }
    }
  }

  @Test
  void accountingIsInTheCatalog() {
    List<MetricDef> acc = Collectors.catalog().get("accounting");
    assertThat(acc).extracting(MetricDef::name).contains("slurm_user_jobs_finished_total",
        "slurm_user_cpu_seconds_total", "slurm_user_gpu_seconds_total", "slurm_jobs_finished_total",
        "slurm_job_wait_seconds", "slurm_user_windowed_cpu_seconds", "hpcstatus_accounting_cursor_timestamp_seconds",
        "hpcstatus_accounting_rows_skipped_total");
  }
}
