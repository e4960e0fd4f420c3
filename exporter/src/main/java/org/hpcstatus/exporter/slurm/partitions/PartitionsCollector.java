package org.hpcstatus.exporter.slurm.partitions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.CollectContext;
import org.hpcstatus.exporter.core.Collector;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.SlurmSources;
import org.hpcstatus.exporter.slurm.nodes.Node;
import org.hpcstatus.exporter.slurm.nodes.NodeState;
import org.hpcstatus.exporter.slurm.nodes.NodesCollector.Resources;

/**
 * Per-partition capacity from the node list (shared with the nodes collector, so no extra NODE_INFO)
 * plus {@code scontrol show partitions} (one PARTITION_INFO). Overlapping partitions each count their
 * own nodes; cluster totals are in {@code slurm_cpus} etc., where each node counts once.
 */
public final class PartitionsCollector implements Collector {

  public static final MetricDef INFO = MetricDef.info("slurm_partition_info",
      "A partition's state (up, down, drain, inactive) and whether it is the default; value 1.",
      "partition", "state", "default").polled();
  public static final MetricDef NODES = MetricDef.gauge("slurm_partition_nodes",
      "Nodes of a partition by base state; a node in several partitions counts in each.", "partition", "state").polled();
  public static final MetricDef FLAGGED = MetricDef.gauge("slurm_partition_nodes_flagged",
      "Nodes of a partition carrying a state flag (drain, drained, draining, not_responding, maint, …), as "
          + "slurm_nodes_flagged but per partition; a node in several partitions counts in each.",
      "partition", "flag").polled();
  public static final MetricDef USAGE = MetricDef.gauge("slurm_partition_nodes_usage",
      "Nodes of a partition as sinfo's NODES(A/I/O) counts them: allocated, idle, other (drained or down).",
      "partition", "state").polled();
  public static final MetricDef CPUS = MetricDef.gauge("slurm_partition_cpus",
      "CPUs of a partition as sinfo %C counts them: allocated, idle, other (drained/down), total.",
      "partition", "state").polled();
  public static final MetricDef GPUS = MetricDef.gauge("slurm_partition_gpus",
      "GPUs of a partition: allocated, idle, other (drained/down), total.", "partition", "state").polled();
  public static final MetricDef MEMORY = MetricDef.gauge("slurm_partition_memory_bytes",
      "Memory of a partition in bytes: allocated, idle, other (drained/down), total.", "partition", "state").polled();
  public static final MetricDef MAX_TIME = MetricDef.gauge("slurm_partition_max_time_seconds",
      "A partition's MaxTime in seconds (absent when UNLIMITED).", "partition").polled();

  @Override
  public String name() {
    return "partitions";
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(INFO, NODES, FLAGGED, USAGE, CPUS, GPUS, MEMORY, MAX_TIME);
  }

  @Override
  public void collect(CollectContext ctx, Out out) throws Exception {
    write(ctx.get(SlurmSources.PARTITIONS), ctx.get(SlurmSources.NODES), out);
  }

  /** Pure: partitions + nodes → families. */
  public static void write(List<Partition> partitions, List<Node> nodes, Out out) {
    Out.Family info = out.family(INFO);
    Out.Family byState = out.family(NODES);
    Out.Family flagged = out.family(FLAGGED);
    Out.Family usage = out.family(USAGE);
    Out.Family cpus = out.family(CPUS);
    Out.Family gpus = out.family(GPUS);
    Out.Family mem = out.family(MEMORY);
    Out.Family maxTime = out.family(MAX_TIME);
    Map<String, Boolean> known = new LinkedHashMap<>();
    for (Partition p : partitions) {
      known.put(p.name(), true);
      info.set(1, p.name(), p.state(), p.isDefault() ? "true" : "false");
      if (p.maxTimeSeconds() != null) {
        maxTime.set(p.maxTimeSeconds(), p.name());
      }
      zero(p.name(), byState, flagged, usage, cpus, gpus, mem);
    }
    for (Node n : nodes) {
      NodeState st = n.state();
      for (String part : n.partitions()) {
        if (!known.containsKey(part)) {
          // a partition created between the two calls: still count its nodes
          known.put(part, true);
          zero(part, byState, flagged, usage, cpus, gpus, mem);
        }
        byState.add(1, part, st.base());
        st.flags().forEach(f -> flagged.add(1, part, f));
        usage.add(1, part, st.usage());
        Resources.add(cpus.prefixed(part), st, n.cpusAlloc(), n.cpusTotal());
        Resources.add(gpus.prefixed(part), st, n.gpusAllocCount(), n.gpusTotalCount());
        Resources.add(mem.prefixed(part), st, n.memoryAllocBytes(), n.memoryTotalBytes());
      }
    }
  }

  private static void zero(String part, Out.Family byState, Out.Family flagged, Out.Family usage, Out.Family cpus,
      Out.Family gpus, Out.Family mem) {
    NodeState.BASES.forEach(b -> byState.set(0, part, b));
    NodeState.FLAGS.forEach(f -> flagged.set(0, part, f));
    for (String s : List.of("allocated", "idle", "other")) {
      usage.set(0, part, s);
    }
    for (String s : List.of("allocated", "idle", "other", "total")) {
      cpus.set(0, part, s);
      gpus.set(0, part, s);
      mem.set(0, part, s);
    }
  }
}
