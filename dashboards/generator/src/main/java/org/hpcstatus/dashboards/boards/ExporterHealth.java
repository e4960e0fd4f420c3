package org.hpcstatus.dashboards.boards;

import static org.hpcstatus.dashboards.Q.exporterUp;
import static org.hpcstatus.dashboards.Q.orNone;
import static org.hpcstatus.dashboards.Q.quantile;
import static org.hpcstatus.dashboards.Q.rate;
import static org.hpcstatus.dashboards.Q.sel;
import static org.hpcstatus.dashboards.model.PanelBuilder.bargauge;
import static org.hpcstatus.dashboards.model.PanelBuilder.stat;
import static org.hpcstatus.dashboards.model.PanelBuilder.stateTimeline;
import static org.hpcstatus.dashboards.model.PanelBuilder.table;
import static org.hpcstatus.dashboards.model.PanelBuilder.timeseries;

import java.util.List;
import org.hpcstatus.dashboards.model.Board;
import org.hpcstatus.dashboards.model.PanelBuilder;
import org.hpcstatus.exporter.accounting.AccountingMetrics;
import org.hpcstatus.exporter.core.Poller;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.health.HealthMetrics;

/** Is the exporter itself healthy: collectors, Slurm commands, parsing, accounting, check scheduling. */
public final class ExporterHealth {

  public static final String UID = "hpcstatus-exporter-health";

  private ExporterHealth() {}

  public static Board board() {
    return new Board(UID, "HPC status: exporter health",
        "The exporter's own health: collector success, duration and staleness, Slurm command latency and "
            + "failures, parse errors, accounting cursor lag and skipped rows, check scheduling, build info.",
        List.of("hpc-status", "exporter"))
        .timeFrom("now-3h")
        .labelVariable("cluster", "Cluster", SelfBuildInfo.SELECTOR, "Clusters (exporters) to show")
        .row("Collectors", "The background poller's collectors (one per Slurm source).", collectorSuccess(),
            collectorDuration(), collectorStaleness())
        .row("Slurm commands", "External commands the collectors run.", commandLatency(), commandFailures(),
            parseErrors())
        .row("Accounting", "The exact sacct accounting.", accountingLag(), accountingState(), skippedRows())
        .row("Checks and build", "Service check scheduling and the running version.", checkAge(), buildInfo());
  }

  static PanelBuilder collectorSuccess() {
    return stateTimeline("Collector success")
        .desc("1 while a collector's last run succeeded, 0 while it fails (its metrics are then absent).")
        .query("max by (cluster, collector) (" + sel(Poller.SUCCESS) + ")", "{{cluster}} {{collector}}")
        .unit("none").size(24, 7).binary("ok", "failing", "no data");
  }

  static PanelBuilder collectorDuration() {
    return timeseries("Collector duration")
        .desc("Wall time of each collector's last run in the background poller.")
        .query("max by (cluster, collector) (" + sel(Poller.DURATION) + ")", "{{cluster}} {{collector}}")
        .unit("s").size(12, 8);
  }

  static PanelBuilder collectorStaleness() {
    return ageVsInterval("Collector staleness", "Age of each collector's last successful run divided by its poll "
        + "interval: about 1 is normal, much more means its metrics are old or absent.", "collector",
        sel(Poller.LAST_SUCCESS), sel(Poller.INTERVAL));
  }

  /** (time() - timestamp) / interval per {@code key}: about 1 is normal. */
  private static PanelBuilder ageVsInterval(String title, String desc, String key, String timestamp, String interval) {
    return bargauge(title).desc(desc)
        .query("max by (cluster, " + key + ") ((time() - " + timestamp + ") / " + interval + ")",
            "{{cluster}} {{" + key + "}}")
        .unit("short").size(12, 8).thresholds("green", 2, "orange", 5, "red").decimals(1);
  }

  static PanelBuilder commandLatency() {
    return timeseries("Command latency p90")
        .desc("p90 wall time of the Slurm CLI calls (scontrol, squeue, sdiag, sshare, sacct) over the rate interval.")
        .query(quantile(0.9, SelfMetrics.COMMAND_DURATION, "command"), "{{command}}")
        .unit("s").size(8, 8);
  }

  static PanelBuilder commandFailures() {
    return timeseries("Command failures by reason")
        .desc("Failed external commands per second by command and reason (not_found, timeout, exit_code, "
            + "output_too_large, io_error); \"none\" while nothing failed.")
        .query(orNone("sum by (command, reason) (" + rate(sel(SelfMetrics.COMMAND_FAILURES)) + ")", "reason",
            exporterUp()),
            "{{command}} {{reason}}")
        .unit("cps").size(8, 8);
  }

  static PanelBuilder parseErrors() {
    return timeseries("Parse errors")
        .desc("Lines or records of command output that could not be parsed and were skipped, per second and collector.")
        .query("sum by (collector) (" + rate(sel(SelfMetrics.PARSE_ERRORS)) + ")", "{{collector}}")
        .unit("cps").size(8, 8);
  }

  static PanelBuilder accountingLag() {
    return timeseries("Accounting cursor lag")
        .desc("time() - hpcstatus_accounting_cursor_timestamp_seconds: jobs that ended before the cursor are counted.")
        .query("max by (cluster) (time() - " + sel(AccountingMetrics.CURSOR) + ")", "{{cluster}}")
        .unit("s").size(8, 8);
  }

  static PanelBuilder accountingState() {
    return stat("Accounting state")
        .desc("Last accounting step succeeded (1) or is failing and retried (0); catching up is 1 while a backfill "
            + "or bitmap rebuild is pending.")
        .query("max by (cluster) (" + sel(AccountingMetrics.SUCCESS) + ")", "{{cluster}} ok")
        .query("max by (cluster) (" + sel(AccountingMetrics.CATCHING_UP) + ")", "{{cluster}} catching up")
        .unit("none").size(8, 8).noValue("accounting off").option("textMode", "value_and_name");
  }

  static PanelBuilder skippedRows() {
    return timeseries("Accounting rows skipped")
        .desc("sacct rows not counted per second, by reason: step and duplicate are expected, not_finished and "
            + "malformed are not.")
        .query("sum by (reason) (" + rate(sel(AccountingMetrics.SKIPPED)) + ")", "{{reason}}")
        .unit("cps").size(8, 8);
  }

  static PanelBuilder checkAge() {
    return ageVsInterval("Check age vs interval", "Seconds since each service check last finished divided by its "
        + "interval: about 1 is normal; above 2 the check scheduler is late or the check hangs past its timeout.",
        "service", sel(HealthMetrics.LAST_CHECK), sel(HealthMetrics.INTERVAL));
  }

  static PanelBuilder buildInfo() {
    return table("Build info")
        .desc("Version and source revision of each running exporter.")
        .query("max by (cluster, version, revision) (" + sel(SelfMetrics.BUILD_INFO) + ")", "")
        .unit("none").size(12, 8).mergeTable(List.of("Value"), null);
  }
}
