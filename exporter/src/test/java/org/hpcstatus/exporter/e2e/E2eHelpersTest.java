package org.hpcstatus.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The end-to-end test's own parsing helpers (variable substitution, PromQL splitting, durations). */
class E2eHelpersTest {
  @Test
  void substitutesVariablesAndGrafanaBuiltinsLikeGrafana() {
    Map<String, String> v = Map.of("cluster", ".*", "partition", "batch");
    assertThat(DashboardQueries.substitute(
        "rate(x{cluster=~\"$cluster\", partition=\"${partition}\"}[$__rate_interval]) [[cluster]] $__range_s $__range",
        v)).isEqualTo("rate(x{cluster=~\".*\", partition=\"batch\"}[10s]) .* 3600 1h");
    assertThat(DashboardQueries.substitute("${cluster:regex} $unknown", v)).isEqualTo(".* $unknown");
  }

  @Test
  void resolvesAllMultiValueAndCustomVariables() {
    List<DashboardQueries.Variable> vars = List.of(
        new DashboardQueries.Variable("cluster", "query", "label_values(up, cluster)", true, true, ".*", List.of(),
            List.of()),
        new DashboardQueries.Variable("partition", "query", "label_values(p{cluster=~\"$cluster\"}, partition)", true,
            true, null, List.of("$__all"), List.of()),
        new DashboardQueries.Variable("window", "custom", "30d,365d,all", false, false, null, List.of("365d"),
            List.of()));
    Map<String, String> r = DashboardQueries.resolve(vars,
        q -> q.contains("partition") ? List.of("a.b", "c") : List.of("x", "y"));
    assertThat(r).containsEntry("cluster", ".*").containsEntry("partition", "(a\\.b|c)").containsEntry("window", "365d");
    assertThat(DashboardQueries.parseLabelValues("label_values(slurm_nodes{cluster=~\".*\"}, cluster)"))
        .isEqualTo(new DashboardQueries.LabelValuesQuery("slurm_nodes{cluster=~\".*\"}", "cluster"));
    assertThat(DashboardQueries.parseLabelValues("label_values(cluster)").match()).isNull();
  }

  @Test
  void splitsRatiosAndFallbacksAtTheTopLevelOnly() {
    String[] nd = Panels.splitDivision("sum by (user) (a{x=\"1/2\"}) / (sum by (user) (b) > 0)");
    assertThat(nd).containsExactly("sum by (user) (a{x=\"1/2\"})", "(sum by (user) (b) > 0)");
    assertThatThrownBy(() -> Panels.splitDivision("sum(rate(a[1m]))")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Panels.withoutFallback("count(up == 0) or vector(0)")).isEqualTo("count(up == 0)");
    assertThat(Panels.withoutFallback("sum by (s) (a) or label_replace(vector(0), \"s\", \"none\", \"\", \"\")"))
        .isEqualTo("sum by (s) (a)");
    assertThat(Panels.withoutFallback("sum by (s) (a) or on () label_replace(vector(0), \"s\", \"none\", \"\", \"\")"))
        .isEqualTo("sum by (s) (a)");
    assertThat(Panels.withoutFallback("a or on (c) b")).isNull();
    assertThat(Panels.withoutFallback("(a or vector(0)) * 2")).isNull();
  }

  @Test
  void parsesPrometheusDurations() {
    assertThat(TestConfigs.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(TestConfigs.parse("0m")).isEqualTo(Duration.ZERO);
    assertThat(TestConfigs.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThatThrownBy(() -> TestConfigs.parse("soon")).isInstanceOf(IllegalArgumentException.class);
  }
}
