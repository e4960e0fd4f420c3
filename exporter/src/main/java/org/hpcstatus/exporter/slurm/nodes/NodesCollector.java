package org.hpcstatus.exporter.slurm.nodes;

import java.util.List;
import org.hpcstatus.exporter.core.CollectContext;
import org.hpcstatus.exporter.core.Collector;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.SlurmSources;

/**
 * Node state, per node and cluster-wide, from one {@code scontrol -d -o show nodes} call (one
 * NODE_INFO RPC). A node in several partitions is one record here, so cluster totals count it once.
 */
public final class NodesCollector implements Collector {

  public static final MetricDef NODES = MetricDef.gauge("slurm_nodes",
      "Nodes by base state (allocated, mixed, idle, down, future, unknown, error); each node counted once.",
      "state").polled();
  public static final MetricDef FLAGGED = MetricDef.gauge("slurm_nodes_flagged",
      "Nodes carrying a state flag (drain, drained, draining, not_responding, powered_down, maint, reboot_requested, …).",
      "flag").polled();
  public static final MetricDef USAGE = MetricDef.gauge("slurm_nodes_usage",
      "Nodes as sinfo's NODES(A/I/O) counts them: allocated (allocated, mixed or completing), idle, other (drained or down).",
      "state").polled();
  public static final MetricDef CPUS = MetricDef.gauge("slurm_cpus",
      "Cluster CPUs as sinfo %C counts them: allocated, idle, other (unallocated on drained/down nodes), total; each node once.",
      "state").polled();
  public static final MetricDef GPUS = MetricDef.gauge("slurm_gpus",
      "Cluster GPUs from GRES: allocated, idle, other (unallocated on drained/down nodes), total; each node once.",
      "state").polled();
  public static final MetricDef MEMORY = MetricDef.gauge("slurm_memory_bytes",
      "Cluster memory (RealMemory) in bytes: allocated, idle, other (unallocated on drained/down nodes), total.",
      "state").polled();
  public static final MetricDef NODE_CPUS = MetricDef.gauge("slurm_node_cpus",
      "CPUs of a node: allocated and total (CPUTot).", "node", "state").polled();
  public static final MetricDef NODE_MEMORY = MetricDef.gauge("slurm_node_memory_bytes",
      "Memory of a node in bytes: allocated (AllocMem) and total (RealMemory).", "node", "state").polled();
  public static final MetricDef NODE_GPUS = MetricDef.gauge("slurm_node_gpus",
      "GPUs of a node by GRES type ('none' when untyped): allocated and total.", "node", "type", "state").polled();
  public static final MetricDef NODE_LOAD = MetricDef.gauge("slurm_node_cpu_load",
      "CPU load average of a node as reported by slurmd.", "node").polled();
  public static final MetricDef NODE_INFO = MetricDef.info("slurm_node_info",
      "A node's base state, flags (comma-separated) and partitions; value 1.",
      "node", "state", "flags", "partitions").polled();
  public static final MetricDef NODE_REASON = MetricDef.info("slurm_node_reason_info",
      "Why a node is drained, down or failed (Reason, max 128 characters) and who set it; only nodes with a reason.",
      "node", "reason", "user").polled();
  public static final MetricDef NODE_REASON_TS = MetricDef.gauge("slurm_node_reason_timestamp_seconds",
      "Unix time at which the node's reason was set (drain/down since).", "node").polled();

  @Override
  public String name() {
    return "nodes";
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(NODES, FLAGGED, USAGE, CPUS, GPUS, MEMORY, NODE_CPUS, NODE_MEMORY, NODE_GPUS, NODE_LOAD, NODE_INFO,
        NODE_REASON, NODE_REASON_TS);
  }

  @Override
  public void collect(CollectContext ctx, Out out) throws Exception {
    write(ctx.get(SlurmSources.NODES), out);
  }

  /** Pure: node records → families. */
  public static void write(List<Node> nodes, Out out) {
    Out.Family byState = out.family(NODES);
    NodeState.BASES.forEach(b -> byState.set(0, b));
    Out.Family flagged = out.family(FLAGGED);
    NodeState.FLAGS.forEach(f -> flagged.set(0, f));
    Out.Family usage = out.family(USAGE);
    Out.Family cpus = out.family(CPUS);
    Out.Family gpus = out.family(GPUS);
    Out.Family mem = out.family(MEMORY);
    for (String s : List.of("allocated", "idle", "other")) {
      usage.set(0, s);
    }
    for (String s : List.of("allocated", "idle", "other", "total")) {
      cpus.set(0, s);
      gpus.set(0, s);
      mem.set(0, s);
    }
    Out.Family nodeCpus = out.family(NODE_CPUS);
    Out.Family nodeMem = out.family(NODE_MEMORY);
    Out.Family nodeGpus = out.family(NODE_GPUS);
    Out.Family load = out.family(NODE_LOAD);
    Out.Family info = out.family(NODE_INFO);
    Out.Family reason = out.family(NODE_REASON);
    Out.Family reasonTs = out.family(NODE_REASON_TS);

    for (Node n : nodes) {
      NodeState st = n.state();
      byState.add(1, st.base());
      usage.add(1, st.usage());
      st.flags().forEach(f -> flagged.add(1, f));
      Resources.add(cpus, st, n.cpusAlloc(), n.cpusTotal());
      Resources.add(gpus, st, n.gpusAllocCount(), n.gpusTotalCount());
      Resources.add(mem, st, n.memoryAllocBytes(), n.memoryTotalBytes());

      nodeCpus.set(n.cpusAlloc(), n.name(), "allocated");
      nodeCpus.set(n.cpusTotal(), n.name(), "total");
      nodeMem.set(n.memoryAllocBytes(), n.name(), "allocated");
      nodeMem.set(n.memoryTotalBytes(), n.name(), "total");
      n.gpusTotal().forEach((type, v) -> nodeGpus.set(v, n.name(), type, "total"));
      n.gpusAlloc().forEach((type, v) -> nodeGpus.set(v, n.name(), type, "allocated"));
      if (n.cpuLoad() != null) {
        load.set(n.cpuLoad(), n.name());
      }
      info.set(1, n.name(), st.base(), st.flagsLabel(), String.join(",", n.partitions()));
      if (n.reason() != null) {
        reason.set(1, n.name(), n.reason(), n.reasonUser() == null ? "" : n.reasonUser());
        if (n.reasonTimestamp() != null) {
          reasonTs.set(n.reasonTimestamp(), n.name());
        }
      }
    }
  }

  /** sinfo's %C rule, applied to any resource: allocated, then the rest is idle or (drained/down) other. */
  public static final class Resources {
    private Resources() {}

    public static void add(Out.Adder f, NodeState st, long alloc, long total) {
      f.add(alloc, "allocated");
      f.add(total, "total");
      long rest = Math.max(0, total - alloc);
      f.add(rest, st.isOther() ? "other" : "idle");
    }
  }
}
