package org.hpcstatus.exporter.core;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one client_java collector registered with the {@code PrometheusRegistry}: hands out the last
 * results of the exporter's parts (the Slurm poller, health checks, accounting …). Never throws —
 * client_java would turn an exception into HTTP 500 for the whole scrape.
 *
 * <p>Each part also reports a generation number that changes whenever its snapshots change;
 * {@link MetricsEndpoint} serves a cached exposition while the sum is unchanged.
 */
public final class ExporterCollector implements MultiCollector {
  private static final Logger LOG = LoggerFactory.getLogger(ExporterCollector.class);

  /** A source of snapshots; {@code generation} must change whenever the snapshots may have. */
  public record Part(Supplier<List<MetricSnapshot>> snapshots, LongSupplier generation) {
    /** A part without change tracking: never served from cache. */
    public static Part uncached(Supplier<List<MetricSnapshot>> snapshots) {
      return new Part(snapshots, System::nanoTime);
    }
  }

  private final List<Part> parts = new CopyOnWriteArrayList<>();

  public ExporterCollector(Part... parts) {
    this.parts.addAll(List.of(parts));
  }

  public ExporterCollector add(Part part) {
    parts.add(part);
    return this;
  }

  /** Changes whenever any part's snapshots may have changed. */
  public long generation() {
    long g = 0;
    for (Part p : parts) {
      g = g * 31 + p.generation().getAsLong();
    }
    return g;
  }

  @Override
  public MetricSnapshots collect() {
    var b = MetricSnapshots.builder();
    Set<String> seen = new HashSet<>();
    for (Part part : parts) {
      try {
        for (MetricSnapshot s : part.snapshots().get()) {
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
