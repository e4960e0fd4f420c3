package org.hpcstatus.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void plainSelectorWithLabels() {
    assertThat(PromQl.metricNames("slurm_nodes{cluster=~\"$cluster\", state=\"idle\"}"))
        .containsExactly("slurm_nodes");
  }

  @Test
  void functionsAggregationsAndGroupingAreNotMetrics() {
    String e = "histogram_quantile(0.95, sum by (le, service) (rate(service_check_latency_seconds_bucket"
        + "{cluster=~\"${cluster}\"}[$__rate_interval])))";
    assertThat(PromQl.metricNames(e)).containsExactly("service_check_latency_seconds_bucket");
    assertThat(PromQl.functions(e)).containsExactly("histogram_quantile", "sum", "rate");
  }

  @Test
  void groupingAfterTheAggregatedExpression() {
    assertThat(PromQl.metricNames("sum(slurm_partition_jobs{state=\"pending\"}) without (state, partition)"))
        .containsExactly("slurm_partition_jobs");
  }

  @Test
  void binaryOperatorsAndVectorMatching() {
    String e = "slurm_nodes_flagged{flag=\"drain\"} / on (cluster) group_left(role) slurm_controller_up "
        + "and ignoring(state) hpcstatus_collector_success > bool 0 or vector(0) unless absent(up_total)";
    assertThat(PromQl.metricNames(e)).containsExactly("slurm_nodes_flagged", "slurm_controller_up",
        "hpcstatus_collector_success", "up_total");
  }

  @Test
  void stringsDurationsNumbersOffsetAndAt() {
    String e = "label_replace(service_up offset 5m, \"svc\", \"$1\", \"service\", \"(.*)\") * 1e-3 + 0x1F"
        + " + max_over_time(slurm_jobs[1h30m:1m]) @ 1609746000 - Inf + NaN";
    assertThat(PromQl.metricNames(e)).containsExactly("service_up", "slurm_jobs");
  }

  @Test
  void grafanaVariablesAndColonNames() {
    String e = "level:slurm_nodes:ratio{cluster=~\"$cluster\"} * $__range_s / ${__interval_ms} + [[oldvar]]";
    assertThat(PromQl.metricNames(e)).containsExactly("level:slurm_nodes:ratio");
  }

  @Test
  void bracesInsideLabelValuesDoNotConfuseTheLexer() {
    String e = "slurm_node_reason_info{reason=~\"a}b{c\\\"d\"} + slurm_node_cpus";
    assertThat(PromQl.metricNames(e)).containsExactly("slurm_node_reason_info", "slurm_node_cpus");
  }

  @Test
  void commentsAreIgnored() {
    assertThat(PromQl.metricNames("# not_a_metric\nslurm_jobs")).containsExactly("slurm_jobs");
  }

  @Test
  void unratedCountersAreReported() {
    String e = "sum(rate(service_checks_total[$__rate_interval])) + service_check_failures_total"
        + " + increase(slurm_rpc_calls_total[1h])";
    assertThat(PromQl.unratedCounters(e, n -> n.endsWith("_total")))
        .containsExactly("service_check_failures_total");
  }

  @Test
  void countersInsideNestedCallsOfRateAreRated() {
    String e = "histogram_quantile(0.5, sum by (le) (rate(slurm_job_wait_seconds_bucket[$__rate_interval])))";
    assertThat(PromQl.unratedCounters(e, n -> n.endsWith("_bucket"))).isEmpty();
  }

  @Test
  void rateRangesAreListed() {
    String e = "rate(a_total[$__rate_interval]) + irate(b_total[ 5m ]) + max_over_time(c[1h])"
        + " + increase(d_total{x=\"[y]\"}[$__rate_interval])";
    assertThat(PromQl.rateRanges(e)).isEqualTo(List.of("$__rate_interval", "5m", "$__rate_interval"));
  }

  @Test
  void unterminatedInputDoesNotThrow() {
    assertThat(PromQl.metricNames("sum(rate(foo_total{a=\"b")).containsExactly("foo_total");
    assertThat(PromQl.metricNames("x[5m")).containsExactly("x");
  }
}
