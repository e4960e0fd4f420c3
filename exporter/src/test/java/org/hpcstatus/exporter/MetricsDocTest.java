package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hpcstatus.exporter.core.MetricDef;
import org.junit.jupiter.api.Test;

class MetricsDocTest {

  static Path docs() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("docs"))) {
      p = p.getParent();
    }
    return p == null ? Path.of("../docs/metrics.md") : p.resolve("docs/metrics.md");
  }

  @Test
  void docsMetricsMdEqualsTheCatalog() throws Exception {
    String expected = MetricsDoc.render(Collectors.catalog());
    Path file = docs();
    if (Boolean.getBoolean("hpcstatus.updateDocs")) {
      Files.writeString(file, expected);
    }
    assertThat(file).exists();
    assertThat(Files.readString(file))
        .as("docs/metrics.md is stale: regenerate with -Dhpcstatus.updateDocs=true (MetricsDocTest) or MetricsDoc.main")
        .isEqualTo(expected);
  }

  @Test
  void catalogNamesAreUniqueAndIdiomatic() {
    Set<String> names = new HashSet<>();
    for (List<MetricDef> defs : Collectors.catalog().values()) {
      for (MetricDef d : defs) {
        assertThat(names.add(d.name())).as("duplicate metric %s", d.name()).isTrue();
        assertThat(d.labels()).doesNotContain("job", "instance", "cluster");
        assertThat(d.help()).isNotBlank();
        if (d.name().endsWith("_seconds") || d.name().endsWith("_bytes")) {
          assertThat(d.type()).isIn(MetricDef.Type.GAUGE, MetricDef.Type.HISTOGRAM);
        }
      }
    }
    assertThat(names).contains("slurm_nodes", "slurm_jobs", "hpcstatus_collector_success");
  }
}
