package org.hpcstatus.exporter.accounting;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;

/**
 * Accounting's metric catalog and the pure function from {@link AccountingState} to snapshots.
 *
 * <p>Names avoid family clashes: a gauge {@code slurm_user_cpu_seconds} next to the counter
 * {@code slurm_user_cpu_seconds_total} is one family name in OpenMetrics, so the windowed leaderboard
 * gauges are {@code slurm_user_windowed_*}; and the jobs collector already owns the gauge
 * {@code slurm_user_jobs} (queued/running jobs), so the finished-job counter is
 * {@code slurm_user_jobs_finished_total} rather than {@code slurm_user_jobs_total}.
 */
public final class AccountingMetrics {
  private AccountingMetrics() {}

  public static final MetricDef USER_JOBS = MetricDef.counter("slurm_user_jobs_finished_total",
      "Finished jobs per user, account and end state (exact, from sacct; users below min_jobs, beyond top_users "
          + "or opted out are summed as user=\"other\", accounts beyond top_accounts as account=\"other\").",
      "user", "account", "state");
  public static final MetricDef USER_CPU = MetricDef.counter("slurm_user_cpu_seconds_total",
      "CPU-seconds (AllocCPUS x ElapsedRaw) of finished jobs per user and account.", "user", "account");
  public static final MetricDef USER_GPU = MetricDef.counter("slurm_user_gpu_seconds_total",
      "GPU-seconds (GPUs in AllocTRES x ElapsedRaw; typed and untyped GPU TRES counted once) of finished jobs "
          + "per user and account.", "user", "account");
  public static final MetricDef USER_MEMORY = MetricDef.counter("slurm_user_memory_byte_seconds_total",
      "Allocated memory (AllocTRES mem, else ReqMem) x ElapsedRaw of finished jobs per user and account, in "
          + "byte-seconds.", "user", "account");
  public static final MetricDef PARTITION_JOBS = MetricDef.counter("slurm_jobs_finished_total",
      "Finished jobs per partition and end state (exact, all users).", "partition", "state");
  public static final MetricDef WAIT = MetricDef.histogram("slurm_job_wait_seconds",
      "Queue wait (Start - Submit) of finished jobs that started, per partition.", "partition");
  public static final MetricDef WIN_CPU = MetricDef.gauge("slurm_user_windowed_cpu_seconds",
      "CPU-seconds per user of jobs that ended in the window (30d, 365d: UTC days including today; all).",
      "user", "window");
  public static final MetricDef WIN_GPU = MetricDef.gauge("slurm_user_windowed_gpu_seconds",
      "GPU-seconds per user of jobs that ended in the window.", "user", "window");
  public static final MetricDef WIN_JOBS = MetricDef.gauge("slurm_user_windowed_jobs",
      "Finished jobs per user that ended in the window.", "user", "window");
  public static final MetricDef WIN_FAILED = MetricDef.gauge("slurm_user_windowed_failed_jobs",
      "Failed jobs (FAILED, NODE_FAIL, OUT_OF_MEMORY, TIMEOUT, PREEMPTED, BOOT_FAIL, DEADLINE) per user that "
          + "ended in the window.", "user", "window");
  public static final MetricDef CURSOR = MetricDef.gauge("hpcstatus_accounting_cursor_timestamp_seconds",
      "Jobs that ended before this time have been ingested; lag = time() - this.");
  public static final MetricDef SKIPPED = MetricDef.counter("hpcstatus_accounting_rows_skipped_total",
      "sacct rows not counted, by reason: step (job steps, expected), duplicate (already counted, expected "
          + "from the overlap window), not_finished, malformed.", "reason");
  public static final MetricDef LAST_SUCCESS = MetricDef.gauge("hpcstatus_accounting_last_success_timestamp_seconds",
      "Unix time of the last successful accounting step (0 if none yet).");
  public static final MetricDef SUCCESS = MetricDef.gauge("hpcstatus_accounting_success",
      "1 if the last accounting step (sacct + commit) succeeded, 0 if it failed and is being retried.");
  public static final MetricDef HIDDEN_USERS = MetricDef.gauge("hpcstatus_accounting_hidden_users",
      "Users folded into user=\"other\" (below min_jobs, beyond top_users, or opted out).");
  public static final MetricDef HIDDEN_ACCOUNTS = MetricDef.gauge("hpcstatus_accounting_hidden_accounts",
      "Accounts folded into account=\"other\" (beyond top_accounts).");
  public static final MetricDef CATCHING_UP = MetricDef.gauge("hpcstatus_accounting_catching_up",
      "1 while a backfill or a bitmap rebuild is pending (live counters lag until it finishes).");

  public static final List<String> WINDOWS = List.of("30d", "365d", "all");

  /** Every accounting metric: the catalog entries behind docs/metrics.md. */
  public static List<MetricDef> metrics() {
    return List.of(USER_JOBS, USER_CPU, USER_GPU, USER_MEMORY, PARTITION_JOBS, WAIT, WIN_CPU, WIN_GPU, WIN_JOBS,
        WIN_FAILED, CURSOR, SKIPPED, LAST_SUCCESS, SUCCESS, HIDDEN_USERS, HIDDEN_ACCOUNTS, CATCHING_UP);
  }

  /** Status of the ingest loop, for the self-metrics. */
  public record Health(boolean success, double lastSuccess, boolean catchingUp) {}

  /** Renders the state. Pure; {@code today} is the current UTC day (days since epoch). */
  public static List<MetricSnapshot> render(AccountingState st, String cluster, long today, Health health) {
    Out out = new Out(cluster);
    Out.Family jobs = out.family(USER_JOBS);
    Out.Family cpu = out.family(USER_CPU);
    Out.Family gpu = out.family(USER_GPU);
    Out.Family mem = out.family(USER_MEMORY);
    Map<String, long[]> allTime = new HashMap<>();
    int hidden = 0;
    java.util.Set<String> hiddenAccounts = new java.util.HashSet<>();
    for (var ue : st.totals.users.entrySet()) {
      String user = Visibility.label(st, ue.getKey());
      if (user.equals(Visibility.OTHER)) {
        hidden++;
      }
      long[] at = allTime.computeIfAbsent(user, k -> new long[4]);
      for (var ae : ue.getValue().entrySet()) {
        String account = Visibility.accountLabel(st, ae.getKey());
        if (account.equals(Visibility.OTHER)) {
          hiddenAccounts.add(ae.getKey());
        }
        Totals.Usage u = ae.getValue();
        for (JobState s : JobState.ALL) {
          long n = u.jobs[s.ordinal()];
          if (n > 0) {
            jobs.add(n, user, account, s.label);
            at[Totals.D_JOBS] += n;
            if (s.failure) {
              at[Totals.D_FAILED] += n;
            }
          }
        }
        cpu.add(u.cpuSeconds, user, account);
        gpu.add(u.gpuSeconds, user, account);
        mem.add(u.memoryKibSeconds * 1024.0, user, account);
        at[Totals.D_CPU] += u.cpuSeconds;
        at[Totals.D_GPU] += u.gpuSeconds;
      }
    }

    Out.Family part = out.family(PARTITION_JOBS);
    Out.Histogram wait = out.histogram(WAIT, Totals.WAIT_BOUNDS);
    for (var pe : st.totals.partitions.entrySet()) {
      Totals.PartitionUsage p = pe.getValue();
      for (JobState s : JobState.ALL) {
        if (p.jobs[s.ordinal()] > 0) {
          part.add(p.jobs[s.ordinal()], pe.getKey(), s.label);
        }
      }
      long started = 0;
      for (long w : p.wait) {
        started += w;
      }
      if (started > 0) {
        wait.addBuckets(p.wait.clone(), p.waitSumSeconds, pe.getKey());
      }
    }

    Map<String, long[]> d30 = window(st, today, 30);
    Map<String, long[]> d365 = window(st, today, 365);
    Out.Family[] win = {out.family(WIN_JOBS), out.family(WIN_FAILED), out.family(WIN_CPU), out.family(WIN_GPU)};
    emitWindow(win, d30, "30d");
    emitWindow(win, d365, "365d");
    emitWindow(win, allTime, "all");

    out.family(CURSOR).set(Math.max(0, st.cursor));
    Out.Family skipped = out.family(SKIPPED);
    for (String r : List.of("step", "duplicate", "not_finished", "malformed")) {
      skipped.set(st.skipped.getOrDefault(r, 0L), r);
    }
    out.family(LAST_SUCCESS).set(health.lastSuccess());
    out.family(SUCCESS).set(health.success() ? 1 : 0);
    out.family(HIDDEN_USERS).set(hidden);
    out.family(HIDDEN_ACCOUNTS).set(hiddenAccounts.size());
    out.family(CATCHING_UP).set(health.catchingUp() ? 1 : 0);
    return out.build();
  }

  /** Only the health gauges: accounting could not open its state yet. */
  public static List<MetricSnapshot> renderHealthOnly(String cluster, Health health) {
    Out out = new Out(cluster);
    out.family(LAST_SUCCESS).set(health.lastSuccess());
    out.family(SUCCESS).set(health.success() ? 1 : 0);
    out.family(CATCHING_UP).set(0);
    return out.build();
  }

  private static void emitWindow(Out.Family[] win, Map<String, long[]> values, String window) {
    values.forEach((user, v) -> {
      for (int i = 0; i < 4; i++) {
        win[i].add(v[i], user, window);
      }
    });
  }

  /** Per-label sums of the daily rollups of the last {@code days} UTC days, today included. */
  static Map<String, long[]> window(AccountingState st, long today, int days) {
    Map<String, long[]> m = new HashMap<>();
    for (var de : st.totals.daily.subMap(today - days + 1, true, today, true).entrySet()) {
      de.getValue().forEach((u, v) -> {
        long[] t = m.computeIfAbsent(Visibility.label(st, u), k -> new long[4]);
        for (int i = 0; i < 4; i++) {
          t[i] += v[i];
        }
      });
    }
    return m;
  }
}
