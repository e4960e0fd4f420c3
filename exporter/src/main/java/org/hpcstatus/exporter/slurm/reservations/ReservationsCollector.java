package org.hpcstatus.exporter.slurm.reservations;

import java.util.List;
import org.hpcstatus.exporter.core.CollectContext;
import org.hpcstatus.exporter.core.Collector;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.SlurmSources;

/** Reservations (maintenance windows included) from {@code scontrol -o show reservations}. */
public final class ReservationsCollector implements Collector {

  public static final MetricDef INFO = MetricDef.info("slurm_reservation_info",
      "A reservation's state (active, inactive), flags, partition, whether it is a maintenance (MAINT) window, and "
          + "its nodes as Slurm's host list (cn[1-4], max 256 characters).",
      "reservation", "state", "flags", "partition", "maint", "nodes").polled();
  public static final MetricDef START = MetricDef.gauge("slurm_reservation_start_timestamp_seconds",
      "Unix time at which the reservation starts.", "reservation").polled();
  public static final MetricDef END = MetricDef.gauge("slurm_reservation_end_timestamp_seconds",
      "Unix time at which the reservation ends.", "reservation").polled();
  public static final MetricDef NODES = MetricDef.gauge("slurm_reservation_nodes",
      "Nodes in the reservation.", "reservation").polled();
  public static final MetricDef CORES = MetricDef.gauge("slurm_reservation_cores",
      "Cores in the reservation.", "reservation").polled();
  public static final MetricDef COUNT = MetricDef.gauge("slurm_reservations",
      "Reservations by state.", "state").polled();

  @Override
  public String name() {
    return "reservations";
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(INFO, START, END, NODES, CORES, COUNT);
  }

  @Override
  public void collect(CollectContext ctx, Out out) throws Exception {
    write(ctx.get(SlurmSources.RESERVATIONS), out);
  }

  public static void write(List<Reservation> list, Out out) {
    Out.Family count = out.family(COUNT);
    count.set(0, "active");
    count.set(0, "inactive");
    out.declare(INFO);
    for (Reservation r : list) {
      count.add(1, r.state());
      out.family(INFO).set(1, r.name(), r.state(), String.join(",", r.flags()), r.partition(),
          r.isMaint() ? "true" : "false", r.nodeList());
      if (r.start() != null) {
        out.family(START).set(r.start(), r.name());
      }
      if (r.end() != null) {
        out.family(END).set(r.end(), r.name());
      }
      out.family(NODES).set(r.nodes(), r.name());
      out.family(CORES).set(r.cores(), r.name());
    }
  }
}
