package org.hpcstatus.dashboards.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hpcstatus.dashboards.Catalog;
import org.hpcstatus.dashboards.PromQl;
import org.hpcstatus.dashboards.rules.RuleFiles.Rule;
import org.junit.jupiter.api.Test;

/**
 * The monitoring-mixin conventions of alerts/*.yaml, checked without promtool (RuleToolsIT runs promtool):
 * every alert is named, labelled, annotated, delayed, documented and tested; every expression uses only
 * catalog metrics or recording rules.
 */
class RuleFilesTest {
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  /** Series Prometheus makes itself, not the exporter (ExporterDown needs `up`). */
  private static final Set<String> PROMETHEUS_SERIES = Set.of("up");

  @Test
  void theRuleFilesAreThere() {
    assertThat(RuleFiles.ruleFiles()).extracting(p -> p.getFileName().toString())
        .contains("services.yaml", "slurm.yaml", "accounting.yaml", "exporter.yaml", "recording.yaml");
    assertThat(RuleFiles.alerts()).extracting(Rule::alert).contains("ServiceDown", "ServiceFlapping",
        "ServiceCheckSlow", "ServiceTLSCertExpiringSoon", "PostgresConnectionsNearMax", "FilesystemAlmostFull",
        "FilesystemUnresponsive", "SlurmControllerDown", "SlurmNodesDownHigh", "SlurmNodeDrainedLong",
        "SlurmSchedulerSlow", "SlurmAgentQueueHigh", "SlurmDbdQueueHigh", "SlurmPendingWaitHigh",
        "SlurmJobFailureRatioHigh", "SlurmNoIdleGpus", "SlurmMaintenanceActive", "AccountingLagging",
        "AccountingFailing", "ExporterCollectorFailing", "ExporterDown", "ExporterStale");
  }

  @Test
  void everyAlertIsNamedLabelledAnnotatedAndDelayed() {
    Set<String> names = new TreeSet<>();
    for (Rule a : RuleFiles.alerts()) {
      String n = a.alert();
      assertThat(names.add(n)).as("alert %s defined twice", n).isTrue();
      assertThat(n).as("alert name is CamelCase").matches("[A-Z][a-z]+[A-Za-z0-9]*");
      JsonNode labels = a.node().path("labels");
      assertThat(labels.path("severity").asText()).as("%s: severity", n).isIn(SEVERITIES);
      JsonNode ann = a.node().path("annotations");
      assertThat(ann.path("summary").asText()).as("%s: summary", n).isNotBlank().doesNotContain("{{");
      assertThat(ann.path("description").asText()).as("%s: description is templated", n).contains("{{");
      assertThat(ann.path("runbook_url").asText()).as("%s: runbook_url", n).isNotBlank();
      assertThat(a.node().has("for")).as("%s: has a `for:`", n).isTrue();
      long forSeconds = RuleFiles.seconds(a.node().path("for").asText());
      if (!"info".equals(labels.path("severity").asText())) {
        assertThat(forSeconds).as("%s: `for` of a paging/ticket alert rules out flapping", n).isGreaterThanOrEqualTo(60);
      }
    }
  }

  @Test
  void everyRunbookUrlPointsAtAnAnchorOfTheRunbook() {
    Path runbook = RuleFiles.root().resolve("docs/runbook.md");
    Set<String> anchors = RuleFiles.anchors(runbook);
    for (Rule a : RuleFiles.alerts()) {
      String url = a.node().path("annotations").path("runbook_url").asText();
      assertThat(url).as("%s: runbook_url", a.alert()).startsWith("docs/runbook.md#");
      String anchor = url.substring(url.indexOf('#') + 1);
      assertThat(anchor).as("%s: anchor is the alert's own section", a.alert())
          .isEqualTo(RuleFiles.anchor(a.alert()));
      assertThat(anchors).as("anchors of docs/runbook.md").contains(anchor);
    }
  }

  @Test
  void theRunbookTableListsEveryAlertWithItsSeverityAndFor() throws Exception {
    String md = java.nio.file.Files.readString(RuleFiles.root().resolve("docs/runbook.md"));
    for (Rule a : RuleFiles.alerts()) {
      String row = "| [" + a.alert() + "](#" + RuleFiles.anchor(a.alert()) + ") | "
          + a.node().path("labels").path("severity").asText() + " |";
      assertThat(md).as("runbook table row of %s", a.alert()).contains(row);
      String line = md.lines().filter(l -> l.startsWith(row)).findFirst().orElseThrow();
      assertThat(line).as("runbook table: `for` of %s", a.alert())
          .contains("| " + a.node().path("for").asText() + " |");
    }
  }

  @Test
  void everyAlertHasANotFiringAndAFiringTest() {
    Map<String, List<JsonNode>> cases = RuleFiles.alertCases();
    Set<String> defined = new TreeSet<>();
    for (Rule a : RuleFiles.alerts()) {
      defined.add(a.alert());
      List<JsonNode> mine = cases.getOrDefault(a.alert(), List.of());
      assertThat(mine).as("promtool cases of %s in alerts/tests", a.alert()).isNotEmpty();
      assertThat(mine).as("%s: a case where it must not fire (exp_alerts: [])", a.alert())
          .anyMatch(c -> c.has("exp_alerts") && c.get("exp_alerts").isArray() && c.get("exp_alerts").isEmpty());
      List<JsonNode> firing = new ArrayList<>();
      mine.forEach(c -> c.path("exp_alerts").forEach(firing::add));
      assertThat(firing).as("%s: a firing case", a.alert()).isNotEmpty();
      for (JsonNode f : firing) {
        assertThat(f.path("exp_labels").path("severity").asText()).as("%s: exp_labels.severity", a.alert())
            .isEqualTo(a.node().path("labels").path("severity").asText());
        assertThat(f.path("exp_annotations").path("description").asText())
            .as("%s: exp_annotations.description", a.alert()).isNotBlank();
        assertThat(f.path("exp_annotations").path("runbook_url").asText())
            .as("%s: exp_annotations.runbook_url", a.alert()).isNotBlank();
      }
    }
    assertThat(defined).as("alerts/tests only test alerts that exist").containsAll(cases.keySet());
  }

  @Test
  void everyRecordingRuleIsNamedLevelMetricOperationAndTested() {
    List<String> exprs = RuleFiles.exprTests();
    for (Rule r : RuleFiles.recordingRules()) {
      assertThat(r.record()).as("recording rule name").matches("[a-z][a-z0-9_]*:(slurm|service|hpcstatus)_[a-z0-9_]+:[a-z0-9_]+");
      assertThat(exprs).as("a promql_expr_test of %s", r.record())
          .anyMatch(e -> PromQl.metricNames(e).contains(r.record()));
    }
  }

  @Test
  void everyMetricNameInEveryRuleIsInTheCatalogOrARecordingRule() {
    Catalog catalog = Catalog.load(RuleFiles.root().resolve("alerts"));
    assertThat(catalog.recordingRules()).isNotEmpty();
    for (Rule r : RuleFiles.rules()) {
      Set<String> unknown = new TreeSet<>(catalog.unknownNames(r.expr()));
      unknown.removeAll(PROMETHEUS_SERIES);
      assertThat(unknown).as("%s: metric names outside the catalog (docs/metrics.md) and alerts/recording.yaml", r.name())
          .isEmpty();
      assertThat(PromQl.unratedCounters(r.expr(), catalog::isCounterLike))
          .as("%s: counters and histogram series are only used through rate/increase", r.name()).isEmpty();
    }
  }

  @Test
  void catalogCheckCatchesAnInventedMetric() {
    Catalog catalog = Catalog.load(RuleFiles.root().resolve("alerts"));
    assertThat(catalog.unknownNames("slurm_nodes_down_total > 0 and cluster:slurm_nodes:sum > 0"))
        .containsExactly("slurm_nodes_down_total");
  }

  @Test
  void maintenanceInhibitMatchesTheRules() {
    JsonNode am = RuleFiles.read(RuleFiles.root().resolve("prometheus/alertmanager.yml"));
    JsonNode maint = null;
    for (JsonNode r : am.path("inhibit_rules")) {
      if (r.path("target_matchers").toString().contains("inhibited_by=\\\"maintenance\\\"")) {
        maint = r;
      }
    }
    assertThat(maint).as("an inhibit rule targeting inhibited_by=\"maintenance\"").isNotNull();
    assertThat(maint.path("source_matchers").get(0).asText()).isEqualTo("alertname=\"SlurmMaintenanceActive\"");
    assertThat(maint.path("equal").toString()).isEqualTo("[\"cluster\"]");
    Rule source = RuleFiles.alerts().stream().filter(a -> a.alert().equals("SlurmMaintenanceActive")).findFirst().orElseThrow();
    assertThat(source.node().path("labels").path("severity").asText()).isEqualTo("info");
    assertThat(source.expr()).contains("maint=\"true\"").contains("state=\"active\"").contains("by (cluster");
    List<String> targets = RuleFiles.alerts().stream()
        .filter(a -> "maintenance".equals(a.node().path("labels").path("inhibited_by").asText()))
        .map(Rule::alert).toList();
    assertThat(targets).contains("SlurmNodesDownHigh", "SlurmNodeDrainedLong").doesNotContain("ServiceDown");
    // every inhibit source/target alertname named in alertmanager.yml exists
    for (JsonNode r : am.path("inhibit_rules")) {
      for (String side : List.of("source_matchers", "target_matchers")) {
        for (JsonNode m : r.path(side)) {
          String s = m.asText();
          if (s.startsWith("alertname")) {
            String names = s.substring(s.indexOf('"') + 1, s.lastIndexOf('"'));
            for (String n : names.split("\\|")) {
              assertThat(RuleFiles.alerts()).extracting(Rule::alert).as("alertmanager.yml names %s", n).contains(n);
            }
          }
        }
      }
    }
  }
}
