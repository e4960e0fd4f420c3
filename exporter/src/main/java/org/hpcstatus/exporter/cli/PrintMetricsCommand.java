package org.hpcstatus.exporter.cli;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.util.concurrent.Callable;
import org.hpcstatus.exporter.Exporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs every enabled collector once and prints the exposition on stdout. */
@Command(name = "print-metrics", mixinStandardHelpOptions = true,
    description = "Collect once and print the metrics in Prometheus text format.")
public final class PrintMetricsCommand implements Callable<Integer> {

  @Mixin
  CommonOptions options;

  @Override
  public Integer call() throws Exception {
    try (Exporter exporter = new Exporter(options.load())) {
      exporter.poller().runAllOnce();
      exporter.healthChecks().runAllOnce();
      if (!exporter.clusterName().known()) {
        System.err.println("print-metrics: the cluster name is not known (scontrol show config failed): the"
            + " cluster label below is \"" + exporter.cluster() + "\"; set `cluster:` in the config");
      }
      PrometheusTextFormatWriter.create().write(System.out, exporter.registry().scrape(),
          io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
      System.out.flush();
    }
    return 0;
  }
}
