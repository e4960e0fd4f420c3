package org.hpcstatus.exporter.slurm.controller;

import java.util.List;
import org.hpcstatus.exporter.core.CollectContext;
import org.hpcstatus.exporter.core.Collector;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.SlurmSources;

/** Controller availability from {@code scontrol ping}: primary and backup slurmctld up or down. */
public final class ControllerCollector implements Collector {

  public static final MetricDef UP = MetricDef.gauge("slurm_controller_up",
      "1 if the slurmctld in this role (primary, backup, …) answers ping, 0 if it is down.", "role", "host").polled();

  @Override
  public String name() {
    return "controller";
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(UP);
  }

  @Override
  public void collect(CollectContext ctx, Out out) throws Exception {
    write(ctx.get(SlurmSources.PING), out);
  }

  public static void write(List<ControllerStatus> list, Out out) {
    Out.Family f = out.family(UP);
    for (ControllerStatus c : list) {
      f.set(c.up() ? 1 : 0, c.role(), c.host());
    }
  }
}
