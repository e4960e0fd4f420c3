package org.hpcstatus.exporter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.hpcstatus.exporter.testing.BoundedCommand;

/**
 * The running end-to-end stack, all on 127.0.0.1 with free ports and one temp dir: a private Mosquitto,
 * one exporter per cluster (the shaded jar's {@code serve}, a subprocess), a real Prometheus scraping
 * them every second with the repository's rules, and a real Alertmanager with the repository's config.
 * {@link #close()} stops everything it started, in reverse order, also after a failed start.
 */
final class E2eStack implements AutoCloseable {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
  static final Duration START_DEADLINE = Duration.ofSeconds(120);

  record ExporterProc(String cluster, int port, Proc proc) {
    String target() {
      return "127.0.0.1:" + port;
    }

    /** The exporters serve HTTPS only ({@link ExporterTls}). */
    String url(String path) {
      return "https://" + target() + path;
    }
  }

  final Path repo;
  final Path dir;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  PrivateBroker broker;
  /** TLS and basic auth of the exporters and of Prometheus' scrapes. */
  ExporterTls tls;
  final List<ExporterProc> exporters = new ArrayList<>();
  Proc prometheus;
  PromApi prom;
  Proc alertmanager;
  PromApi am;
  /** Rule groups in the test's rule copies (= groups Prometheus must have loaded). */
  int ruleGroups;

  private E2eStack(Path repo, Path dir) {
    this.repo = repo;
    this.dir = dir;
  }

  static Path jar(Path repo) {
    return repo.resolve("exporter/target/hpc-status-exporter.jar");
  }

  static E2eStack start(Path repo, Path dir, List<String> clusters) throws Exception {
    E2eStack s = new E2eStack(repo, dir);
    try {
      s.startAll(clusters);
      return s;
    } catch (Throwable t) {
      String logs = s.logs();
      s.close();
      throw new AssertionError("end-to-end stack did not start: " + t + "\n" + logs, t);
    }
  }

  private void startAll(List<String> clusters) throws Exception {
    broker = new PrivateBroker(dir.resolve("mosquitto"));
    started.push(broker);
    broker.start();

    Files.writeString(dir.resolve("alertmanager.yml"), TestConfigs.alertmanagerYml(repo));
    alertmanager = startServer("alertmanager", port -> List.of(ALERTMANAGER.toString(),
        "--config.file=" + dir.resolve("alertmanager.yml"), "--storage.path=" + dir.resolve("am-data"),
        "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=info"));
    am = new PromApi(baseOf(alertmanager));

    tls = ExporterTls.create(dir, jar(repo));
    for (String cluster : clusters) {
      startExporter(cluster);
    }
    for (ExporterProc e : exporters) {
      Poll.until("exporter " + e.cluster() + " serving Slurm metrics over HTTPS", START_DEADLINE, Duration.ofMillis(500),
          () -> tls.body(e.url("/metrics")), body -> body.contains("slurm_nodes{"),
          () -> e.proc().logTail(4000));
    }

    List<Path> rules = new ArrayList<>();
    Path rulesDir = Files.createDirectories(dir.resolve("rules"));
    List<Path> shipped = TestConfigs.shippedRuleFiles(repo);
    if (!shipped.equals(TestConfigs.ruleFiles(repo))) {
      throw new AssertionError("prometheus/prometheus.yml rule_files load " + shipped + ", alerts/ has "
          + TestConfigs.ruleFiles(repo));
    }
    for (Path f : shipped) {
      Path copy = rulesDir.resolve(f.getFileName());
      Files.writeString(copy, TestConfigs.shortenedRules(f));
      ruleGroups += TestConfigs.YAML.readTree(copy.toFile()).path("groups").size();
      rules.add(copy);
    }
    Path promYml = dir.resolve("prometheus.yml");
    int amPort = Integer.parseInt(am.base().replaceAll(".*:", ""));
    Files.writeString(promYml, TestConfigs.prometheusYml(repo,
        exporters.stream().map(ExporterProc::target).toList(), rules, "127.0.0.1:" + amPort,
        new TestConfigs.Scrape(tls.caFile, ExporterTls.USER, tls.passwordFile)));
    BoundedCommand.Result check = BoundedCommand.run(List.of(PROMTOOL.toString(), "check", "config", promYml.toString()),
        Map.of(), Duration.ofSeconds(60));
    if (check.exit() != 0) {
      throw new AssertionError("promtool check config of the test's prometheus.yml failed:\n" + check.out());
    }
    prometheus = startServer("prometheus", port -> List.of(PROMETHEUS.toString(), "--config.file=" + promYml,
        "--storage.tsdb.path=" + dir.resolve("prom-data"), "--web.listen-address=127.0.0.1:" + port,
        "--storage.tsdb.retention.time=1d", "--log.level=info"));
    prom = new PromApi(baseOf(prometheus));
    Poll.until("Prometheus to load " + ruleGroups + " rule groups", START_DEADLINE, Duration.ofMillis(500),
        () -> prom.ruleGroups().size(), n -> n == ruleGroups, () -> prometheus.logTail(3000));
    Poll.until("every exporter target up in Prometheus", START_DEADLINE, Duration.ofMillis(500), () -> {
      List<String> healthy = new ArrayList<>();
      for (JsonNode t : prom.targets()) {
        if ("up".equals(t.path("health").asText())) {
          healthy.add(t.path("scrapeUrl").asText());
        }
      }
      return healthy;
    }, h -> h.size() == exporters.size(), () -> prometheus.logTail(3000));
  }

  private final Map<Proc, Integer> ports = new java.util.HashMap<>();

  private String baseOf(Proc p) {
    return "http://127.0.0.1:" + ports.get(p);
  }

  /** Starts a server on a free port and waits for /-/ready; a new port if it exited (port taken meanwhile). */
  private Proc startServer(String name, IntFunction<List<String>> argv) throws IOException {
    AssertionError last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = Proc.freePort();
      Proc p = Proc.start(name, argv.apply(port), Map.of(), dir);
      started.push(p);
      ports.put(p, port);
      try {
        Poll.until(name + " ready on :" + port, START_DEADLINE, Duration.ofMillis(250), () -> {
          p.requireAlive();
          return PromApi.ready("http://127.0.0.1:" + port);
        }, ok -> ok, () -> p.logTail(3000));
        return p;
      } catch (AssertionError e) {
        last = e;
        if (p.alive()) {
          throw e; // running but never ready: not a port clash
        }
      }
    }
    throw last;
  }

  ExporterProc startExporter(String cluster) throws IOException {
    Path state = Files.createDirectories(dir.resolve("accounting-" + cluster));
    Path cfg = dir.resolve("exporter-" + cluster + ".yaml");
    Files.writeString(cfg, TestConfigs.exporterYml(cluster, state, new TestConfigs.Services(broker.port()))
        + TestConfigs.PUBLIC_STATUS_PAGE);
    int port = Proc.freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Proc p = Proc.start("exporter-" + cluster, List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-jar", jar(repo).toString(), "serve", "--config", cfg.toString(),
        "--web.listen-address", "127.0.0.1:" + port, "--web.config.file", tls.webConfig.toString()),
        Map.of("E2E_SERVICES_PW", TestConfigs.SERVICES_PW), dir);
    started.push(p);
    ExporterProc e = new ExporterProc(cluster, port, p);
    exporters.add(e);
    return e;
  }

  /** Tails of every process log, for failure messages. */
  String logs() {
    StringBuilder b = new StringBuilder();
    for (AutoCloseable c : started) {
      if (c instanceof Proc p) {
        b.append("---- ").append(p.describe()).append('\n').append(p.logTail(1500)).append('\n');
      }
    }
    return b.toString();
  }

  /** Fails if any process of the stack died. */
  void requireAllAlive() {
    for (AutoCloseable c : started) {
      if (c instanceof Proc p && !p.name().equals("mosquitto")) {
        p.requireAlive();
      }
    }
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("e2e: closing failed: " + e);
      }
    }
  }
}
