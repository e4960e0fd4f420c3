package org.hpcstatus.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every dashboard parses: each one, with Grafana variables substituted, becomes a
 * recording rule in a temporary rules file that {@code promtool check rules} must accept. promtool is
 * required where integration tests must run (-Dhpcstatus.it.required=true or CI=true).
 */
class DashboardPromtoolIT {

  @Test
  void everyExpressionParses(@TempDir Path dir) throws Exception {
    Promtool.require();
    List<Generator.Expression> exprs = Generator.expressions();
    assertThat(exprs).hasSizeGreaterThan(50);
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard_expressions\n    rules:\n");
    for (int i = 0; i < exprs.size(); i++) {
      Generator.Expression e = exprs.get(i);
      String expr = Generator.substitute(e.expr(), "1m", Map.of());
      rules.append("      - record: dashboard_expression_").append(i).append('\n')
          .append("        # ").append(e.dashboardUid()).append(" / ").append(e.panelTitle().replace('\n', ' '))
          .append(" / ").append(e.refId()).append('\n')
          .append("        expr: '").append(expr.replace("'", "''")).append("'\n");
    }
    Path file = dir.resolve("dashboard-expressions.yaml");
    Files.writeString(file, rules);
    Promtool.Result r = Promtool.run(dir, "check", "rules", file.toString());
    assertThat(r.exitCode()).as("promtool check rules " + file + ":\n" + r.output() + "\n" + rules).isZero();
    String out = r.output();
    assertThat(out).contains("SUCCESS: " + exprs.size() + " rules found");
  }

  @Test
  void promtoolRejectsABrokenExpression(@TempDir Path dir) throws Exception {
    Promtool.require();
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "groups:\n  - name: x\n    rules:\n      - record: broken\n        expr: 'sum(rate(x[1m])'\n");
    assertThat(Promtool.run(dir, "check", "rules", file.toString()).exitCode()).isNotZero();
  }
}
