package org.hpcstatus.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * grafana/dashboard-linter's rule set (template-datasource, template-job/instance, template-label-promql,
 * template-on-time-change-reload, panel-datasource, panel-title-description, panel-units, panel-no-targets,
 * target-promql, target-rate-interval, target-job/instance, target-counter-agg, uneditable-dashboard) plus
 * layout and catalog rules, applied to the JSON as written to disk.
 */
class DashboardLintTest {

  private static final Set<String> TYPES = Set.of("stat", "gauge", "bargauge", "timeseries", "table",
      "state-timeline", "text", "row");
  private static final Set<String> NO_TARGETS = Set.of("text", "row");
  private static final Pattern UID = Pattern.compile("[a-z0-9][a-z0-9-]{6,38}[a-z0-9]");
  private static final Pattern JOB_INSTANCE = Pattern.compile("\\b(job|instance)\\b");
  private static final Catalog CATALOG = Catalog.load(Repo.root().resolve("alerts"));

  record File(String path, JsonNode json) {
    @Override public String toString() {
      return path;
    }
  }

  static Stream<File> dashboards() throws Exception {
    ObjectMapper m = new ObjectMapper();
    List<File> out = new ArrayList<>();
    for (Map.Entry<String, String> e : Generator.render().entrySet()) {
      if (e.getKey().endsWith(".json")) {
        out.add(new File(e.getKey(), m.readTree(e.getValue())));
      }
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void topLevel(File f) {
    JsonNode d = f.json();
    String uid = d.path("uid").asText();
    assertThat(f.path()).isEqualTo("dashboards/" + uid + ".json");
    assertThat(uid).matches(UID);
    assertThat(d.has("id")).as("id present").isTrue();
    assertThat(d.get("id").isNull()).as("id null").isTrue();
    assertThat(d.has("__inputs") || d.has("__requires")).isFalse();
    assertThat(d.toString()).doesNotContain("${DS_");
    assertThat(d.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(38);
    assertThat(d.path("editable").asBoolean(true)).as("uneditable-dashboard").isFalse();
    assertThat(d.path("title").asText()).isNotBlank();
    assertThat(d.path("time").path("from").asText()).isNotBlank();
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void templateVariables(File f) {
    List<JsonNode> vars = new ArrayList<>();
    f.json().path("templating").path("list").forEach(vars::add);
    List<JsonNode> ds = vars.stream().filter(v -> v.path("type").asText().equals("datasource")).toList();
    assertThat(ds).as("exactly one datasource variable").hasSize(1);
    assertThat(ds.get(0).path("name").asText()).isEqualTo("datasource");
    assertThat(ds.get(0).path("query").asText()).isEqualTo("prometheus");
    assertThat(vars).as("a cluster variable").anyMatch(v -> v.path("name").asText().equals("cluster"));
    for (JsonNode v : vars) {
      if (!v.path("type").asText().equals("query")) {
        continue;
      }
      String name = v.path("name").asText();
      String q = v.path("query").path("query").asText();
      assertThat(v.path("datasource").path("uid").asText()).as(name).isEqualTo("${datasource}");
      assertThat(q).as(name).isEqualTo(v.path("definition").asText())
          .startsWith("label_values(").endsWith(", " + name + ")");
      assertThat(name).as("template-job/instance-rule").isNotIn("job", "instance");
      assertThat(JOB_INSTANCE.matcher(q).find()).as(name + ": " + q).isFalse();
      assertThat(v.path("refresh").asInt()).as(name + ": reload on time range change").isEqualTo(2);
      assertThat(CATALOG.unknownNames(q.substring("label_values(".length(), q.lastIndexOf(','))))
          .as(name).isEmpty();
      if (!name.equals("cluster")) {
        assertThat(q).as(name + " is filtered by the selected clusters").contains("cluster=~\"$cluster\"");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void panels(File f) {
    Set<Integer> ids = new HashSet<>();
    Set<String> titles = new HashSet<>();
    List<int[]> rects = new ArrayList<>();
    for (JsonNode p : f.json().path("panels")) {
      String where = f.path() + " panel '" + p.path("title").asText() + "'";
      assertThat(ids.add(p.path("id").asInt())).as(where + " unique id").isTrue();
      assertThat(p.path("id").asInt()).as(where).isPositive();
      String type = p.path("type").asText();
      assertThat(type).as(where + " allowed (no graph/singlestat/table-old)").isIn(TYPES);
      assertThat(p.path("title").asText()).as(where + " title").isNotBlank();
      assertThat(titles.add(p.path("title").asText())).as(where + " title unique in the dashboard").isTrue();
      assertThat(p.path("description").asText()).as(where + " description").isNotBlank();
      JsonNode g = p.path("gridPos");
      int x = g.path("x").asInt(-1);
      int y = g.path("y").asInt(-1);
      int w = g.path("w").asInt();
      int h = g.path("h").asInt();
      assertThat(x).as(where).isGreaterThanOrEqualTo(0);
      assertThat(y).as(where).isGreaterThanOrEqualTo(0);
      assertThat(w).as(where).isPositive();
      assertThat(h).as(where).isPositive();
      assertThat(x + w).as(where + " inside 24 columns").isLessThanOrEqualTo(24);
      for (int[] r : rects) {
        boolean overlap = x < r[0] + r[2] && r[0] < x + w && y < r[1] + r[3] && r[1] < y + h;
        assertThat(overlap).as(where + " overlaps another panel").isFalse();
      }
      rects.add(new int[] {x, y, w, h});
      if (type.equals("row")) {
        assertThat(p.path("collapsed").asBoolean(true)).as(where).isFalse();
        continue;
      }
      assertThat(p.path("fieldConfig").path("defaults").path("unit").asText()).as(where + " unit").isNotBlank();
      if (NO_TARGETS.contains(type)) {
        continue;
      }
      assertThat(p.path("datasource").path("uid").asText()).as(where + " datasource").isEqualTo("${datasource}");
      assertThat(p.path("datasource").path("type").asText()).as(where).isEqualTo("prometheus");
      assertThat(p.path("targets").size()).as(where + " has targets").isPositive();
      Set<String> refIds = new HashSet<>();
      for (JsonNode t : p.path("targets")) {
        assertThat(refIds.add(t.path("refId").asText())).as(where + " unique refId").isTrue();
        assertThat(t.path("datasource").path("uid").asText()).as(where + " target datasource")
            .isEqualTo("${datasource}");
        checkExpression(where + " " + t.path("refId").asText(), t.path("expr").asText());
      }
    }
  }

  static void checkExpression(String where, String expr) {
    assertThat(expr).as(where).isNotBlank();
    String w = where + ": " + expr;
    assertThat(PromQl.rateRanges(expr)).as(w + " target-rate-interval-rule").allMatch("$__rate_interval"::equals);
    assertThat(PromQl.unratedCounters(expr, CATALOG::isCounterLike)).as(w + " target-counter-agg-rule").isEmpty();
    assertThat(CATALOG.unknownNames(expr)).as(w + " names outside the catalog and recording rules").isEmpty();
    assertThat(JOB_INSTANCE.matcher(expr).find()).as(w + " target-job/instance-rule").isFalse();
    assertThat(expr).as(w + " filtered by the cluster variable").contains("cluster=~\"$cluster\"");
    List<PromQl.Token> toks = PromQl.tokens(expr);
    Set<String> names = PromQl.metricNames(expr);
    for (int i = 0; i < toks.size(); i++) {
      PromQl.Token t = toks.get(i);
      if (t.kind() == PromQl.Kind.IDENT && names.contains(t.text())) {
        boolean filtered = i + 1 < toks.size() && toks.get(i + 1).kind() == PromQl.Kind.SELECTOR
            && toks.get(i + 1).text().contains("cluster=~\"$cluster\"");
        assertThat(filtered).as(w + ": " + t.text() + " selects cluster=~\"$cluster\"").isTrue();
      }
    }
    String unguarded = withoutDivisionGuards(expr);
    if (unguarded.contains("count(") || unguarded.contains("== 0") || unguarded.contains("> 0")) {
      assertThat(expr).as(w + ": a count or filter that can be empty needs `or vector(0)` (or equivalent)")
          .contains(" or ");
    }
  }

  /** The expression without its division guards {@code / (… > 0)}, which only avoid dividing by zero. */
  static String withoutDivisionGuards(String expr) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < expr.length()) {
      if (expr.startsWith("/ (", i)) {
        int depth = 0;
        int j = i + 2;
        for (; j < expr.length(); j++) {
          char c = expr.charAt(j);
          if (c == '(') {
            depth++;
          } else if (c == ')' && --depth == 0) {
            break;
          }
        }
        String inner = expr.substring(i + 3, Math.min(j, expr.length()));
        if (inner.endsWith("> 0")) {
          out.append("/ (guard)");
          i = j + 1;
          continue;
        }
      }
      out.append(expr.charAt(i++));
    }
    return out.toString();
  }

  @ParameterizedTest
  @MethodSource("badExpressions")
  void expressionRulesRejectViolations(String expr) {
    assertThatThrownBy(() -> checkExpression("bad", expr)).isInstanceOf(AssertionError.class);
  }

  static Stream<String> badExpressions() {
    String c = "{cluster=~\"$cluster\"}";
    return Stream.of(
        "rate(service_checks_total" + c + "[5m])",                         // fixed range
        "sum(service_checks_total" + c + ")",                              // counter not rated
        "service_check_latency_seconds_count" + c,                         // histogram series not rated
        "slurm_nodes_renamed" + c,                                         // not in the catalog
        "sum by (job) (slurm_nodes" + c + ")",                             // job label
        "slurm_nodes",                                                     // no cluster filter
        "slurm_nodes" + c + " + slurm_cpus",                               // one selector without it
        "count(service_up" + c + " == 0)",                                 // empty count without fallback
        "sum by (flag) (slurm_nodes_flagged" + c + ") > 0");               // empty filter without fallback
  }

  @Test
  void goodExpressionPasses() {
    checkExpression("good", "sum(slurm_cpus{cluster=~\"$cluster\", state=\"allocated\"}) / "
        + "(sum(slurm_cpus{cluster=~\"$cluster\", state=\"total\"}) > 0)");
  }
}
