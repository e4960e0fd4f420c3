package org.hpcstatus.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hpcstatus.exporter.core.MetricDef;

/**
 * Renders docs/metrics.md from the code's metric catalog ({@link Collectors#catalog()}).
 * {@code MetricsDocTest} fails when the file and the catalog differ; regenerate with
 * {@code java -cp exporter/target/hpc-status-exporter.jar org.hpcstatus.exporter.MetricsDoc docs/metrics.md}.
 */
public final class MetricsDoc {
  private MetricsDoc() {}

  public static String render(Map<String, List<MetricDef>> catalog) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Metrics\n\n")
        .append("<!-- Generated from the exporter's metric catalog by org.hpcstatus.exporter.MetricsDoc; ")
        .append("do not edit by hand. MetricsDocTest keeps it in sync. -->\n\n")
        .append("Every metric carries a `cluster` label (Slurm's ClusterName, or `cluster:` from the config). ")
        .append("Metrics marked *cached* are served from the background poller's last run; their collector's ")
        .append("`hpcstatus_collector_last_success_timestamp_seconds` says how fresh they are. When a collector ")
        .append("fails, its metrics are absent and `hpcstatus_collector_success{collector}` is 0.\n");
    int total = 0;
    for (var e : catalog.entrySet()) {
      sb.append("\n## ").append(e.getKey()).append("\n\n");
      sb.append("| metric | type | labels | description |\n|---|---|---|---|\n");
      for (MetricDef d : e.getValue()) {
        total++;
        sb.append("| `").append(d.name()).append("` | ").append(d.type().name().toLowerCase(Locale.ROOT))
            .append(" | ").append(d.labels().isEmpty() ? "" : "`" + String.join("`, `", d.labels()) + "`")
            .append(" | ").append(d.help().replace("|", "\\|"))
            .append(d.cached() ? " *(cached)*" : "").append(" |\n");
      }
    }
    sb.append("\n").append(total).append(" metric families.\n");
    return sb.toString();
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/metrics.md");
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, render(Collectors.catalog()));
    System.out.println("wrote " + out);
  }
}
