package org.hpcstatus.exporter.status;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Instant;
import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;

/**
 * Declared outages and maintenance as metrics, so alert rules and Alertmanager inhibitions can use
 * them. Cardinality: services × 4 severities at most, and only while something is in progress.
 */
public final class StatusMetrics {
  public static final MetricDef OUTAGE_ACTIVE = MetricDef.gauge("hpcstatus_outage_active",
      "Declared outages and maintenance in progress (status page API and outages file; Slurm MAINT reservations "
          + "are in slurm_reservation_info), by affected service (empty for a whole cluster) and severity "
          + "(maintenance, degraded, partial, major).",
      "service", "severity");
  public static final MetricDef MAINTENANCE_ACTIVE = MetricDef.gauge("hpcstatus_maintenance_active",
      "1 while maintenance of the whole cluster is declared and in progress (status page API or outages file; "
          + "Slurm MAINT reservations are in slurm_reservation_info), else 0.");

  private StatusMetrics() {}

  public static List<MetricDef> metrics() {
    return List.of(OUTAGE_ACTIVE, MAINTENANCE_ACTIVE);
  }

  /** The metrics for {@code cluster}: outages of that cluster, or of no particular cluster. */
  static List<MetricSnapshot> snapshots(String cluster, List<Outage> active, Instant now) {
    Out out = new Out(cluster);
    Out.Family o = out.family(OUTAGE_ACTIVE);
    boolean maint = false;
    for (Outage x : active) {
      if (x.origin() == Outage.Origin.SLURM || x.phase(now) != Outage.Phase.ACTIVE
          || (x.cluster() != null && !x.cluster().equals(cluster))) {
        continue;
      }
      o.add(1, x.service() == null ? "" : x.service(), x.severity().label());
      if (x.isMaintenance() && x.service() == null) {
        maint = true;
      }
    }
    out.family(MAINTENANCE_ACTIVE).set(maint ? 1 : 0);
    return out.build();
  }
}
