package org.hpcstatus.dashboards.boards;

import static org.hpcstatus.dashboards.Q.collectorOk;
import static org.hpcstatus.dashboards.Q.orNone;
import static org.hpcstatus.dashboards.Q.orZero;
import static org.hpcstatus.dashboards.Q.quantile;
import static org.hpcstatus.dashboards.Q.rate;
import static org.hpcstatus.dashboards.Q.sel;
import static org.hpcstatus.dashboards.model.PanelBuilder.bargauge;
import static org.hpcstatus.dashboards.model.PanelBuilder.gauge;
import static org.hpcstatus.dashboards.model.PanelBuilder.stat;
import static org.hpcstatus.dashboards.model.PanelBuilder.stateTimeline;
import static org.hpcstatus.dashboards.model.PanelBuilder.table;
import static org.hpcstatus.dashboards.model.PanelBuilder.timeseries;

import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.dashboards.model.Board;
import org.hpcstatus.dashboards.model.PanelBuilder;
import org.hpcstatus.exporter.accounting.AccountingMetrics;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.slurm.jobs.JobsCollector;
import org.hpcstatus.exporter.slurm.nodes.NodesCollector;
import org.hpcstatus.exporter.slurm.partitions.PartitionsCollector;
import org.hpcstatus.exporter.slurm.reservations.ReservationsCollector;
import org.hpcstatus.exporter.slurm.scheduler.SchedulerCollector;

/** What the clusters look like right now: nodes, partitions, queue, reservations, scheduler, top users. */
public final class ClusterStatus {

  public static final String UID = "hpcstatus-cluster-status";
  static final String PARTITION = "partition=~\"$partition\"";
  static final String NO_NODES = "NO DATA (nodes collector)";

  /** Node states on the timeline, in rising severity (the max over a node's series wins). */
  record NodeState(String match, String text, String colour) {}

  static final List<NodeState> TIMELINE = List.of(
      new NodeState("state=\"idle\"", "idle", "green"),
      new NodeState("state=\"mixed\"", "mixed", "blue"),
      new NodeState("state=\"allocated\"", "allocated", "purple"),
      new NodeState("state=\"future\"", "future", "#808080"),
      new NodeState("flags=~\"(.*,)?(drain|drained|draining)(,.*)?\"", "drain", "orange"),
      new NodeState("state=\"unknown\"", "unknown", "yellow"),
      new NodeState("state=\"error\"", "error", "dark-red"),
      new NodeState("state=\"down\"", "down", "red"));

  private ClusterStatus() {}

  public static Board board() {
    return new Board(UID, "HPC status: cluster status",
        "Nodes, partitions, the queue, reservations and the scheduler of the selected clusters, as the "
            + "exporter's Slurm collectors last saw them (nodes, partitions and jobs every 15 s by default).",
        List.of("hpc-status", "slurm"))
        .labelVariable("cluster", "Cluster", SelfBuildInfo.SELECTOR, "Clusters (exporters) to show")
        .labelVariable("partition", "Partition",
            PartitionsCollector.INFO.name() + "{cluster=~\"$cluster\"}", "Partitions for the partition panels")
        .row("Nodes", "Nodes by base state and flag, allocation of CPUs, GPUs and memory.", nodesTotal(),
            drainedNodes(), downNodes(), ratio("CPU allocation", NodesCollector.CPUS),
            ratio("GPU allocation", NodesCollector.GPUS), ratio("Memory allocation", NodesCollector.MEMORY),
            nodesByState(), nodesByFlag())
        .row("Per partition", "One line per partition (filtered by the partition variable).", partitions())
        .row("Queue", "Pending and running jobs, why jobs wait, and how long they waited.", jobsByState(),
            pendingByReason(), waitPercentiles())
        .row("Drained, down and reserved", "Which nodes are out of service and why; reservations and maintenance windows.",
            drainedDownTable(), reservations(), maintenanceWindows())
        .row("Node states over time", "Every node's state over the time range.", nodeTimeline())
        .row("Scheduler", "slurmctld's scheduling cycles, queues and RPC load (sdiag).", cycleTimes(), queues(),
            rpcRate())
        .row("Top users and accounts", "Who uses the cluster right now (top-N by running CPUs; the rest as \"other\").",
            top("Top users by running CPUs", JobsCollector.USER_CPUS, "user"),
            top("Top users by running GPUs", JobsCollector.USER_GPUS, "user"),
            top("Top accounts by running CPUs", JobsCollector.ACCOUNT_CPUS, "account"),
            top("Top accounts by running GPUs", JobsCollector.ACCOUNT_GPUS, "account"));
  }

  static PanelBuilder nodesTotal() {
    return stat("Nodes total")
        .desc("Nodes in the selected clusters, each node counted once (also when it is in several partitions).")
        .query("sum(" + sel(NodesCollector.NODES) + ")", "nodes").unit("short").size(3, 4).noValue(NO_NODES);
  }

  static PanelBuilder drainedNodes() {
    return stat("Drained nodes")
        .desc("Nodes with the drain flag (draining or drained): taken out of scheduling by an admin or Slurm.")
        .query("sum(" + sel(NodesCollector.FLAGGED, "flag=\"drain\"") + ")", "drain").noValue(NO_NODES)
        .unit("short").size(3, 4).thresholds("green", 1, "orange").colorByThresholds();
  }

  static PanelBuilder downNodes() {
    return stat("Down nodes")
        .desc("Nodes whose base state is down (not responding or set down).")
        .query("sum(" + sel(NodesCollector.NODES, "state=\"down\"") + ")", "down").noValue(NO_NODES)
        .unit("short").size(3, 4).thresholds("green", 1, "red").colorByThresholds();
  }

  static PanelBuilder ratio(String title, MetricDef m) {
    String alloc = "sum(" + sel(m, "state=\"allocated\"") + ")";
    String total = "sum(" + sel(m, "state=\"total\"") + ")";
    return gauge(title)
        .desc("Allocated / total (" + m.name() + ", sinfo %C style, each node once); 0 where the clusters have none.")
        .query(orZero(alloc + " / (" + total + " > 0)", sel(m, "state=\"total\"")), "allocated").noValue(NO_NODES)
        .unit("percentunit").range(0, 1).size(5, 4).thresholds("green", 0.9, "orange");
  }

  static PanelBuilder nodesByState() {
    return bargauge("Nodes by base state")
        .desc("Nodes by base state (allocated, mixed, idle, down, future, unknown, error); each node once.")
        .query("sum by (state) (" + sel(NodesCollector.NODES) + ")", "{{state}}").unit("short").size(12, 7);
  }

  static PanelBuilder nodesByFlag() {
    return bargauge("Nodes by flag")
        .desc("Nodes carrying a state flag (drain, drained, draining, not_responding, maint, reserved, …); "
            + "flags no node carries are left out (\"none\" when there are none).")
        .query(orNone("sum by (flag) (" + sel(NodesCollector.FLAGGED) + ") > 0", "flag", sel(NodesCollector.FLAGGED)), "{{flag}}")
        .unit("short").size(12, 7);
  }

  static PanelBuilder partitions() {
    String key = "cluster, partition";
    String p = PARTITION;
    String zero = "sum by (" + key + ") (" + sel(PartitionsCollector.INFO, p) + ") * 0";
    List<String[]> cols = new ArrayList<>();
    cols.add(new String[] {"sum by (" + key + ") (" + sel(PartitionsCollector.NODES, p) + ")", "nodes", "short"});
    cols.add(new String[] {"sum by (" + key + ") (" + sel(PartitionsCollector.NODES, p,
        "state!~\"down|unknown|error|future\"") + ") or " + zero, "up", "short"});
    cols.add(new String[] {"sum by (" + key + ") (" + sel(PartitionsCollector.USAGE, p, "state=\"idle\"") + ")",
        "idle", "short"});
    cols.add(new String[] {"sum by (" + key + ") (" + sel(PartitionsCollector.USAGE, p, "state=\"allocated\"") + ")",
        "allocated", "short"});
    cols.add(new String[] {"sum by (" + key + ") (" + sel(PartitionsCollector.FLAGGED, p, "flag=\"drain\"") + ") or "
        + zero, "drain", "short"});
    cols.add(new String[] {"sum by (" + key + ") (" + sel(PartitionsCollector.NODES, p, "state=\"down\"") + ") or "
        + zero, "down", "short"});
    cols.add(new String[] {partitionRatio(PartitionsCollector.CPUS), "CPUs used", "percentunit"});
    cols.add(new String[] {partitionRatio(PartitionsCollector.GPUS), "GPUs used", "percentunit"});
    cols.add(new String[] {"sum by (" + key + ") (" + sel(JobsCollector.PARTITION_JOBS, p, "state=\"running\"")
        + ") or " + zero, "running jobs", "short"});
    cols.add(new String[] {"sum by (" + key + ") (" + sel(JobsCollector.PARTITION_JOBS, p, "state=\"pending\"")
        + ") or " + zero, "pending jobs", "short"});
    cols.add(new String[] {"max by (" + key + ") (time() - " + sel(JobsCollector.OLDEST_PENDING, p) + ")",
        "oldest pending", "s"});
    PanelBuilder t = table("Partitions")
        .desc("Per partition: nodes (a node in several partitions counts in each), nodes up (not down/unknown/"
            + "error/future), idle and allocated as sinfo's NODES(A/I), drain (draining or drained), down, CPU "
            + "and GPU use (allocated/total, empty without GPUs), running and pending jobs, and the wait of the "
            + "oldest pending job.")
        .unit("short").size(24, 8);
    for (int i = 0; i < cols.size(); i++) {
      String ref = String.valueOf((char) ('A' + i));
      t.query(cols.get(i)[0], "").column(ref, cols.get(i)[1], cols.get(i)[2]);
    }
    return t.mergeTable(List.of(), "nodes");
  }

  private static String partitionRatio(MetricDef m) {
    String key = "cluster, partition";
    return "sum by (" + key + ") (" + sel(m, PARTITION, "state=\"allocated\"") + ") / (sum by (" + key + ") ("
        + sel(m, PARTITION, "state=\"total\"") + ") > 0)";
  }

  static PanelBuilder jobsByState() {
    return timeseries("Jobs by state")
        .desc("Jobs in the queue by state (each job and array task once).")
        .query("sum by (state) (" + sel(JobsCollector.JOBS) + ")", "{{state}}").unit("short").size(8, 8);
  }

  static PanelBuilder pendingByReason() {
    return bargauge("Pending jobs by reason")
        .desc("Pending jobs by normalised reason (Resources, Priority, Dependency, ReqNodeNotAvail, …); "
            + "\"none\" when nothing is pending.")
        .query(orNone("sum by (reason) (" + sel(JobsCollector.PENDING_REASON) + ") > 0", "reason",
            collectorOk("jobs")), "{{reason}}")
        .unit("short").size(8, 8);
  }

  static PanelBuilder waitPercentiles() {
    PanelBuilder p = timeseries("Queue wait percentiles")
        .desc("p50/p90/p99 of Start - Submit of jobs that finished within each rate interval, per partition "
            + "(slurm_job_wait_seconds from exact sacct accounting; gaps where no job finished).")
        .unit("s").size(8, 8);
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      p.query(quantile(q, AccountingMetrics.WAIT, "partition", PARTITION), "p" + Math.round(q * 100) + " {{partition}}");
    }
    return p;
  }

  static PanelBuilder drainedDownTable() {
    String key = "cluster, node";
    String info = "max by (" + key + ", reason, user) (" + sel(NodesCollector.NODE_REASON) + ")";
    String since = "max by (" + key + ") (" + sel(NodesCollector.NODE_REASON_TS) + ")";
    String state = "max by (" + key + ", state, flags) (" + sel(NodesCollector.NODE_INFO) + ")";
    return table("Drained and down nodes")
        .desc("Nodes with a reason (drained, draining, down, failed): the reason and who set it, the node's state "
            + "and flags, since when and for how long.")
        .query(since + " * 1000 * on (" + key + ") group_left (reason, user) " + info
            + " * on (" + key + ") group_left (state, flags) " + state, "")
        .query("(time() - " + since + ") * on (" + key + ") group_left (reason, user) " + info
            + " * on (" + key + ") group_left (state, flags) " + state, "")
        .unit("short").size(12, 8).noValue("no drained or down nodes")
        .column("A", "since", "dateTimeAsIso").column("B", "for", "s").mergeTable(List.of(), "for");
  }

  static PanelBuilder reservations() {
    String key = "cluster, reservation";
    String info = "max by (" + key + ", state, flags, maint, partition) (" + sel(ReservationsCollector.INFO) + ")";
    String join = " * on (" + key + ") group_left (state, flags, maint, partition) " + info;
    return table("Reservations")
        .desc("Reservations with state, flags, partition, whether they are a maintenance window (MAINT), start, end "
            + "and size.")
        .query("max by (" + key + ") (" + sel(ReservationsCollector.START) + ") * 1000" + join, "")
        .query("max by (" + key + ") (" + sel(ReservationsCollector.END) + ") * 1000" + join, "")
        .query("max by (" + key + ") (" + sel(ReservationsCollector.NODES) + ")" + join, "")
        .query("max by (" + key + ") (" + sel(ReservationsCollector.CORES) + ")" + join, "")
        .unit("short").size(9, 8).noValue("no reservations")
        .column("A", "start", "dateTimeAsIso").column("B", "end", "dateTimeAsIso").column("C", "nodes", "short")
        .column("D", "cores", "short").mergeTable(List.of(), "start");
  }

  static PanelBuilder maintenanceWindows() {
    return stat("Maintenance windows active")
        .desc("Active reservations with the MAINT flag (node alerts of these clusters are inhibited).")
        .query(orZero("count(" + sel(ReservationsCollector.INFO, "maint=\"true\"", "state=\"active\"") + ")",
            sel(ReservationsCollector.COUNT)), "active").noValue("NO DATA")
        .unit("short").size(3, 8).thresholds("green", 1, "blue").colorByThresholds();
  }

  static PanelBuilder nodeTimeline() {
    List<String> parts = new ArrayList<>();
    PanelBuilder p = stateTimeline("Node states");
    for (int i = 0; i < TIMELINE.size(); i++) {
      NodeState s = TIMELINE.get(i);
      // a distinct label per part, so "or" keeps a drained node's flag series next to its base state
      parts.add("label_replace(" + sel(NodesCollector.NODE_INFO, s.match()) + " * " + (i + 1)
          + ", \"timeline\", \"" + s.text() + "\", \"\", \"\")");
      p.map(String.valueOf(i + 1), s.text(), s.colour());
    }
    return p.desc("Each node's state over time: idle, mixed, allocated, future, drain (any drain flag), unknown, "
            + "error, down; the most severe wins.")
        .query("max by (cluster, node) (" + String.join(" or ", parts) + ")", "{{node}}")
        .unit("none").size(24, 10).mapNull("no data", "#808080");
  }

  static PanelBuilder cycleTimes() {
    return timeseries("Scheduling cycle time")
        .desc("Last and mean scheduling cycle duration of the main and backfill schedulers (sdiag).")
        .query("max by (cluster, scheduler) (" + sel(SchedulerCollector.CYCLE_LAST) + ")", "last {{scheduler}}")
        .query("max by (cluster, scheduler) (" + sel(SchedulerCollector.CYCLE_MEAN) + ")", "mean {{scheduler}}")
        .unit("s").size(12, 8);
  }

  static PanelBuilder queues() {
    return timeseries("Agent and DBD queues")
        .desc("RPCs queued in slurmctld's agent (to slurmd), messages queued for slurmdbd (grows while the database "
            + "is slow or down), and server threads in use.")
        .query("max by (cluster) (" + sel(SchedulerCollector.AGENT_QUEUE) + ")", "agent queue {{cluster}}")
        .query("max by (cluster) (" + sel(SchedulerCollector.DBD_QUEUE) + ")", "DBD queue {{cluster}}")
        .query("max by (cluster) (" + sel(SchedulerCollector.THREADS) + ")", "server threads {{cluster}}")
        .unit("short").size(12, 8);
  }

  static PanelBuilder rpcRate() {
    return timeseries("slurmctld RPCs per second")
        .desc("RPCs handled by slurmctld per second, the 10 busiest message types (sdiag; rate() spans the stats "
            + "resets). The exporter's own load is a few RPCs per minute (docs/performance.md).")
        .query("topk(10, sum by (message_type) (" + rate(sel(SchedulerCollector.RPC_CALLS))
            + "))", "{{message_type}}")
        .unit("reqps").size(24, 8);
  }

  static PanelBuilder top(String title, MetricDef m, String label) {
    return bargauge(title)
        .desc("Top 10 by " + m.name() + "{state=\"running\"}; beyond the exporter's top-N (or opted out) summed "
            + "as \"other\". \"none\" when nothing runs.")
        .query(orNone("topk(10, sum by (" + label + ") (" + sel(m, "state=\"running\"") + ") > 0)", label,
            collectorOk("jobs")),
            "{{" + label + "}}")
        .unit("short").size(6, 8);
  }
}
