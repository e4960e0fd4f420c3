package org.hpcstatus.dashboards.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.Test;

/**
 * The real tools on the shipped files: promtool (rules, rule unit tests, Prometheus config), amtool
 * (Alertmanager config) and docker-compose (compose.yaml; no daemon needed). Debian packages prometheus,
 * prometheus-alertmanager and docker-compose; scripts/ci-test.sh installs them.
 */
class RuleToolsIT {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final Path AMTOOL = Path.of("/usr/bin/amtool");
  private static final Path COMPOSE = Path.of("/usr/bin/docker-compose");

  record Result(int exit, String output) {}

  static Result run(List<String> argv) throws IOException, InterruptedException {
    Path out = Files.createTempFile("rule-tools", ".out");
    try {
      Process p = new ProcessBuilder(argv).directory(RuleFiles.root().toFile())
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      // generous: two shared slow cores; the tools finish in about a second when idle
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", argv) + " did not finish within 5 minutes");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static List<String> paths(List<Path> files) {
    Path root = RuleFiles.root();
    return files.stream().map(f -> root.relativize(f).toString()).toList();
  }

  @Test
  void promtoolChecksEveryRuleFile() throws Exception {
    Live.require(Files.isExecutable(PROMTOOL), "promtool (Debian package prometheus)");
    List<String> argv = new ArrayList<>(List.of(PROMTOOL.toString(), "check", "rules"));
    argv.addAll(paths(RuleFiles.ruleFiles()));
    Result r = run(argv);
    assertThat(r.exit()).as("promtool check rules:\n%s", r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void promtoolRuleUnitTestsPass() throws Exception {
    Live.require(Files.isExecutable(PROMTOOL), "promtool (Debian package prometheus)");
    List<Path> tests = RuleFiles.testFiles();
    assertThat(tests).hasSizeGreaterThanOrEqualTo(5);
    List<String> argv = new ArrayList<>(List.of(PROMTOOL.toString(), "test", "rules"));
    argv.addAll(paths(tests));
    Result r = run(argv);
    assertThat(r.exit()).as("promtool test rules:\n%s", r.output()).isZero();
    assertThat(r.output()).doesNotContain("FAILED");
    assertThat(r.output().split("SUCCESS", -1)).as("one SUCCESS per test file:\n%s", r.output()).hasSize(tests.size() + 1);
  }

  @Test
  void promtoolRejectsABrokenRuleTest() throws Exception {
    // the unit tests above can fail: a wrong expectation on the real rules is reported as FAILED
    Live.require(Files.isExecutable(PROMTOOL), "promtool (Debian package prometheus)");
    Path dir = Files.createTempDirectory("rule-tools");
    try {
      Path t = dir.resolve("broken_test.yaml");
      Files.writeString(t, """
          rule_files: [%s]
          evaluation_interval: 1m
          tests:
            - interval: 1m
              input_series:
                - series: 'service_up{cluster="c1",service="s",kind="tcp"}'
                  values: '1x10'
              alert_rule_test:
                - eval_time: 10m
                  alertname: ServiceDown
                  exp_alerts:
                    - exp_labels: {severity: critical, cluster: c1, service: s, kind: tcp}
          """.formatted(RuleFiles.root().resolve("alerts/services.yaml")));
      Result r = run(List.of(PROMTOOL.toString(), "test", "rules", t.toString()));
      assertThat(r.exit()).as(r.output()).isNotZero();
      assertThat(r.output()).contains("FAILED");
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void promtoolChecksThePrometheusConfigWithItsRuleFiles() throws Exception {
    Live.require(Files.isExecutable(PROMTOOL), "promtool (Debian package prometheus)");
    Result r = run(List.of(PROMTOOL.toString(), "check", "config", "prometheus/prometheus.yml"));
    assertThat(r.exit()).as("promtool check config:\n%s", r.output()).isZero();
    assertThat(r.output()).contains(RuleFiles.ruleFiles().size() + " rule files found");
  }

  @Test
  void amtoolChecksTheAlertmanagerConfig() throws Exception {
    Live.require(Files.isExecutable(AMTOOL), "amtool (Debian package prometheus-alertmanager)");
    Result r = run(List.of(AMTOOL.toString(), "check-config", "prometheus/alertmanager.yml"));
    assertThat(r.exit()).as("amtool check-config:\n%s", r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS").contains("inhibit rules");
  }

  @Test
  void dockerComposeValidatesComposeYaml() throws Exception {
    Live.require(Files.isExecutable(COMPOSE), "docker-compose (Debian package docker-compose)");
    Result r = run(List.of(COMPOSE.toString(), "-f", "compose.yaml", "config"));
    assertThat(r.exit()).as("docker-compose config:\n%s", r.output()).isZero();
    assertThat(r.output()).contains("prometheus:").contains("alertmanager:").contains("grafana:")
        .contains("node-exporter:").contains("host.docker.internal:host-gateway");
  }
}
