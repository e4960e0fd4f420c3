package org.hpcstatus.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hpcstatus.exporter.testing.BoundedCommand;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 10's scale-out topology through scripts/scale-out.sh: two exporters (clusters {@value #A},
 * {@value #B}; the shaded jar, subprocesses) each scraped by its own Prometheus in agent mode, which
 * remote-writes into a real VictoriaMetrics and into a central Prometheus with the remote-write
 * receiver. Every query of the cluster-status and scoreboard dashboards, with each cluster selected
 * alone, must return data from BOTH central stores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutIT {
  static final String A = "so-a";
  static final String B = "so-b";
  static final List<String> CLUSTERS = List.of(A, B);
  static final Path VICTORIA = Path.of("/usr/bin/victoria-metrics");
  static final Duration DEADLINE = Duration.ofSeconds(120);
  static final String RUN_ID = ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 6);

  final Path repo = TestConfigs.repo();
  final List<Proc> exporters = new ArrayList<>();
  Path tmp;
  Path topology;
  PromApi vm;
  PromApi central;
  long t0;

  @BeforeAll
  void start() throws Exception {
    t0 = System.nanoTime();
    Live.require(Files.isExecutable(E2eStack.PROMETHEUS), "prometheus binary (Debian prometheus)");
    Live.require(Files.isExecutable(VICTORIA), "victoria-metrics binary " + VICTORIA + " (Debian victoria-metrics)");
    Live.require(Files.isExecutable(Path.of("/usr/bin/curl")), "curl (scripts/scale-out.sh waits with it)");
    Live.require(Files.isRegularFile(E2eStack.jar(repo)), "the shaded exporter jar (mvn package)");
    Live.require(Testbed.up(), "a live Slurm testbed (scripts/slurm-testbed.sh up && jobs)");
    Live.require(!DashboardQueries.files(repo).isEmpty(), "committed dashboards/*.json");

    tmp = Files.createTempDirectory("hpcstatus-scale-out-");
    topology = tmp.resolve("topology");
    List<String> sites = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (String c : CLUSTERS) {
      Path cfg = tmp.resolve("exporter-" + c + ".yaml");
      Files.writeString(cfg, TestConfigs.exporterYml(c, Files.createDirectories(tmp.resolve("acct-" + c)), null));
      int port = Proc.freePort();
      exporters.add(Proc.start("exporter-" + c, List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-jar", E2eStack.jar(repo).toString(), "serve", "--config", cfg.toString(), "--web.listen-address",
          "127.0.0.1:" + port), Map.of(), tmp));
      sites.add(c + "=127.0.0.1:" + port);
    }
    for (int i = 0; i < CLUSTERS.size(); i++) {
      Proc p = exporters.get(i);
      String url = "http://" + sites.get(i).replaceAll(".*=", "") + "/metrics";
      Poll.until(p.name() + " serving Slurm metrics", DEADLINE, Duration.ofMillis(500), () -> PromApi.get(url),
          body -> body.contains("slurm_nodes{"), () -> p.logTail(3000));
    }
    int vmPort = Proc.freePort();
    int centralPort = Proc.freePort();
    String agents = Proc.freePort() + " " + Proc.freePort();
    List<String> argv = new ArrayList<>(List.of("bash", repo.resolve("scripts/scale-out.sh").toString(), "up",
        topology.toString()));
    argv.addAll(sites);
    BoundedCommand.Result up = BoundedCommand.run(argv, Map.of("VM_PORT", "" + vmPort, "CENTRAL_PORT", "" + centralPort,
        "AGENT_PORTS", agents, "SCRAPE_INTERVAL", "1s"), Duration.ofMinutes(3));
    assertThat(up.exit()).as("scripts/scale-out.sh up:\n" + up.out()).isZero();
    vm = new PromApi("http://127.0.0.1:" + vmPort);
    central = new PromApi("http://127.0.0.1:" + centralPort);
    for (PromApi store : List.of(vm, central)) {
      Poll.until("15 s of both clusters and a counted accounting step in " + store.base(), DEADLINE, Duration.ofSeconds(1),
          () -> List.of(store.query("count_over_time(hpcstatus_exporter_build_info[1m]) >= 15").size(),
              store.query("hpcstatus_accounting_success == 1").size()),
          n -> n.stream().allMatch(x -> x == CLUSTERS.size()), this::logs);
    }
    System.out.printf("scale-out: topology up and warmed in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  String logs() {
    StringBuilder b = new StringBuilder();
    exporters.forEach(p -> b.append("---- ").append(p.describe()).append('\n').append(p.logTail(1500)).append('\n'));
    try (var files = Files.list(topology)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        String s = Files.readString(f);
        b.append("---- ").append(f.getFileName()).append('\n').append(s.length() > 1500 ? s.substring(s.length() - 1500) : s)
            .append('\n');
      }
    } catch (Exception e) {
      b.append("(no topology logs: ").append(e).append(")\n");
    }
    return b.toString();
  }

  @org.junit.jupiter.api.extension.RegisterExtension
  final EndToEndIT.KeepOnFailure watcher = new EndToEndIT.KeepOnFailure();

  @AfterAll
  void stop() throws Exception {
    try {
      if (topology != null && Files.isDirectory(topology)) {
        BoundedCommand.Result down = BoundedCommand.run(List.of("bash", repo.resolve("scripts/scale-out.sh").toString(),
            "down", topology.toString()), Map.of(), Duration.ofMinutes(1));
        System.out.println("scale-out: down: " + down.out().trim());
        // whatever the script could not stop (it never should): by the pids it wrote
        try (var pids = Files.list(topology)) {
          for (Path pf : pids.filter(f -> f.toString().endsWith(".pid")).toList()) {
            ProcessHandle.of(Long.parseLong(Files.readString(pf).trim())).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      }
    } finally {
      exporters.forEach(Proc::close);
      if (tmp != null && vm != null && !watcher.failed && !Boolean.getBoolean("hpcstatus.e2e.keep")) {
        try (var walk = Files.walk(tmp)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      System.out.printf("scale-out: whole test %.1f s (dir %s)%n", (System.nanoTime() - t0) / 1e9, tmp);
    }
  }

  @Test
  void clusterAndScoreboardQueriesReturnBothClustersFromBothCentralStores() throws Exception {
    double steady = Event.now();
    // the queue-wait panels show numbers only while jobs finish: make one finish
    Event job = Event.finishedJob(RUN_ID, List.of(vm, central), CLUSTERS.size(), Duration.ofSeconds(60));
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (String cluster : CLUSTERS) {
      List<DashboardQueries.Target> targets = DashboardQueries.targets(repo, central::labelValues,
          Map.of("cluster", cluster)).stream()
          .filter(t -> t.dashboard().contains("cluster-status") || t.dashboard().contains("scoreboard")).toList();
      assertThat(targets).as("cluster-status and scoreboard queries").isNotEmpty();
      for (Map.Entry<String, PromApi> store : Map.of("VictoriaMetrics", vm, "central Prometheus", central).entrySet()) {
        Panels.Report r = Panels.check(store.getValue(), targets, List.of(job), steady);
        checked += targets.size();
        System.out.printf("scale-out: %s, cluster=%s: %d of %d queries non-empty, %d only while the job finished, %d failed%n",
            store.getKey(), cluster, r.proven().size(), targets.size(), r.provenAtEvent().size(), r.failures().size());
        r.failures().forEach(f -> failures.add(store.getKey() + ", cluster=" + cluster + ": " + f));
      }
    }
    assertThat(checked).isPositive();
    assertThat(failures).as("dashboard queries without data in a central store").isEmpty();
  }
}
