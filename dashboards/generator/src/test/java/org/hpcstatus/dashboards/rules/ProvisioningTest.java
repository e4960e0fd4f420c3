package org.hpcstatus.dashboards.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.junit.jupiter.api.Test;

/**
 * prometheus.yml, the Grafana provisioning, compose.yaml and the demo config agree with each other and
 * with the rules: what one file names, the other provides.
 */
class ProvisioningTest {
  private static JsonNode yaml(String path) {
    return RuleFiles.read(RuleFiles.root().resolve(path));
  }

  private static JsonNode job(JsonNode prom, String name) {
    for (JsonNode j : prom.path("scrape_configs")) {
      if (name.equals(j.path("job_name").asText())) {
        return j;
      }
    }
    throw new AssertionError("no scrape job " + name + " in prometheus/prometheus.yml");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void prometheusLoadsTheRulesScrapesWithHonorLabelsAndSendsToAlertmanager() {
    JsonNode prom = yaml("prometheus/prometheus.yml");
    assertThat(texts(prom.path("rule_files"))).containsExactly("../alerts/*.yaml");
    JsonNode exporter = job(prom, "hpc-status-exporter");
    assertThat(exporter.path("honor_labels").asBoolean()).isTrue();
    assertThat(texts(exporter.path("static_configs").get(0).path("targets"))).containsExactly("host.docker.internal:9850");
    assertThat(texts(job(prom, "node").path("static_configs").get(0).path("targets"))).containsExactly("node-exporter:9100");
    assertThat(prom.path("alerting").path("alertmanagers").get(0).path("static_configs").get(0).path("targets").get(0).asText())
        .isEqualTo("alertmanager:9093");
    RuleFiles.Rule down = RuleFiles.alerts().stream().filter(a -> a.alert().equals("ExporterDown")).findFirst().orElseThrow();
    assertThat(down.expr()).as("ExporterDown watches the scrape job of prometheus.yml")
        .contains("up{job=\"hpc-status-exporter\"}");
  }

  @Test
  void composeMountsWhatTheConfigsReferTo() {
    JsonNode compose = yaml("compose.yaml").path("services");
    assertThat(compose.fieldNames()).toIterable().contains("prometheus", "alertmanager", "grafana", "node-exporter", "exporter");
    JsonNode prom = compose.path("prometheus");
    assertThat(texts(prom.path("volumes"))).contains("./prometheus:/etc/hpc-status/prometheus:ro", "./alerts:/etc/hpc-status/alerts:ro");
    assertThat(texts(prom.path("command"))).contains("--config.file=/etc/hpc-status/prometheus/prometheus.yml");
    assertThat(texts(prom.path("extra_hosts"))).contains("host.docker.internal:host-gateway");
    assertThat(texts(compose.path("alertmanager").path("command")))
        .contains("--config.file=/etc/hpc-status/prometheus/alertmanager.yml");
    JsonNode grafana = compose.path("grafana");
    assertThat(texts(grafana.path("volumes"))).contains("./grafana/provisioning:/etc/grafana/provisioning:ro",
        "./dashboards:/var/lib/grafana/dashboards/hpc-status:ro");
    for (String s : List.of("prometheus", "alertmanager", "grafana", "node-exporter", "exporter")) {
      assertThat(compose.path(s).has("healthcheck")).as("%s has a healthcheck", s).isTrue();
      assertThat(compose.path(s).path("image").asText()).as("%s has a pinned image", s).isNotBlank().doesNotEndWith(":latest");
    }
    for (JsonNode p : prom.path("ports")) {
      assertThat(p.asText()).as("ports published on loopback only").startsWith("127.0.0.1:");
    }
    JsonNode exporter = compose.path("exporter");
    assertThat(texts(exporter.path("profiles"))).as("the containerised exporter is optional").containsExactly("exporter");
    assertThat(texts(exporter.path("volumes"))).anyMatch(v -> v.startsWith("/run/munge:")).anyMatch(v -> v.startsWith("/etc/slurm:"));
  }

  @Test
  void grafanaProvisionsAStableDatasourceAndTheDashboardsFolder() {
    JsonNode ds = yaml("grafana/provisioning/datasources/prometheus.yaml").path("datasources").get(0);
    assertThat(ds.path("uid").asText()).isEqualTo("hpcstatus-prometheus");
    assertThat(ds.path("type").asText()).isEqualTo("prometheus");
    assertThat(ds.path("url").asText()).isEqualTo("http://prometheus:9090");
    JsonNode provider = yaml("grafana/provisioning/dashboards/hpc-status.yaml").path("providers").get(0);
    assertThat(provider.path("type").asText()).isEqualTo("file");
    assertThat(provider.path("folder").asText()).isNotBlank();
    assertThat(provider.path("options").path("path").asText()).isEqualTo("/var/lib/grafana/dashboards/hpc-status");
  }

  @Test
  void grafanaFindsTheCommittedDashboardsWhereComposeMountsThem() throws Exception {
    Path dashboards = RuleFiles.root().resolve("dashboards");
    List<String> json;
    try (var s = Files.list(dashboards)) {
      json = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
    }
    assertThat(json).as("dashboards/*.json (the file provider's folder)").isNotEmpty();
    String home = yaml("compose.yaml").path("services").path("grafana").path("environment")
        .path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
    assertThat(home).startsWith("/var/lib/grafana/dashboards/hpc-status/");
    assertThat(json).as("the home dashboard of compose.yaml exists").contains(home.substring(home.lastIndexOf('/') + 1));
    for (String f : json) {
      JsonNode d = RuleFiles.read(dashboards.resolve(f)); // JSON is YAML
      assertThat(d.path("uid").asText()).as("%s: uid = file name, stable across provisioning", f)
          .isEqualTo(f.substring(0, f.length() - ".json".length()));
    }
  }

  @Test
  void theDemoConfigLoadsAndChecksEveryLocalTestService() {
    Path demo = RuleFiles.root().resolve("config/demo.yaml");
    assertThat(demo).exists();
    Config c = ConfigLoader.load(demo);
    List<String> targets = c.services().stream().map(ServiceCheckConfig::target).toList();
    // the ports of scripts/services.sh: PostgreSQL, Mosquitto (anonymous and with auth), Redis, InfluxDB
    for (String port : List.of(":15432/", ":18830", ":18831", ":16379", ":18086")) {
      assertThat(targets).as("demo config checks the local service on %s", port).anyMatch(t -> t.contains(port));
    }
    assertThat(c.services()).extracting(ServiceCheckConfig::kind).contains("postgres", "mqtt", "redis", "influxdb", "filesystem", "tcp", "sql");
  }

  @Test
  void theReadmeShowsTheComposePath() throws Exception {
    String readme = Files.readString(RuleFiles.root().resolve("README.md"));
    assertThat(readme).contains("docker-compose -f compose.yaml up -d").contains("docs/runbook.md");
  }
}
