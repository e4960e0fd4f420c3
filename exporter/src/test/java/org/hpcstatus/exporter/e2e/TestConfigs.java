package org.hpcstatus.exporter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * The test's copies of the repository's configuration: {@code prometheus/prometheus.yml} with 1 s
 * intervals and the test's targets, {@code prometheus/alertmanager.yml} with short grouping waits (routes,
 * receivers and inhibit rules unchanged), the {@code alerts/*.yaml} rule files with {@code for:} capped
 * at {@link #FOR_CAP} (expressions, labels and annotations unchanged), and the exporter's test config.
 */
final class TestConfigs {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  /** Every alert's {@code for:} in the test copy is at most this (the shipped values are minutes long). */
  static final Duration FOR_CAP = Duration.ofSeconds(5);
  static final Duration SCRAPE = Duration.ofSeconds(1);
  /** Test credentials of scripts/services.sh (loopback-only test servers). */
  static final String SERVICES_PW = "hpcstatus-test-pw";

  private TestConfigs() {}

  /** The repository root: the directory holding exporter/pom.xml, found from the working directory up. */
  static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("exporter/pom.xml"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("repository root (with exporter/pom.xml) not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  static List<Path> ruleFiles(Path repo) throws IOException {
    Path dir = repo.resolve("alerts");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
    }
  }

  /**
   * The rule files the repository's prometheus.yml loads (its rule_files globs, relative to prometheus/):
   * the test loads copies of exactly these.
   */
  static List<Path> shippedRuleFiles(Path repo) throws IOException {
    Path base = repo.resolve("prometheus");
    JsonNode cfg = YAML.readTree(base.resolve("prometheus.yml").toFile());
    java.util.TreeSet<Path> out = new java.util.TreeSet<>();
    for (JsonNode g : cfg.path("rule_files")) {
      Path glob = base.resolve(g.asText()).normalize();
      java.nio.file.PathMatcher m = glob.getFileSystem().getPathMatcher("glob:" + glob);
      if (Files.isDirectory(glob.getParent())) {
        try (Stream<Path> s = Files.list(glob.getParent())) {
          s.filter(m::matches).forEach(out::add);
        }
      }
    }
    return List.copyOf(out);
  }

  /** The exporter job of the repository's prometheus.yml (the one with honor_labels). */
  static ObjectNode exporterJob(JsonNode promConfig) {
    for (JsonNode job : promConfig.path("scrape_configs")) {
      if (job.path("honor_labels").asBoolean(false)) {
        return (ObjectNode) job;
      }
    }
    throw new AssertionError("prometheus/prometheus.yml has no scrape job with honor_labels: true "
        + "(the exporter sets `cluster` itself; one Prometheus holds many clusters)");
  }

  /**
   * Prometheus config for the test: the repository's file with global intervals of 1 s, only its exporter
   * job (same name and options, targets = the test's exporters), the test's rule copies, and the test's
   * Alertmanager; with {@code scrape}, over HTTPS with basic auth. Other jobs (node_exporter, self-scrapes of
   * the compose setup) are dropped: their targets do not exist here.
   */
  static String prometheusYml(Path repo, List<String> exporterTargets, List<Path> rules, String alertmanager,
                              Scrape scrape) throws IOException {
    ObjectNode cfg = (ObjectNode) YAML.readTree(repo.resolve("prometheus/prometheus.yml").toFile());
    ObjectNode global = cfg.withObjectProperty("global");
    global.put("scrape_interval", "1s").put("evaluation_interval", "1s").put("scrape_timeout", "1s");
    ObjectNode job = exporterJob(cfg).deepCopy();
    job.put("scrape_interval", "1s").put("scrape_timeout", "1s");
    job.remove(List.of("file_sd_configs", "dns_sd_configs", "relabel_configs"));
    ArrayNode targets = YAML.createArrayNode();
    exporterTargets.forEach(targets::add);
    ArrayNode sc = job.putArray("static_configs");
    sc.addObject().set("targets", targets);
    if (scrape != null) {
      job.put("scheme", "https");
      job.putObject("tls_config").put("ca_file", scrape.caFile().toString());
      job.putObject("basic_auth").put("username", scrape.username()).put("password_file", scrape.passwordFile().toString());
    }
    cfg.putArray("scrape_configs").add(job);
    ArrayNode rf = cfg.putArray("rule_files");
    rules.forEach(r -> rf.add(r.toString()));
    cfg.remove(List.of("remote_write", "remote_read", "alerting"));
    cfg.withObjectProperty("alerting").putArray("alertmanagers").addObject().putArray("static_configs").addObject()
        .putArray("targets").add(alertmanager);
    return YAML.writeValueAsString(cfg);
  }

  /** Alertmanager config: the repository's, with group_wait/group_interval of 1 s on the root route. */
  static String alertmanagerYml(Path repo) throws IOException {
    ObjectNode cfg = (ObjectNode) YAML.readTree(repo.resolve("prometheus/alertmanager.yml").toFile());
    ObjectNode route = cfg.withObjectProperty("route");
    route.put("group_wait", "1s").put("group_interval", "1s");
    return YAML.writeValueAsString(cfg);
  }

  /** A copy of one rule file with every {@code for:} capped at {@link #FOR_CAP} and group intervals at 1 s. */
  static String shortenedRules(Path ruleFile) throws IOException {
    ObjectNode cfg = (ObjectNode) YAML.readTree(ruleFile.toFile());
    for (JsonNode g : cfg.path("groups")) {
      if (g.has("interval")) {
        ((ObjectNode) g).put("interval", "1s");
      }
      for (JsonNode r : g.path("rules")) {
        if (r.has("for") && parse(r.path("for").asText()).compareTo(FOR_CAP) > 0) {
          ((ObjectNode) r).put("for", FOR_CAP.toSeconds() + "s");
        }
      }
    }
    return YAML.writeValueAsString(cfg);
  }

  /** The shipped {@code for:} of an alert (first rule with that name in any rule file), or 0. */
  static Duration shippedFor(Path repo, String alert) throws IOException {
    for (Path f : ruleFiles(repo)) {
      for (JsonNode g : YAML.readTree(f.toFile()).path("groups")) {
        for (JsonNode r : g.path("rules")) {
          if (alert.equals(r.path("alert").asText())) {
            return r.has("for") ? parse(r.path("for").asText()) : Duration.ZERO;
          }
        }
      }
    }
    throw new AssertionError("no alert " + alert + " in " + repo.resolve("alerts"));
  }

  /** Prometheus duration (1h30m, 90s, 2d …): the exporter's own parser, one place for the format. */
  static Duration parse(String s) {
    return org.hpcstatus.exporter.config.Durations.parse(s);
  }

  /** How Prometheus scrapes the exporters: HTTPS trusting {@code caFile}, basic auth from {@code passwordFile}. */
  record Scrape(Path caFile, String username, Path passwordFile) {}

  /** The status page stays open while /metrics needs credentials (docs/deploy.md, "TLS and authentication"). */
  static final String PUBLIC_STATUS_PAGE = "web:\n  public_paths: [\"/\"]\n";

  /** Where the exporter's test config points its service checks. */
  record Services(int privateMqttPort) {}

  /**
   * Exporter config: every collector every 1–2 s, accounting every 2 s re-reading a week (so the
   * testbed's finished jobs are counted at once), min_jobs 1, and service checks every 1 s of the
   * private Mosquitto plus the shared local services of scripts/services.sh (read only).
   */
  static String exporterYml(String cluster, Path stateDir, Services s) {
    List<String> lines = new ArrayList<>();
    lines.add("cluster: " + cluster);
    lines.add("collectors:");
    for (String c : List.of("nodes", "partitions", "jobs", "scheduler", "reservations", "controller")) {
      lines.add("  " + c + ": {enabled: true, interval: 1s}");
    }
    lines.add("  fairshare: {enabled: true, interval: 2s}");
    lines.add("  licenses: {enabled: true, interval: 2s}");
    lines.add("accounting:");
    lines.add("  enabled: true");
    lines.add("  state_dir: " + stateDir);
    lines.add("  interval: 2s");
    lines.add("  overlap: 7d");
    lines.add("  sacct_calls_per_minute: 60");
    lines.add("  min_jobs: 1");
    if (s == null) {
      return String.join("\n", lines) + "\n"; // Slurm and accounting only
    }
    lines.add("services:");
    lines.add("  - {name: e2e-broker, kind: mqtt, target: \"tcp://127.0.0.1:" + s.privateMqttPort()
        + "\", interval: 1s, timeout: 900ms, failure_threshold: 1, round_trip_topic: hpcstatus/e2e/rt}");
    lines.add("  - {name: shared-redis, kind: redis, target: \"127.0.0.1:16379\", password_env: E2E_SERVICES_PW,"
        + " interval: 1s, timeout: 900ms}");
    lines.add("  - {name: shared-postgres, kind: postgres, target: \"postgres://127.0.0.1:15432/hpcstatus\","
        + " username: hpcstatus, password_env: E2E_SERVICES_PW, interval: 2s}");
    lines.add("  - {name: shared-influxdb, kind: influxdb, target: \"http://127.0.0.1:18086\", api_version: 1,"
        + " round_trip_database: hpcstatus, interval: 2s}");
    lines.add("  - {name: tmp-fs, kind: filesystem, target: /tmp, require_mount: false, interval: 2s}");
    // a site-defined aggregate (service_sql_e2e_databases{owner}) for the "Platform aggregates" panels
    lines.add("  - name: shared-platform");
    lines.add("    kind: sql");
    lines.add("    target: postgres://127.0.0.1:15432/hpcstatus");
    lines.add("    username: hpcstatus");
    lines.add("    password_env: E2E_SERVICES_PW");
    lines.add("    interval: 2s");
    lines.add("    queries:");
    lines.add("      - metric: e2e_databases");
    lines.add("        help: Databases by owner (end-to-end test).");
    lines.add("        query: SELECT pg_get_userbyid(datdba) AS owner, count(*) AS n FROM pg_database GROUP BY 1");
    lines.add("        labels: [owner]");
    lines.add("        value: n");
    return String.join("\n", lines) + "\n";
  }
}
