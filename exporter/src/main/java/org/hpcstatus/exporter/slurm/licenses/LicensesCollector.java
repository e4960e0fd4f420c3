package org.hpcstatus.exporter.slurm.licenses;

import java.util.List;
import org.hpcstatus.exporter.core.CollectContext;
import org.hpcstatus.exporter.core.Collector;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.SlurmSources;

/** Licenses from {@code scontrol -o show licenses}. */
public final class LicensesCollector implements Collector {

  public static final MetricDef LICENSES = MetricDef.gauge("slurm_licenses",
      "Licenses by name and state (total, used, free, reserved).", "license", "state").polled();

  @Override
  public String name() {
    return "licenses";
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(LICENSES);
  }

  @Override
  public void collect(CollectContext ctx, Out out) throws Exception {
    write(ctx.get(SlurmSources.LICENSES), out);
  }

  public static void write(List<License> list, Out out) {
    Out.Family f = out.family(LICENSES);
    for (License l : list) {
      f.set(l.total(), l.name(), "total");
      f.set(l.used(), l.name(), "used");
      f.set(l.free(), l.name(), "free");
      f.set(l.reserved(), l.name(), "reserved");
    }
  }
}
