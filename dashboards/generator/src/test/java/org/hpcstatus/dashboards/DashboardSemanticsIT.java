package org.hpcstatus.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.hpcstatus.dashboards.boards.ClusterStatus;
import org.hpcstatus.dashboards.boards.OperatorOverview;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the trickier panel queries return, evaluated by Prometheus's own engine ({@code promtool test
 * rules} with {@code promql_expr_test}) on synthetic series: the health grid's UP/DOWN/NO DATA with the
 * failure reason, "none"/0 fallbacks that appear only when a count is empty while its source reports (and
 * not at all while the exporter is down), a drained node winning over its base state on the timeline, and
 * failing collectors counted with accounting.
 */
class DashboardSemanticsIT {

  private static String expr(String uid, String panel, String refId) {
    return Generator.expressions().stream()
        .filter(e -> e.dashboardUid().equals(uid) && e.panelTitle().equals(panel) && e.refId().equals(refId))
        .map(e -> Generator.substitute(e.expr(), "3m", Map.of()))
        .findFirst().orElseThrow(() -> new AssertionError("no panel " + uid + " / " + panel + " / " + refId));
  }

  private static String quoted(String expr) {
    return "'" + expr.replace("'", "''") + "'";
  }

  @Test
  void panelQueriesMeanWhatTheySay(@TempDir Path dir) throws Exception {
    Promtool.require();
    String health = expr(OperatorOverview.UID, "Service health", "A");
    String failing = expr(OperatorOverview.UID, "Collectors failing", "A");
    String down = expr(OperatorOverview.UID, "Services down", "A");
    String pending = expr(ClusterStatus.UID, "Pending jobs by reason", "A");
    String timeline = expr(ClusterStatus.UID, "Node states", "A");
    String test = """
        rule_files: []
        evaluation_interval: 1m
        tests:
          # db is up; mq fails (refused) and is down; fs stopped being reported after 2m
          - interval: 1m
            input_series:
              - series: 'service_up{cluster="c1", service="db", kind="postgres"}'
                values: '1x10'
              - series: 'service_check_interval_seconds{cluster="c1", service="db", kind="postgres"}'
                values: '15x10'
              - series: 'service_check_failures_total{cluster="c1", service="db", kind="postgres", reason="timeout"}'
                values: '0x10'
              - series: 'service_up{cluster="c1", service="mq", kind="mqtt"}'
                values: '0x10'
              - series: 'service_check_interval_seconds{cluster="c1", service="mq", kind="mqtt"}'
                values: '15x10'
              - series: 'service_check_failures_total{cluster="c1", service="mq", kind="mqtt", reason="refused"}'
                values: '0+4x10'
              - series: 'service_check_failures_total{cluster="c1", service="mq", kind="mqtt", reason="timeout"}'
                values: '0x10'
              - series: 'service_up{cluster="c1", service="fs", kind="filesystem"}'
                values: '1 1 1 _ _ _ _ _ _ _ _'
              - series: 'service_check_interval_seconds{cluster="c1", service="fs", kind="filesystem"}'
                values: '15 15 15 _ _ _ _ _ _ _ _'
              - series: 'hpcstatus_collector_success{cluster="c1", collector="nodes"}'
                values: '1x10'
              - series: 'hpcstatus_collector_success{cluster="c1", collector="jobs"}'
                values: '1x10'
              - series: 'hpcstatus_collector_success{cluster="c1", collector="fairshare"}'
                values: '0x10'
              - series: 'hpcstatus_accounting_success{cluster="c1"}'
                values: '0x10'
              - series: 'slurm_jobs_pending{cluster="c1", reason="Priority"}'
                values: '0x5 3x5'
              - series: 'slurm_node_info{cluster="c1", node="cn1", state="idle", flags="", partitions="batch"}'
                values: '1x10'
              - series: 'slurm_node_info{cluster="c1", node="cn2", state="idle", flags="drain,drained", partitions="batch"}'
                values: '1x10'
              - series: 'slurm_node_info{cluster="c1", node="dead1", state="down", flags="drain,not_responding", partitions="batch"}'
                values: '1x10'
            promql_expr_test:
              - expr: @HEALTH@
                eval_time: 10m
                exp_samples:
                  - labels: '{cluster="c1", service="db", kind="postgres"}'
                    value: 1
                  - labels: '{cluster="c1", service="mq", kind="mqtt", reason="refused"}'
                    value: 0
                  - labels: '{cluster="c1", service="fs", kind="filesystem"}'
                    value: -1
              - expr: @FAILING@
                eval_time: 10m
                exp_samples:
                  - labels: '{}'
                    value: 2
              - expr: @PENDING@
                eval_time: 2m
                exp_samples:
                  - labels: '{reason="none"}'
                    value: 0
              - expr: @PENDING@
                eval_time: 8m
                exp_samples:
                  - labels: '{reason="Priority"}'
                    value: 3
              - expr: @TIMELINE@
                eval_time: 5m
                exp_samples:
                  - labels: '{cluster="c1", node="cn1"}'
                    value: 1
                  - labels: '{cluster="c1", node="cn2"}'
                    value: 5
                  - labels: '{cluster="c1", node="dead1"}'
                    value: 8
              - expr: @DOWN@
                eval_time: 10m
                exp_samples:
                  - labels: '{}'
                    value: 1
          # the exporter is not scraped at all: counts say nothing (no false 0, no "none")
          - interval: 1m
            input_series:
              - series: 'up{job="other"}'
                values: '1x10'
            promql_expr_test:
              - expr: @DOWN@
                eval_time: 5m
                exp_samples: []
              - expr: @FAILING@
                eval_time: 5m
                exp_samples: []
              - expr: @PENDING@
                eval_time: 5m
                exp_samples: []
        """
        .replace("@HEALTH@", quoted(health)).replace("@FAILING@", quoted(failing))
        .replace("@PENDING@", quoted(pending)).replace("@DOWN@", quoted(down)).replace("@TIMELINE@", quoted(timeline));
    Path file = dir.resolve("dashboard-semantics-test.yaml");
    Files.writeString(file, test);
    Promtool.Result r = Promtool.run(dir, "test", "rules", file.toString());
    assertThat(r.exitCode()).as("promtool test rules:\n" + r.output() + "\n" + test).isZero();
    String out = r.output();
    assertThat(out).contains("SUCCESS");
  }

}
