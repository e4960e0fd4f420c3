package org.hpcstatus.dashboards.boards;

import static org.hpcstatus.dashboards.Q.increase;
import static org.hpcstatus.dashboards.Q.orNone;
import static org.hpcstatus.dashboards.Q.count;
import static org.hpcstatus.dashboards.Q.quantile;
import static org.hpcstatus.dashboards.Q.rate;
import static org.hpcstatus.dashboards.Q.sel;
import static org.hpcstatus.dashboards.Q.sum;
import static org.hpcstatus.dashboards.model.PanelBuilder.stat;
import static org.hpcstatus.dashboards.model.PanelBuilder.table;
import static org.hpcstatus.dashboards.model.PanelBuilder.text;
import static org.hpcstatus.dashboards.model.PanelBuilder.timeseries;

import java.util.List;
import org.hpcstatus.dashboards.model.Board;
import org.hpcstatus.dashboards.model.PanelBuilder;
import org.hpcstatus.exporter.accounting.AccountingMetrics;
import org.hpcstatus.exporter.core.MetricDef;

/** Leaderboards from exact sacct accounting: who used how much over 30 days, 365 days and all time. */
public final class Scoreboard {

  public static final String UID = "hpcstatus-scoreboard";
  static final String ACCOUNT = "account=~\"$account\"";
  static final String PARTITION = "partition=~\"$partition\"";

  static final String NOTE = """
      **How to read the scoreboard.** Numbers come from the exporter's exact sacct accounting (every finished
      job once; see docs/accounting.md). Users with fewer than `accounting.min_jobs` finished jobs, users
      beyond `accounting.top_users` and users who opted out (`accounting.exclude_users`) are **summed as
      "other"**, so the totals stay exact while nobody below the threshold is shown by name; accounts beyond
      `accounting.top_accounts` are summed as `account="other"` the same way.
      The 30 d / 365 d / all-time leaderboards count jobs that *ended* in the window (UTC days, including
      today) and are per user over all accounts (the windowed series carry no account label); the account
      filter applies to the "per account" panels, which are built from the lifetime counters.
      """;

  private Scoreboard() {}

  public static Board board() {
    return new Board(UID, "HPC status: scoreboard",
        "Leaderboards of CPU-hours, GPU-hours, jobs, failed jobs and failure ratio per user over 30 days, 365 days "
            + "and all time, per cluster and across clusters; usage per account; queue wait per partition.",
        List.of("hpc-status", "accounting"))
        .timeFrom("now-7d")
        .labelVariable("cluster", "Cluster", SelfBuildInfo.SELECTOR, "Clusters (exporters) to show")
        .labelVariable("account", "Account",
            AccountingMetrics.USER_CPU.name() + "{cluster=~\"$cluster\"}", "Accounts for the per-account panels")
        .labelVariable("partition", "Partition",
            AccountingMetrics.WAIT.name() + "_count{cluster=~\"$cluster\"}", "Partitions for the wait panels")
        .row("About", "How the numbers are counted.", text("About the scoreboard", NOTE)
            .desc("Users below min_jobs, beyond top_users and opted-out users are summed as \"other\"; accounts beyond "
                + "top_accounts as account=\"other\".").size(12, 5),
            hiddenUsers(), hiddenAccounts())
        .row("Cross-cluster totals per user", "Each user's totals summed over the selected clusters.",
            leaderboard("Cross-cluster totals, 30 days", "30d", "user"),
            leaderboard("Cross-cluster totals, 365 days", "365d", "user"),
            leaderboard("Cross-cluster totals, all time", "all", "user"))
        .row("Leaderboards per cluster", "One line per cluster and user.",
            leaderboard("Leaderboard, 30 days", "30d", "cluster, user"),
            leaderboard("Leaderboard, 365 days", "365d", "cluster, user"),
            leaderboard("Leaderboard, all time", "all", "cluster, user"))
        .row("Per account", "Finished work per account over time (filtered by the account variable).",
            perAccount("CPU-hours finished per account", AccountingMetrics.USER_CPU),
            perAccount("GPU-hours finished per account", AccountingMetrics.USER_GPU), failedPerAccount())
        .row("Wait times per partition", "Queue wait (Start - Submit) of finished jobs.", waitPercentile(0.5),
            waitPercentile(0.9), meanWait());
  }

  static PanelBuilder hiddenUsers() {
    return stat("Users summed as \"other\"")
        .desc("Users folded into user=\"other\" (below min_jobs, beyond top_users, or opted out), per cluster.")
        .query("max by (cluster) (" + sel(AccountingMetrics.HIDDEN_USERS) + ")", "{{cluster}}")
        .unit("short").size(6, 5).noValue("accounting off").option("textMode", "value_and_name");
  }

  static PanelBuilder hiddenAccounts() {
    return stat("Accounts summed as \"other\"")
        .desc("Accounts folded into account=\"other\" (beyond accounting.top_accounts), per cluster.")
        .query("max by (cluster) (" + sel(AccountingMetrics.HIDDEN_ACCOUNTS) + ")", "{{cluster}}")
        .unit("short").size(6, 5).noValue("accounting off").option("textMode", "value_and_name");
  }

  static PanelBuilder leaderboard(String title, String window, String by) {
    String w = "window=\"" + window + "\"";
    String cpu = "sum by (" + by + ") (" + sel(AccountingMetrics.WIN_CPU, w) + ") / 3600";
    String gpu = "sum by (" + by + ") (" + sel(AccountingMetrics.WIN_GPU, w) + ") / 3600";
    String jobs = "sum by (" + by + ") (" + sel(AccountingMetrics.WIN_JOBS, w) + ")";
    String failed = "sum by (" + by + ") (" + sel(AccountingMetrics.WIN_FAILED, w) + ")";
    return table(title)
        .desc("CPU-hours, GPU-hours, finished jobs, failed jobs (FAILED, NODE_FAIL, OUT_OF_MEMORY, TIMEOUT, PREEMPTED, "
            + "BOOT_FAIL, DEADLINE) and failure ratio per " + ("user".equals(by) ? "user over the selected clusters"
            : "cluster and user") + ", for jobs that ended in the window " + window + ". Sorted by CPU-hours. Users "
            + "below min_jobs and opted-out users are summed as \"other\".")
        .query(cpu, "").query(gpu, "").query(jobs, "").query(failed, "").query(failed + " / (" + jobs + " > 0)", "")
        .unit("short").size(8, 10)
        .column("A", "CPU-hours", "short").column("B", "GPU-hours", "short").column("C", "jobs", "short")
        .column("D", "failed", "short").column("E", "failure ratio", "percentunit")
        .mergeTable(List.of(), "CPU-hours");
  }

  static PanelBuilder perAccount(String title, MetricDef counter) {
    return timeseries(title)
        .desc("Hours of finished jobs per account and interval (increase of " + counter.name() + " over the rate "
            + "interval, / 3600), stacked.")
        .query("sum by (account) (" + increase(sel(counter, ACCOUNT)) + ") / 3600", "{{account}}")
        .unit("short").size(8, 8).stacked();
  }

  static PanelBuilder failedPerAccount() {
    return timeseries("Finished jobs per account and end state")
        .desc("Jobs finished per rate interval, per account and end state (completed, failed, timeout, cancelled, …).")
        .query(orNone("sum by (account, state) (" + increase(sel(AccountingMetrics.USER_JOBS, ACCOUNT)) + ")", "state",
            sel(AccountingMetrics.SUCCESS)),
            "{{account}} {{state}}")
        .unit("short").size(8, 8);
  }

  static PanelBuilder waitPercentile(double q) {
    String name = "p" + Math.round(q * 100);
    return timeseries("Queue wait " + name + " per partition")
        .desc(name + " of queue wait of jobs that finished within each rate interval, per partition "
            + "(slurm_job_wait_seconds); gaps where no job finished.")
        .query(quantile(q, AccountingMetrics.WAIT, "partition", PARTITION), name + " {{partition}}")
        .unit("s").size(8, 8);
  }

  static PanelBuilder meanWait() {
    String key = "partition";
    return timeseries("Mean queue wait per partition")
        .desc("Mean queue wait (sum / count of slurm_job_wait_seconds over the rate interval) per partition.")
        .query("sum by (" + key + ") (" + rate(sum(AccountingMetrics.WAIT, PARTITION)) + ") / sum by (" + key
            + ") (" + rate(count(AccountingMetrics.WAIT, PARTITION)) + ")", "{{partition}}")
        .unit("s").size(8, 8);
  }
}
