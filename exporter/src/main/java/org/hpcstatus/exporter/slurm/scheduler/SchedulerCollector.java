package org.hpcstatus.exporter.slurm.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.CollectContext;
import org.hpcstatus.exporter.core.Collector;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.SlurmSources;

/**
 * slurmctld's health from {@code sdiag}: threads, queues, main and backfill scheduler cycles, job
 * counters since the daily reset (gauges, with the reset time), and RPC statistics (counters: they only
 * reset with {@code sdiag --reset} or a restart, which {@code rate()} handles).
 */
public final class SchedulerCollector implements Collector {

  public static final MetricDef THREADS = MetricDef.gauge("slurm_scheduler_threads",
      "slurmctld server threads in use.").polled();
  public static final MetricDef AGENT_QUEUE = MetricDef.gauge("slurm_scheduler_agent_queue_size",
      "RPCs queued in slurmctld's agent (outgoing messages to slurmd).").polled();
  public static final MetricDef AGENT_COUNT = MetricDef.gauge("slurm_scheduler_agents",
      "Active agent threads of slurmctld.").polled();
  public static final MetricDef AGENT_THREADS = MetricDef.gauge("slurm_scheduler_agent_threads",
      "Threads used by slurmctld's agents.").polled();
  public static final MetricDef DBD_QUEUE = MetricDef.gauge("slurm_scheduler_dbd_agent_queue_size",
      "Messages queued for slurmdbd (grows when the database is slow or down).").polled();
  public static final MetricDef CYCLE_LAST = MetricDef.gauge("slurm_scheduler_cycle_last_seconds",
      "Duration of the last scheduling cycle, by scheduler (main, backfill).", "scheduler").polled();
  public static final MetricDef CYCLE_MEAN = MetricDef.gauge("slurm_scheduler_cycle_mean_seconds",
      "Mean scheduling cycle duration since the stats reset, by scheduler.", "scheduler").polled();
  public static final MetricDef CYCLE_MAX = MetricDef.gauge("slurm_scheduler_cycle_max_seconds",
      "Longest scheduling cycle since the stats reset, by scheduler.", "scheduler").polled();
  public static final MetricDef CYCLES = MetricDef.gauge("slurm_scheduler_cycles",
      "Scheduling cycles since the stats reset, by scheduler.", "scheduler").polled();
  public static final MetricDef DEPTH_MEAN = MetricDef.gauge("slurm_scheduler_depth_mean",
      "Mean number of jobs looked at per cycle, by scheduler.", "scheduler").polled();
  public static final MetricDef QUEUE_LENGTH = MetricDef.gauge("slurm_scheduler_queue_length",
      "Jobs in the scheduler's queue at its last cycle, by scheduler.", "scheduler").polled();
  public static final MetricDef BF_DEPTH = MetricDef.gauge("slurm_scheduler_backfill_depth_last",
      "Jobs the backfill scheduler looked at in its last cycle.").polled();
  public static final MetricDef BF_JOBS = MetricDef.gauge("slurm_scheduler_backfilled_jobs",
      "Jobs started by backfill since slurmctld start (since=\"start\") or since the stats reset (since=\"reset\").",
      "since").polled();
  public static final MetricDef BF_LAST = MetricDef.gauge("slurm_scheduler_backfill_last_cycle_timestamp_seconds",
      "Unix time of the backfill scheduler's last cycle.").polled();
  public static final MetricDef JOBS_SINCE_RESET = MetricDef.gauge("slurm_scheduler_jobs_since_reset",
      "Jobs submitted/started/completed/canceled/failed since the stats reset (see slurm_scheduler_stats_reset_timestamp_seconds).",
      "event").polled();
  public static final MetricDef RESET = MetricDef.gauge("slurm_scheduler_stats_reset_timestamp_seconds",
      "Unix time of sdiag's last statistics reset ('Data since').").polled();
  public static final MetricDef RPC_CALLS = MetricDef.counter("slurm_rpc_calls_total",
      "RPCs handled by slurmctld, by message type (from sdiag).", "message_type").polled();
  public static final MetricDef RPC_TIME = MetricDef.counter("slurm_rpc_time_seconds_total",
      "Time slurmctld spent in RPCs, by message type (from sdiag).", "message_type").polled();
  public static final MetricDef RPC_USER_CALLS = MetricDef.counter("slurm_rpc_user_calls_total",
      "RPCs sent to slurmctld, by user (the first 20 users seen keep their label; later ones are summed as \"other\").",
      "user").polled();
  public static final MetricDef RPC_USER_TIME = MetricDef.counter("slurm_rpc_user_time_seconds_total",
      "Time slurmctld spent in RPCs, by user (the first 20 users seen keep their label; later ones as \"other\").",
      "user").polled();

  static final int TOP_RPC_USERS = 20;

  /**
   * Users with their own RPC series. Admission is sticky (biggest first, then never revoked) so that a
   * user moving in and out of a "top 20" cannot make the per-user and "other" counters jump backwards,
   * which rate() would read as resets.
   */
  private final java.util.Set<String> rpcUsers = new java.util.LinkedHashSet<>();

  @Override
  public String name() {
    return "scheduler";
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(THREADS, AGENT_QUEUE, AGENT_COUNT, AGENT_THREADS, DBD_QUEUE, CYCLE_LAST, CYCLE_MEAN, CYCLE_MAX,
        CYCLES, DEPTH_MEAN, QUEUE_LENGTH, BF_DEPTH, BF_JOBS, BF_LAST, JOBS_SINCE_RESET, RESET, RPC_CALLS, RPC_TIME,
        RPC_USER_CALLS, RPC_USER_TIME);
  }

  @Override
  public void collect(CollectContext ctx, Out out) throws Exception {
    write(ctx.get(SlurmSources.SDIAG), out);
  }

  private static void gauge(Out out, MetricDef def, Map<String, Double> m, String key, double scale) {
    Double v = m.get(key);
    if (v != null) {
      out.family(def).set(v * scale);
    }
  }

  private static void sched(Out out, MetricDef def, Map<String, Double> m, String key, double scale, String which) {
    Double v = m.get(key);
    if (v != null) {
      out.family(def).set(v * scale, which);
    }
  }

  public void write(Sdiag s, Out out) {
    var g = s.general();
    gauge(out, THREADS, g, "Server thread count", 1);
    gauge(out, AGENT_QUEUE, g, "Agent queue size", 1);
    gauge(out, AGENT_COUNT, g, "Agent count", 1);
    gauge(out, AGENT_THREADS, g, "Agent thread count", 1);
    gauge(out, DBD_QUEUE, g, "DBD Agent queue size", 1);
    for (String ev : List.of("submitted", "started", "completed", "canceled", "failed", "pending", "running")) {
      Double v = g.get("Jobs " + ev);
      if (v != null) {
        out.family(JOBS_SINCE_RESET).set(v, ev);
      }
    }
    if (s.dataSince() != null) {
      out.family(RESET).set(s.dataSince());
    }
    double us = 1e-6;
    for (var e : Map.of("main", s.main(), "backfill", s.backfill()).entrySet()) {
      String w = e.getKey();
      var m = e.getValue();
      sched(out, CYCLE_LAST, m, "Last cycle", us, w);
      sched(out, CYCLE_MEAN, m, "Mean cycle", us, w);
      sched(out, CYCLE_MAX, m, "Max cycle", us, w);
      sched(out, CYCLES, m, "Total cycles", 1, w);
      sched(out, QUEUE_LENGTH, m, "Last queue length", 1, w);
      sched(out, DEPTH_MEAN, m, w.equals("main") ? "Mean depth cycle" : "Depth Mean", 1, w);
    }
    var bf = s.backfill();
    gauge(out, BF_DEPTH, bf, "Last depth cycle", 1);
    Double start = bf.get("Total backfilled jobs (since last slurm start)");
    if (start != null) {
      out.family(BF_JOBS).set(start, "start");
    }
    Double reset = bf.get("Total backfilled jobs (since last stats cycle start)");
    if (reset != null) {
      out.family(BF_JOBS).set(reset, "reset");
    }
    if (s.backfillLastCycle() != null) {
      out.family(BF_LAST).set(s.backfillLastCycle());
    }
    Out.Family calls = out.family(RPC_CALLS);
    Out.Family time = out.family(RPC_TIME);
    s.rpcByType().forEach((k, r) -> {
      calls.set(r.count(), k);
      time.set(r.totalMicros() * us, k);
    });
    Out.Family uc = out.family(RPC_USER_CALLS);
    Out.Family ut = out.family(RPC_USER_TIME);
    List<Map.Entry<String, Sdiag.Rpc>> users = new ArrayList<>(s.rpcByUser().entrySet());
    users.sort(Comparator.<Map.Entry<String, Sdiag.Rpc>>comparingLong(e -> -e.getValue().count())
        .thenComparing(Map.Entry::getKey));
    synchronized (rpcUsers) {
      for (var e : users) {
        if (rpcUsers.size() < TOP_RPC_USERS) {
          rpcUsers.add(e.getKey());
        }
      }
      for (var e : users) {
        String u = rpcUsers.contains(e.getKey()) ? e.getKey() : "other";
        uc.add(e.getValue().count(), u);
        ut.add(e.getValue().totalMicros() * us, u);
      }
    }
  }
}
