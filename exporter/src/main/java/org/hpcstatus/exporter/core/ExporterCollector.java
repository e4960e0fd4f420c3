package org.hpcstatus.exporter.core;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one client_java collector registered with the {@code PrometheusRegistry}: hands out the
 * poller's last results. Never throws — client_java would turn an exception into HTTP 500 for the
 * whole scrape.
 */
public final class ExporterCollector implements MultiCollector {
  private static final Logger LOG = LoggerFactory.getLogger(ExporterCollector.class);

  private final List<Supplier<List<io.prometheus.metrics.model.snapshots.MetricSnapshot>>> parts;

  @SafeVarargs
  public ExporterCollector(Supplier<List<io.prometheus.metrics.model.snapshots.MetricSnapshot>>... parts) {
    this.parts = List.of(parts);
  }

  @Override
  public MetricSnapshots collect() {
    var b = MetricSnapshots.builder();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (var part : parts) {
      try {
        for (var s : part.get()) {
          if (seen.add(s.getMetadata().getPrometheusName())) {
            b.metricSnapshot(s);
          } else {
            LOG.error("metric family {} emitted twice; dropping the second copy", s.getMetadata().getPrometheusName());
          }
        }
      } catch (RuntimeException e) {
        LOG.error("a metrics source failed during scrape", e);
      }
    }
    return b.build();
  }
}
