package org.hpcstatus.exporter.slurm;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.hpcstatus.exporter.core.Out;

/** Renders an {@link Out} as Prometheus text, for assertions. */
public final class Snapshots {
  private Snapshots() {}

  public static String text(Out out) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(bos, new MetricSnapshots(out.build()),
        io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
    return bos.toString(StandardCharsets.UTF_8);
  }
}
