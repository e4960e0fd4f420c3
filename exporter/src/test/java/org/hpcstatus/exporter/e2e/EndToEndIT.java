package org.hpcstatus.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hpcstatus.exporter.e2e.PromApi.Sample;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 8's end-to-end test: the shaded exporter jar (two instances, clusters {@value #A} and
 * {@value #B}, served over HTTPS with basic auth and an open status page, see {@link ExporterTls}) against
 * the live Slurm testbed and local services, a real Prometheus 2.42 scraping them
 * every second with the repository's rules (alerts/*.yaml; {@code for:} capped at 5 s in the test's copy,
 * see docs/runbook.md), a real Alertmanager 0.25 with prometheus/alertmanager.yml, and the committed
 * dashboards. Events the panels and alerts need (a broker outage, a drained node, a maintenance window)
 * are made by the test and undone in {@code finally}. Panel checks run last, so panels that only show
 * data during an event are evaluated at the event's time (Prometheus' {@code time=} parameter).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {
  static final String A = "e2e-a";
  static final String B = "e2e-b";
  static final List<String> CLUSTERS = List.of(A, B);
  static final Duration DEADLINE = Duration.ofSeconds(90);
  static final Duration POLL = Duration.ofMillis(250);
  /** Headroom on top of the computed alert budget for a loaded 2-core CI machine (reported, not hidden). */
  static final Duration LOAD_ALLOWANCE = Duration.ofSeconds(30);
  static final String RUN_ID = Long.toString(ProcessHandle.current().pid()) + "-"
      + UUID.randomUUID().toString().substring(0, 6);

  final List<Event> events = new ArrayList<>();
  final Path repo = TestConfigs.repo();
  Path tmp;
  E2eStack stack;
  long t0;
  boolean warmed;
  /** End of the warm-up, before the test made anything happen: panels are first evaluated at this time. */
  double baseline;

  static double now() {
    return Event.now();
  }

  @BeforeAll
  void startStack() throws Exception {
    t0 = System.nanoTime();
    Live.require(Files.isExecutable(E2eStack.PROMETHEUS), "prometheus binary " + E2eStack.PROMETHEUS + " (Debian prometheus)");
    Live.require(Files.isExecutable(E2eStack.PROMTOOL), "promtool " + E2eStack.PROMTOOL + " (Debian prometheus)");
    Live.require(Files.isExecutable(E2eStack.ALERTMANAGER),
        "alertmanager binary " + E2eStack.ALERTMANAGER + " (Debian prometheus-alertmanager)");
    Live.require(Files.isExecutable(PrivateBroker.MOSQUITTO), "mosquitto binary (Debian mosquitto)");
    Live.require(Files.isRegularFile(E2eStack.jar(repo)), "the shaded exporter jar " + E2eStack.jar(repo) + " (mvn package)");
    Live.require(Testbed.up(), "a live Slurm testbed (scripts/slurm-testbed.sh up && jobs)");
    for (int port : new int[] {15432, 16379, 18086}) {
      Live.require(PrivateBroker.open(port), "local service on 127.0.0.1:" + port + " (scripts/services.sh up)");
    }
    Live.require(!DashboardQueries.files(repo).isEmpty(), "committed dashboards " + repo.resolve("dashboards") + "/*.json");
    Live.require(!TestConfigs.ruleFiles(repo).isEmpty(), "alert rule files " + repo.resolve("alerts") + "/*.yaml");
    Live.require(Files.isRegularFile(repo.resolve("prometheus/alertmanager.yml")), "prometheus/alertmanager.yml");

    tmp = Files.createTempDirectory("hpcstatus-e2e-");
    stack = E2eStack.start(repo, tmp, CLUSTERS);
    // enough scrapes for every rate window ($__rate_interval = 10s) and a first accounting ingest
    Poll.until("20 scrapes of each exporter and a successful accounting step of each", DEADLINE, Duration.ofSeconds(1),
        () -> List.of(stack.prom.query("count_over_time(up{job=\"hpc-status-exporter\"}[1m]) >= 20").size(),
            stack.prom.query("hpcstatus_accounting_success == 1").size(),
            stack.prom.query("count by (cluster) (slurm_user_windowed_jobs)").size()),
        n -> n.stream().allMatch(x -> x == CLUSTERS.size()), stack::logs);
    warmed = true;
    baseline = now();
    System.out.printf("e2e: stack up and warmed in %.1f s (dir %s)%n", (System.nanoTime() - t0) / 1e9, tmp);
  }

  /** Keeps the temp dir (process logs, configs, TSDB) when a test failed; deletes it otherwise. */
  static final class KeepOnFailure implements org.junit.jupiter.api.extension.TestWatcher {
    volatile boolean failed;

    @Override
    public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
      failed = true;
    }
  }

  @org.junit.jupiter.api.extension.RegisterExtension
  final KeepOnFailure watcher = new KeepOnFailure();

  @AfterAll
  void stopStack() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (tmp != null && warmed && !watcher.failed && !Boolean.getBoolean("hpcstatus.e2e.keep")) {
      try (java.util.stream.Stream<Path> walk = Files.walk(tmp)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } else if (tmp != null) {
      System.out.println("e2e: kept " + tmp + " (logs, configs, TSDB)");
    }
    System.out.printf("e2e: whole test %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  // ------------------------------------------------------------------------------------ alerts

  static boolean active(JsonNode amAlert) {
    return "active".equals(amAlert.path("status").path("state").asText());
  }

  static Set<String> clustersOf(List<JsonNode> alerts, java.util.function.Predicate<JsonNode> which) {
    return alerts.stream().filter(which).map(a -> a.path("labels").path("cluster").asText())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  @Order(0)
  void prometheusScrapesEveryExporterOverHttpsWithBasicAuthWhileTheStatusPageStaysOpen() throws Exception {
    List<JsonNode> targets = Poll.until("every exporter target up over https in Prometheus", DEADLINE, POLL,
        () -> {
          List<JsonNode> ts = new ArrayList<>();
          stack.prom.targets().forEach(ts::add);
          return ts;
        }, ts -> ts.size() == CLUSTERS.size()
            && ts.stream().allMatch(t -> "up".equals(t.path("health").asText())), stack::logs);
    for (JsonNode t : targets) {
      assertThat(t.path("scrapeUrl").asText()).as("scrape URL of " + t).startsWith("https://127.0.0.1:").endsWith("/metrics");
      assertThat(t.path("labels").path("job").asText()).isEqualTo("hpc-status-exporter");
    }
    assertThat(stack.prom.query("up{job=\"hpc-status-exporter\"} == 1")).hasSize(CLUSTERS.size());
    for (E2eStack.ExporterProc e : stack.exporters) {
      var anonymous = stack.tls.get(e.url("/metrics"), false);
      assertThat(anonymous.statusCode()).as("unauthenticated scrape of " + e.cluster()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic "));
      assertThat(anonymous.body()).doesNotContain("slurm_");
      var page = stack.tls.get(e.url("/"), false);
      assertThat(page.statusCode()).as("status page of " + e.cluster() + " without credentials").isEqualTo(200);
      assertThat(page.body()).contains(e.cluster());
      assertThat(stack.tls.get(e.url("/metrics"), true).statusCode()).as("scrape with the credentials").isEqualTo(200);
    }
  }

  @Test
  @Order(1)
  void stoppingTheBrokerFiresServiceDownInAlertmanagerAndRestartingResolvesIt() throws Exception {
    Map<String, String> svc = Map.of("service", "e2e-broker");
    Poll.until("service_up of e2e-broker = 1 in both clusters", DEADLINE, POLL,
        () -> stack.prom.query("service_up{service=\"e2e-broker\"} == 1").size(), n -> n == CLUSTERS.size(), stack::logs);
    assertThat(stack.am.alertmanagerAlerts("ServiceDown", svc)).as("ServiceDown before the outage").isEmpty();

    Duration shipped = TestConfigs.shippedFor(repo, "ServiceDown");
    Duration forUsed = shipped.compareTo(TestConfigs.FOR_CAP) > 0 ? TestConfigs.FOR_CAP : shipped;
    // for + 2 scrapes, plus what precedes the first failing sample: one check interval (1 s) with its
    // timeout (0.9 s), failure_threshold 1, and one rule evaluation (1 s)
    Duration budget = forUsed.plus(TestConfigs.SCRAPE.multipliedBy(2)).plusMillis(1000 + 900 + 1000);
    double stopped = now();
    stack.broker.stop();
    try {
      Poll.until("ServiceDown{service=e2e-broker} firing in Alertmanager for " + CLUSTERS, budget.plus(LOAD_ALLOWANCE),
          POLL, () -> stack.am.alertmanagerAlerts("ServiceDown", svc),
          alerts -> clustersOf(alerts, EndToEndIT::active).containsAll(CLUSTERS), stack::logs);
      double seen = now();
      System.out.printf("e2e: ServiceDown firing in Alertmanager %.1f s after the broker stopped (for: %ds in the "
          + "test copy, shipped %s; budget for + 2 scrapes + detection = %.1f s)%n", seen - stopped,
          forUsed.toSeconds(), shipped, budget.toMillis() / 1000.0);
      JsonNode first = stack.am.alertmanagerAlerts("ServiceDown", svc).get(0);
      assertThat(first.path("labels").path("severity").asText()).isNotEmpty();
      assertThat(first.path("annotations").path("runbook_url").asText()).contains("runbook.md#servicedown");
      assertThat(first.path("annotations").path("description").asText()).contains("e2e-broker");
    } finally {
      stack.broker.start();
      events.add(new Event("private broker stopped", stopped, now()));
    }
    Poll.until("ServiceDown{service=e2e-broker} resolved in Alertmanager", DEADLINE, POLL,
        () -> stack.am.alertmanagerAlerts("ServiceDown", svc), alerts -> alerts.stream().noneMatch(EndToEndIT::active),
        stack::logs);
    assertThat(stack.prom.query("service_up{service=\"e2e-broker\"} == 1")).hasSize(CLUSTERS.size());
  }

  @Test
  @Order(2)
  void drainingANodeChangesTheDrainedNodesPanel() throws Exception {
    DashboardQueries.Target panel = Panels.drainedNodes(repo, this::labelValues);
    double before = Panels.sum(stack.prom.query(panel.expr()));
    String node = Testbed.pickNode(Set.of());
    String reason = "e2e-" + RUN_ID;
    double from = now();
    Testbed.drain(node, reason);
    try {
      double during = Poll.until(panel.where() + " to change from " + before + " after draining " + node, DEADLINE, POLL,
          () -> Panels.sum(stack.prom.query(panel.expr())), v -> v > before, stack::logs);
      System.out.printf("e2e: drained %s: %s went %s -> %s%n", node, panel.where(), before, during);
      Poll.until("drain reason " + reason + " of " + node + " in both clusters", DEADLINE, POLL,
          () -> stack.prom.query("slurm_node_reason_info{node=\"" + node + "\",reason=\"" + reason + "\"}").size(),
          n -> n == CLUSTERS.size(), stack::logs);
    } finally {
      Testbed.resume(node);
      events.add(new Event("node " + node + " drained", from, now()));
    }
    Poll.until(panel.where() + " back to " + before + " after resuming " + node, DEADLINE, POLL,
        () -> Panels.sum(stack.prom.query(panel.expr())), v -> v <= before, stack::logs);
  }

  @Test
  @Order(3)
  void aMaintReservationInhibitsTheNodeDownAlert() throws Exception {
    String target = "SlurmNodesDownHigh";
    Map<String, String> labels = Map.of();
    Poll.until(target + " in Alertmanager for " + CLUSTERS + " (the testbed's dead1 is down)", DEADLINE, POLL,
        () -> stack.am.alertmanagerAlerts(target, labels), a -> clustersOf(a, x -> true).containsAll(CLUSTERS),
        stack::logs);
    boolean otherMaint = Testbed.reservations().stream().anyMatch(r -> r.maint() && r.active());
    if (!otherMaint) {
      assertThat(clustersOf(stack.am.alertmanagerAlerts(target, labels), EndToEndIT::active))
          .as(target + " active (not inhibited) before our maintenance window").containsAll(CLUSTERS);
    } else {
      System.out.println("e2e: another MAINT reservation is active on the testbed; " + target
          + " may already be inhibited before ours");
    }
    String resv = "e2e-maint-" + RUN_ID;
    String node = Testbed.pickNode(Set.of());
    double from = now();
    Testbed.createMaint(resv, node);
    try {
      // first the inhibit source for OUR window (another active one may already inhibit the target)
      Poll.until("SlurmMaintenanceActive{reservation=" + resv + "} active in Alertmanager for " + CLUSTERS, DEADLINE, POLL,
          () -> stack.am.alertmanagerAlerts("SlurmMaintenanceActive", Map.of("reservation", resv)),
          a -> clustersOf(a, EndToEndIT::active).containsAll(CLUSTERS), stack::logs);
      List<JsonNode> inhibited = Poll.until(target + " inhibited in Alertmanager after MAINT reservation " + resv
          + " on " + node, DEADLINE, POLL, () -> stack.am.alertmanagerAlerts(target, labels),
          a -> clustersOf(a, x -> x.path("status").path("inhibitedBy").size() > 0).containsAll(CLUSTERS), stack::logs);
      Set<String> sourceFps = stack.am.alertmanagerAlerts("SlurmMaintenanceActive", Map.of()).stream()
          .map(a -> a.path("fingerprint").asText()).collect(Collectors.toSet());
      for (JsonNode a : inhibited) {
        assertThat(a.path("status").path("state").asText()).isEqualTo("suppressed");
        a.path("status").path("inhibitedBy").forEach(fp -> assertThat(sourceFps).contains(fp.asText()));
      }
      System.out.printf("e2e: MAINT reservation %s on %s: %s suppressed, inhibitedBy %s%n", resv, node, target,
          inhibited.stream().map(a -> a.path("status").path("inhibitedBy").toString()).toList());
    } finally {
      Testbed.deleteReservation(resv);
      events.add(new Event("MAINT reservation " + resv, from, now()));
    }
    if (!otherMaint) {
      Poll.until(target + " no longer inhibited after deleting " + resv, DEADLINE, POLL,
          () -> stack.am.alertmanagerAlerts(target, labels), a -> clustersOf(a, EndToEndIT::active).containsAll(CLUSTERS),
          stack::logs);
    }
  }

  // ------------------------------------------------------------------------------------ scoreboard

  @Test
  @Order(4)
  void scoreboardCrossClusterTotalsAreTheSumOfBothClusters() throws Exception {
    List<Panels.CrossCluster> panels = Panels.crossClusterTotals(repo, this::labelValues, CLUSTERS);
    assertThat(panels).as("cross-cluster total panels of the scoreboard").isNotEmpty();
    double at = now(); // one evaluation time for every query: a consistent snapshot
    for (Panels.CrossCluster p : panels) {
      Map<Map<String, String>, Double> all = Panels.byLabels(stack.prom.query(p.all().expr(), at));
      Map<Map<String, String>, Double> expected;
      Map<String, Double> perClusterTotal = new TreeMap<>();
      if (p.ratio()) {
        // a ratio of the summed numerators and denominators, never a sum of ratios
        Map<Map<String, String>, Double> num = new TreeMap<>(Panels.LABELS_ORDER);
        Map<Map<String, String>, Double> den = new TreeMap<>(Panels.LABELS_ORDER);
        for (Map.Entry<String, DashboardQueries.Target> e : p.perCluster().entrySet()) {
          String[] nd = Panels.splitDivision(e.getValue().expr());
          Panels.byLabels(stack.prom.query(nd[0], at)).forEach((k, v) -> num.merge(k, v, Double::sum));
          Map<Map<String, String>, Double> d = Panels.byLabels(stack.prom.query(nd[1], at));
          d.forEach((k, v) -> den.merge(k, v, Double::sum));
          perClusterTotal.put(e.getKey(), d.values().stream().mapToDouble(Double::doubleValue).sum());
        }
        expected = new TreeMap<>(Panels.LABELS_ORDER);
        den.forEach((k, v) -> expected.put(k, num.getOrDefault(k, 0.0) / v));
      } else {
        expected = new TreeMap<>(Panels.LABELS_ORDER);
        for (Map.Entry<String, DashboardQueries.Target> e : p.perCluster().entrySet()) {
          Map<Map<String, String>, Double> one = Panels.byLabels(stack.prom.query(e.getValue().expr(), at));
          one.forEach((k, v) -> expected.merge(k, v, Double::sum));
          perClusterTotal.put(e.getKey(), one.values().stream().mapToDouble(Double::doubleValue).sum());
        }
      }
      System.out.printf("e2e: %s%s: per-cluster %s %s, cross-cluster %s%n", p.all().where(), p.ratio() ? " (ratio)" : "",
          p.ratio() ? "denominators" : "totals", perClusterTotal, all);
      assertThat(perClusterTotal.values()).as("each cluster contributes to " + p.all().where()).allMatch(v -> v > 0);
      assertThat(all.keySet()).as(p.all().where() + " series").isEqualTo(expected.keySet());
      all.forEach((k, v) -> assertThat(v).as(p.all().where() + " " + k).isCloseTo(expected.get(k),
          org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(v)))));
    }
  }

  // ------------------------------------------------------------------------------------ jobs

  /**
   * Queue-wait panels rate the wait histogram over $__rate_interval: they show numbers only while jobs
   * finish. The test finishes one (a 2-second job of alice's) and looks at them while it is counted.
   */
  @Test
  @Order(5)
  void aFinishedJobShowsInTheQueueWaitPanels() throws Exception {
    Event job;
    try {
      job = Event.finishedJob(RUN_ID, List.of(stack.prom), CLUSTERS.size(), Duration.ofSeconds(60));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + stack.logs(), e);
    }
    events.add(job);
    List<DashboardQueries.Target> waits = DashboardQueries.targets(repo, this::labelValues).stream()
        .filter(t -> t.expr().contains("slurm_job_wait_seconds")).toList();
    assertThat(waits).as("queue-wait panels").isNotEmpty();
    for (DashboardQueries.Target t : waits) {
      // evaluated when the job had just been counted: its wait is inside the rate window then
      assertThat(Panels.shows(stack.prom.query(t.expr(), job.to()))).as(t.where() + " shows a number after "
          + job.name() + ": " + t.expr() + " -> " + stack.prom.query(t.expr(), job.to())).isTrue();
    }
  }

  // ------------------------------------------------------------------------------------ panels

  @Test
  @Order(6)
  void everyDashboardPanelExpressionReturnsSeries() throws Exception {
    assertThat(DashboardQueries.panelsWithoutExpr(repo)).as("panels without a Prometheus expression").isEmpty();
    List<DashboardQueries.Target> targets = DashboardQueries.targets(repo, this::labelValues);
    assertThat(DashboardQueries.unresolved(targets)).as("template variables the test could not substitute").isEmpty();
    List<Event> after = new ArrayList<>(events);
    after.add(new Event("end of test", now() - 14, now() - 12));
    Panels.Report report = Panels.check(stack.prom, targets, after, baseline);
    report.print(System.out);
    // the same panels with one cluster selected instead of All
    List<DashboardQueries.Target> single = DashboardQueries.targets(repo, this::labelValues, Map.of("cluster", B));
    Panels.Report one = Panels.check(stack.prom, single, after, baseline);
    System.out.printf("e2e panels with cluster=%s alone: %d non-empty at steady state, %d only at an event, %d failed%n",
        B, one.proven().size(), one.provenAtEvent().size(), one.failures().size());
    one.failures().forEach(f -> System.out.println("e2e panels: FAILED with cluster=" + B + ": " + f));
    assertThat(report.failures()).as("dashboard panel expressions without any series (dashboard / panel / refId: "
        + "expr)").isEmpty();
    assertThat(one.failures()).as("the same with cluster=" + B).isEmpty();
    stack.requireAllAlive();
  }

  /** label_values() of a dashboard variable, answered by the test's Prometheus. */
  List<String> labelValues(String query) {
    return stack.prom.labelValues(query);
  }

}
