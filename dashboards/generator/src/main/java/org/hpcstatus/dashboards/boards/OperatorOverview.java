package org.hpcstatus.dashboards.boards;

import static org.hpcstatus.dashboards.Q.exporterUp;
import static org.hpcstatus.dashboards.Q.increase;
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

import java.util.List;
import org.hpcstatus.dashboards.model.Board;
import org.hpcstatus.dashboards.model.PanelBuilder;
import org.hpcstatus.exporter.accounting.AccountingMetrics;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Poller;
import org.hpcstatus.exporter.health.HealthMetrics;
import org.hpcstatus.exporter.health.kinds.FilesystemCheck;
import org.hpcstatus.exporter.health.kinds.InfluxDbCheck;
import org.hpcstatus.exporter.health.kinds.MqttCheck;
import org.hpcstatus.exporter.health.kinds.PostgresCheck;
import org.hpcstatus.exporter.health.kinds.RabbitMqCheck;
import org.hpcstatus.exporter.health.kinds.RedisCheck;
import org.hpcstatus.exporter.health.kinds.SqlCheck;
import org.hpcstatus.exporter.slurm.controller.ControllerCollector;

/** The on-call "control view": is anything wrong anywhere (services, Slurm controller, exporter)? */
public final class OperatorOverview {

  public static final String UID = "hpcstatus-operator-overview";

  private OperatorOverview() {}

  public static Board board() {
    return new Board(UID, "HPC status: operator overview",
        "One screen that says whether anything is wrong anywhere: service health, capacity, throughput, "
            + "write latency, the Slurm controller, failing collectors and accounting lag.",
        List.of("hpc-status", "operator"))
        .timeFrom("now-3h")
        .labelVariable("cluster", "Cluster", SelfBuildInfo.SELECTOR, "Clusters (exporters) to show")
        .row("Health", "Is every configured service up, and if not, why?", healthGrid(), servicesDown(),
            controllerUp(), collectorsFailing(), accountingLag())
        .row("Checks", "How long checks take and how they fail.", checkLatency(), failuresByReason(),
            recentFailures(), checkStatus())
        .row("Capacity", "How close the platform services are to their limits.", postgresConnections(),
            databaseSizes(), redisMemory(), mqttClients(), rabbitDepth(), filesystemBytes(), filesystemInodes())
        .row("Throughput and write latency", "Messages per second and write round trips, as percentiles over time.",
            mqttMessages(), rabbitReadyUnacked(), roundTrip("InfluxDB write round trip", InfluxDbCheck.ROUND_TRIP,
                "Write one point to round_trip_database (1.x) or round_trip_bucket (2.x) and read it back"),
            roundTrip("MQTT publish round trip", MqttCheck.ROUND_TRIP,
                "QoS 1 publish to round_trip_topic until the check's own subscription receives it"))
        .row("Platform (sql checks)", "Site-defined aggregates from the `sql` checks' queries.", sqlQueries(),
            sqlGauges());
  }

  private static String by(String labels, String expr) {
    return "max by (" + labels + ") (" + expr + ")";
  }

  /** One tile per configured service: UP green, DOWN red, grey when the exporter stopped reporting it. */
  static PanelBuilder healthGrid() {
    String svc = "cluster, service, kind";
    String up = by(svc, sel(HealthMetrics.UP));
    String reasons = "topk by (" + svc + ") (1, sum by (" + svc + ", reason) ("
        + increase(sel(HealthMetrics.FAILURES)) + ") > 0)";
    String withReason = "(" + up + " * on (" + svc + ") group_left (reason) (" + reasons + " * 0 + 1))";
    String seen = "(" + by(svc, "last_over_time(" + sel(HealthMetrics.INTERVAL) + "[1h])") + " * 0 - 1)";
    return stat("Service health")
        .desc("One tile per configured service check: green UP, red DOWN (service_up: failure_threshold "
            + "checks in a row failed, or no success yet), grey NO DATA when the service was reported in the "
            + "last hour but is not any more (exporter down or check removed). The reason of failures in "
            + "the last rate interval (timeout, refused, dns, tls, auth, http_status, protocol, unhealthy) "
            + "is shown next to the name.")
        .query(withReason + " or on (" + svc + ") " + up + " or on (" + svc + ") " + seen,
            "{{service}} {{reason}}")
        .unit("none").size(24, 5)
        .binary("UP", "DOWN", "NO DATA").map("-1", "NO DATA", "#808080").noValue("no services configured")
        .colorByThresholds()
        .option("colorMode", "background").option("textMode", "value_and_name");
  }

  static PanelBuilder servicesDown() {
    return stat("Services down")
        .desc("Service checks whose service_up is 0 right now.")
        .query(orZero("count(" + sel(HealthMetrics.UP) + " == 0)", sel(HealthMetrics.UP)), "down")
        .noValue("no services configured")
        .unit("short").size(5, 4).thresholds("green", 1, "red").colorByThresholds().option("colorMode", "background");
  }

  static PanelBuilder controllerUp() {
    return stat("Slurm controller")
        .desc("slurmctld answering `scontrol ping`, per role (primary, backup). Grey: the controller collector "
            + "has no result (see Collectors failing).")
        .query(by("cluster, role", sel(ControllerCollector.UP)), "{{cluster}} {{role}}")
        .unit("none").size(9, 4).binary("UP", "DOWN", "NO DATA").noValue("NO DATA").colorByThresholds()
        .option("colorMode", "background").option("textMode", "value_and_name");
  }

  static PanelBuilder collectorsFailing() {
    String collectors = orZero("count(" + sel(Poller.SUCCESS) + " == 0)", sel(Poller.SUCCESS));
    String accounting = orZero("count(" + sel(AccountingMetrics.SUCCESS) + " == 0)");
    return stat("Collectors failing")
        .desc("Slurm collectors whose last run failed (their metrics are absent) plus a failing accounting "
            + "step. Details on the exporter health dashboard.")
        .query("(" + collectors + ") + (" + accounting + ")", "failing").noValue("NO DATA")
        .unit("short").size(5, 4).thresholds("green", 1, "red").colorByThresholds().option("colorMode", "background");
  }

  static PanelBuilder accountingLag() {
    return stat("Accounting lag")
        .desc("How far the exact sacct accounting is behind: time() - hpcstatus_accounting_cursor_timestamp_seconds "
            + "(the worst selected cluster). Normal: about the accounting interval plus a minute.")
        .query("max(time() - " + sel(AccountingMetrics.CURSOR) + ")", "lag")
        .unit("s").size(5, 4).noValue("accounting off").thresholds("green", 600, "orange", 3600, "red")
        .colorByThresholds();
  }

  static PanelBuilder checkLatency() {
    PanelBuilder p = timeseries("Check latency percentiles")
        .desc("p50/p90/p99 of service check durations over the rate interval, per service "
            + "(service_check_latency_seconds).")
        .unit("s").size(12, 8).legendTable("mean", "max");
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      p.query(quantile(q, HealthMetrics.LATENCY, "service"), "p" + Math.round(q * 100) + " {{service}}");
    }
    return p;
  }

  static PanelBuilder failuresByReason() {
    return timeseries("Check failures by reason")
        .desc("Failed checks per second by reason (timeout, refused, dns, tls, auth, http_status, protocol, "
            + "unhealthy), all services.")
        .query("sum by (reason) (" + rate(sel(HealthMetrics.FAILURES)) + ")", "{{reason}}")
        .unit("cps").size(12, 8).stacked();
  }

  static PanelBuilder recentFailures() {
    return stateTimeline("Recent check results")
        .desc("Every check's raw result over time (service_check_success: before failure_threshold), so short "
            + "failures that did not turn the service DOWN are visible too.")
        .query(by("cluster, service", sel(HealthMetrics.SUCCESS)), "{{service}}")
        .unit("none").size(12, 8).binary("ok", "failed", "no data");
  }

  static PanelBuilder checkStatus() {
    String svc = "cluster, service, kind";
    return table("Check status")
        .desc("Per check: failures in a row, seconds since the last success and the last check's duration. "
            + "Sorted by failures in a row.")
        .query(by(svc, sel(HealthMetrics.CONSECUTIVE_FAILURES)), "")
        .query(by(svc, "time() - " + sel(HealthMetrics.LAST_SUCCESS)), "")
        .query(by(svc, sel(HealthMetrics.DURATION)), "")
        .unit("short").size(12, 8)
        .column("A", "failures in a row", "short").column("B", "since last success", "s")
        .column("C", "last duration", "s").mergeTable(List.of(), "failures in a row");
  }

  static PanelBuilder postgresConnections() {
    String svc = "cluster, service";
    String used = "sum by (" + svc + ") (" + sel(PostgresCheck.CONNECTIONS) + ")";
    String usable = "(" + by(svc, sel(PostgresCheck.MAX_CONNECTIONS)) + " - "
        + by(svc, sel(PostgresCheck.RESERVED_CONNECTIONS)) + ")";
    return gauge("Postgres connections vs max")
        .desc("Client backends (all states) / (max_connections - superuser_reserved_connections) per postgres check.")
        .query(used + " / " + usable, "{{service}}")
        .unit("percentunit").range(0, 1).size(5, 6).noValue("no postgres check")
        .thresholds("green", 0.8, "orange", 0.9, "red");
  }

  static PanelBuilder databaseSizes() {
    return bargauge("Database sizes")
        .desc("pg_database_size() of each configured database.")
        .query(by("cluster, service, database", sel(PostgresCheck.DATABASE_SIZE_BYTES)), "{{service}}/{{database}}")
        .unit("bytes").size(6, 6).noValue("no postgres check");
  }

  static PanelBuilder redisMemory() {
    return bargauge("Redis memory used")
        .desc("INFO memory used_memory per redis check (maxmemory 0 means no limit; see the service's config).")
        .query(by("cluster, service", sel(RedisCheck.MEMORY_USED)), "{{service}}")
        .unit("bytes").size(5, 6).noValue("no redis check");
  }

  static PanelBuilder mqttClients() {
    return stat("MQTT clients")
        .desc("$SYS/broker/clients/connected per broker, as last published by the broker.")
        .query(orNone("sum by (service) (" + sel(MqttCheck.CLIENTS) + ")", "service", exporterUp()), "{{service}}")
        .unit("short").size(4, 6);
  }

  static PanelBuilder rabbitDepth() {
    String depth = "sum by (service) (" + sel(RabbitMqCheck.READY) + " + " + sel(RabbitMqCheck.UNACKED) + ")";
    return stat("RabbitMQ queue depth")
        .desc("Messages ready + unacknowledged over all queues (/api/overview queue_totals); \"none\" when no "
            + "rabbitmq check reports.")
        .query(orNone(depth, "service", exporterUp()), "{{service}}")
        .unit("short").size(4, 6).thresholds("green", 1000, "orange", 10000, "red");
  }

  private static PanelBuilder fsRatio(String title, String desc, MetricDef free, MetricDef size) {
    String svc = "cluster, service";
    String ratio = "1 - " + by(svc, sel(free)) + " / (" + by(svc, sel(size)) + " > 0)";
    return bargauge(title).desc(desc).query(ratio, "{{service}}").unit("percentunit").range(0, 1).size(12, 6)
        .noValue("no filesystem check").thresholds("green", 0.8, "orange", 0.9, "red");
  }

  static PanelBuilder filesystemBytes() {
    return fsRatio("Filesystem space used", "1 - available / size (bytes available to unprivileged users).",
        FilesystemCheck.AVAIL, FilesystemCheck.SIZE);
  }

  static PanelBuilder filesystemInodes() {
    return fsRatio("Filesystem inodes used",
        "1 - free inodes / total inodes; filesystems without a fixed inode table (total 0) are left out.",
        FilesystemCheck.FILES_FREE, FilesystemCheck.FILES);
  }

  static PanelBuilder mqttMessages() {
    return timeseries("MQTT messages per second")
        .desc("Messages the broker received and sent per second ($SYS/broker/messages/received, …/sent).")
        .query("sum by (service) (" + rate(sel(MqttCheck.RECEIVED)) + ")", "received {{service}}")
        .query("sum by (service) (" + rate(sel(MqttCheck.SENT)) + ")", "sent {{service}}")
        .unit("cps").size(6, 8);
  }

  static PanelBuilder rabbitReadyUnacked() {
    return timeseries("RabbitMQ ready / unacknowledged")
        .desc("Messages ready and unacknowledged over all queues; \"none\" when no rabbitmq check reports.")
        .query(orNone("sum by (service) (" + sel(RabbitMqCheck.READY) + ")", "service", exporterUp()), "ready {{service}}")
        .query(orNone("sum by (service) (" + sel(RabbitMqCheck.UNACKED) + ")", "service", exporterUp()), "unacked {{service}}")
        .unit("short").size(6, 8);
  }

  static PanelBuilder roundTrip(String title, MetricDef metric, String what) {
    PanelBuilder p = timeseries(title)
        .desc(what + ": p50/p90/max of the measured round trips within each rate interval.")
        .unit("s").size(6, 8);
    String[][] qs = {{"0.5", "p50"}, {"0.9", "p90"}, {"1", "max"}};
    for (String[] q : qs) {
      p.query(by("cluster, service", "quantile_over_time(" + q[0] + ", " + sel(metric) + "[$__rate_interval])"),
          q[1] + " {{service}}");
    }
    return p;
  }

  static PanelBuilder sqlQueries() {
    String key = "cluster, service, query";
    return table("SQL queries")
        .desc("Each query of the sql checks: whether it ran (1) or failed (0, its gauges are then absent) and "
            + "how long it took.")
        .query(by(key, sel(SqlCheck.QUERY_SUCCESS)), "")
        .query(by(key, sel(SqlCheck.QUERY_DURATION)), "")
        .unit("short").size(8, 7).noValue("no sql check")
        .column("A", "ran", "none").column("B", "duration", "s").mergeTable(List.of(), null);
  }

  static PanelBuilder sqlGauges() {
    return table("Platform aggregates")
        .desc("The site-defined gauges of the sql checks (service_sql_<metric>, one column per label of the "
            + "query), e.g. tenants by plan or open alerts by severity. Their names come from the config, so "
            + "they are selected by prefix, excluding the catalog's service_sql_query_* metrics.")
        .query("{__name__=~\"service_sql_.+\", __name__!~\"service_sql_query_.+\", cluster=~\"$cluster\"}", "")
        .unit("short").size(16, 7).noValue("no sql check queries")
        .mergeTable(List.of("job", "instance"), null);
  }
}
