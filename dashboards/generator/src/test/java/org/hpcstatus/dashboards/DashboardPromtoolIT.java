package org.hpcstatus.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every dashboard parses: each one, with Grafana variables substituted, becomes a
 * recording rule in a temporary rules file that {@code promtool check rules} must accept. promtool is
 * required where integration tests must run (-Dhpcstatus.it.required=true or CI=true).
 */
class DashboardPromtoolIT {

  private static final Path PROMTOOL = Path.of(System.getProperty("hpcstatus.promtool", "/usr/bin/promtool"));

  @Test
  void everyExpressionParses(@TempDir Path dir) throws Exception {
    requirePromtool();
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
    Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", file.toString())
        .redirectErrorStream(true).start();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
      fail("promtool did not finish within 120 s: " + out);
    }
    assertThat(p.exitValue()).as("promtool check rules " + file + ":\n" + out + "\n" + rules).isZero();
    assertThat(out).contains("SUCCESS: " + exprs.size() + " rules found");
  }

  @Test
  void promtoolRejectsABrokenExpression(@TempDir Path dir) throws Exception {
    requirePromtool();
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "groups:\n  - name: x\n    rules:\n      - record: broken\n        expr: 'sum(rate(x[1m])'\n");
    Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", file.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
  }

  private static void requirePromtool() {
    if (Files.isExecutable(PROMTOOL)) {
      return;
    }
    boolean required = Boolean.getBoolean("hpcstatus.it.required") || "true".equalsIgnoreCase(System.getenv("CI"));
    if (required) {
      fail("REQUIRED prerequisite missing (integration tests must run here): " + PROMTOOL);
    }
    System.err.println("!!! SKIPPING integration test: " + PROMTOOL + " is not available");
    Assumptions.assumeTrue(false, PROMTOOL + " not available");
  }
}
