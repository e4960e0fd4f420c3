package org.hpcstatus.exporter.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.core.CommandRunner;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.slurm.jobs.JobStates;
import org.hpcstatus.exporter.slurm.nodes.NodeState;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against the live single-node testbed (scripts/slurm-testbed.sh up && jobs): the exporter's numbers
 * equal what sinfo and squeue say at the same moment. Slurm's state moves while we look, so each
 * comparison takes a fresh exporter snapshot and a fresh sinfo/squeue reading until they agree (up to
 * a few tries); a real mismatch never agrees.
 */
class SlurmTestbedIT {
  private static final CommandRunner RUN = new CommandRunner(null, Duration.ofSeconds(20), 64 << 20, new SelfMetrics());

  @BeforeAll
  static void requireTestbed() {
    boolean up;
    try {
      up = RUN.run("ping", List.of("scontrol", "ping"), true).stdout().contains("is UP");
    } catch (Exception e) {
      up = false;
    }
    Live.require(up, "a live Slurm testbed (scripts/slurm-testbed.sh up)");
  }

  static String sh(String... argv) throws Exception {
    return RUN.run(argv[0], List.of(argv), false).stdout();
  }

  static String scrape(Exporter e) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(bos, e.registry().scrape(),
        io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
    return bos.toString(StandardCharsets.UTF_8);
  }

  /** Values of one metric family keyed by the given label's value (other labels must be fixed by filter). */
  static Map<String, Double> values(String text, String metric, String keyLabel, String filter) {
    Map<String, Double> m = new TreeMap<>();
    Pattern p = Pattern.compile("^" + metric + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher x = p.matcher(text);
    while (x.find()) {
      String labels = x.group(1);
      if (filter != null && !labels.contains(filter)) {
        continue;
      }
      Matcher k = Pattern.compile(keyLabel + "=\"([^\"]*)\"").matcher(labels);
      if (k.find()) {
        m.put(k.group(1), Double.parseDouble(x.group(2)));
      }
    }
    return m;
  }

  interface Comparison {
    /** Returns null when equal, else a description of the difference. */
    String diff(String scrape) throws Exception;
  }

  static void eventuallyEqual(Exporter e, String what, Comparison c) throws Exception {
    String last = null;
    for (int i = 0; i < 6; i++) {
      e.poller().runAllOnce();
      String text = scrape(e);
      last = c.diff(text);
      if (last == null) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(what + " never matched: " + last);
  }

  static Exporter exporter() {
    // interval 1s: every runAllOnce() re-reads Slurm instead of reusing a cached source
    StringBuilder y = new StringBuilder("collectors:\n");
    for (String c : List.of("nodes", "partitions", "jobs", "scheduler", "fairshare", "reservations", "licenses",
        "controller")) {
      y.append("  ").append(c).append(": {interval: 1s}\n");
    }
    return new Exporter(ConfigLoader.parse(y.toString()), new PrometheusRegistry());
  }

  @Test
  void clusterCpuTotalsEqualSinfoCountingEachNodeOnce() throws Exception {
    try (Exporter e = exporter()) {
      eventuallyEqual(e, "slurm_cpus vs sinfo -N CPUsState", text -> {
        // sinfo -N prints a node once per partition: de-duplicate by node name
        Map<String, long[]> perNode = new LinkedHashMap<>();
        for (String line : sh("sinfo", "-N", "-h", "-O", "NodeList:|,CPUsState:|").split("\n")) {
          if (line.isBlank()) {
            continue;
          }
          String[] f = line.split("\\|");
          String[] aiot = f[1].split("/");
          perNode.put(f[0], new long[] {Long.parseLong(aiot[0]), Long.parseLong(aiot[1]), Long.parseLong(aiot[2]),
              Long.parseLong(aiot[3])});
        }
        long[] sum = new long[4];
        perNode.values().forEach(v -> {
          for (int i = 0; i < 4; i++) {
            sum[i] += v[i];
          }
        });
        Map<String, Double> expected = new TreeMap<>(Map.of("allocated", (double) sum[0], "idle", (double) sum[1],
            "other", (double) sum[2], "total", (double) sum[3]));
        Map<String, Double> actual = values(text, "slurm_cpus", "state", null);
        return expected.equals(actual) ? null : "sinfo " + expected + " exporter " + actual;
      });
    }
  }

  @Test
  void partitionCpusEqualSinfoPerPartition() throws Exception {
    try (Exporter e = exporter()) {
      eventuallyEqual(e, "slurm_partition_cpus vs sinfo CPUsState", text -> {
        StringBuilder diff = new StringBuilder();
        for (String line : sh("sinfo", "-h", "-O", "PartitionName:|,CPUsState:|").split("\n")) {
          if (line.isBlank()) {
            continue;
          }
          String[] f = line.split("\\|");
          String part = f[0].replace("*", "");
          String[] aiot = f[1].split("/");
          Map<String, Double> expected = new TreeMap<>(Map.of("allocated", Double.parseDouble(aiot[0]),
              "idle", Double.parseDouble(aiot[1]), "other", Double.parseDouble(aiot[2]),
              "total", Double.parseDouble(aiot[3])));
          Map<String, Double> actual = values(text, "slurm_partition_cpus", "state", "partition=\"" + part + "\"");
          if (!expected.equals(actual)) {
            diff.append(part).append(": sinfo ").append(expected).append(" exporter ").append(actual).append("; ");
          }
        }
        return diff.length() == 0 ? null : diff.toString();
      });
    }
  }

  /** Per-node A/I/O/T from sinfo -N (one line per node and partition), de-duplicated by node. */
  static Map<String, String[]> sinfoNodes(String field) throws Exception {
    Map<String, String[]> m = new LinkedHashMap<>();
    for (String line : sh("sinfo", "-N", "-h", "-O", "NodeList:|," + field + ":|").split("\n")) {
      if (!line.isBlank()) {
        String[] f = line.split("\\|");
        m.put(f[0], f[1].split("/"));
      }
    }
    return m;
  }

  @Test
  void nodeCountsEqualSinfoNodesAiotOnceAndPerPartition() throws Exception {
    try (Exporter e = exporter()) {
      eventuallyEqual(e, "slurm_nodes_usage vs sinfo NodeAIOT", text -> {
        double[] sum = new double[3];
        for (String[] aiot : sinfoNodes("NodeAIOT").values()) {
          for (int i = 0; i < 3; i++) {
            sum[i] += Double.parseDouble(aiot[i]);
          }
        }
        Map<String, Double> expected = new TreeMap<>(Map.of("allocated", sum[0], "idle", sum[1], "other", sum[2]));
        Map<String, Double> actual = values(text, "slurm_nodes_usage", "state", null);
        StringBuilder diff = new StringBuilder();
        if (!expected.equals(actual)) {
          diff.append("cluster: sinfo ").append(expected).append(" exporter ").append(actual).append("; ");
        }
        for (String line : sh("sinfo", "-h", "-O", "PartitionName:|,NodeAIOT:|").split("\n")) {
          if (line.isBlank()) {
            continue;
          }
          String[] f = line.split("\\|");
          String part = f[0].replace("*", "");
          String[] a = f[1].split("/");
          Map<String, Double> exp = new TreeMap<>(Map.of("allocated", Double.parseDouble(a[0]),
              "idle", Double.parseDouble(a[1]), "other", Double.parseDouble(a[2])));
          Map<String, Double> act = values(text, "slurm_partition_nodes_usage", "state", "partition=\"" + part + "\"");
          if (!exp.equals(act)) {
            diff.append(part).append(": sinfo ").append(exp).append(" exporter ").append(act).append("; ");
          }
        }
        return diff.length() == 0 ? null : diff.toString();
      });
    }
  }

  /**
   * Base states and flags against sinfo's StateComplete. sinfo prints "allocated+drain" for a draining
   * node that slurmctld (scontrol) reports as MIXED+DRAIN, so allocated and mixed are compared as one
   * sum; every other base state and the drain flag must match exactly.
   */
  @Test
  void nodeBaseStatesAndDrainFlagEqualSinfoStateComplete() throws Exception {
    try (Exporter e = exporter()) {
      eventuallyEqual(e, "slurm_nodes vs sinfo StateComplete", text -> {
        Map<String, Double> expected = new TreeMap<>();
        NodeState.BASES.forEach(b -> expected.put(b, 0.0));
        double drain = 0;
        for (String[] s : sinfoNodes("StateComplete").values()) {
          NodeState st = NodeState.parse(s[0].toUpperCase());
          if (st == null) {
            return "sinfo printed a state we cannot parse: " + s[0];
          }
          expected.merge(st.base().equals("mixed") ? "allocated" : st.base(), 1.0, Double::sum);
          drain += st.has("drain") ? 1 : 0;
        }
        Map<String, Double> actual = values(text, "slurm_nodes", "state", null);
        actual.put("allocated", actual.getOrDefault("allocated", 0.0) + actual.getOrDefault("mixed", 0.0));
        actual.put("mixed", 0.0);
        double drainActual = values(text, "slurm_nodes_flagged", "flag", null).getOrDefault("drain", -1.0);
        if (!expected.equals(actual)) {
          return "sinfo " + expected + " exporter " + actual;
        }
        return drainActual == drain ? null : "drain: sinfo " + drain + " exporter " + drainActual;
      });
    }
  }

  @Test
  void jobsPerStateEqualSqueue() throws Exception {
    try (Exporter e = exporter()) {
      eventuallyEqual(e, "slurm_jobs vs squeue", text -> {
        Map<String, Double> expected = new TreeMap<>();
        JobStates.COMMON.forEach(s -> expected.put(s, 0.0));
        for (String line : sh("squeue", "-a", "-r", "-h", "-o", "%T").split("\n")) {
          if (!line.isBlank()) {
            expected.merge(JobStates.normalise(line.strip()), 1.0, Double::sum);
          }
        }
        Map<String, Double> actual = values(text, "slurm_jobs", "state", null);
        return expected.equals(actual) ? null : "squeue " + expected + " exporter " + actual;
      });
      String text = scrape(e);
      assertThat(text).contains("hpcstatus_collector_success{cluster=\"testbed\",collector=\"jobs\"} 1.0");
    }
  }

  @Test
  void everyCollectorSucceedsAgainstRealSlurm() throws Exception {
    try (Exporter e = exporter()) {
      e.poller().runAllOnce();
      String text = scrape(e);
      for (String c : List.of("nodes", "partitions", "jobs", "scheduler", "fairshare", "reservations", "licenses",
          "controller")) {
        assertThat(text).as(c).contains("hpcstatus_collector_success{cluster=\"testbed\",collector=\"" + c + "\"} 1.0");
      }
      assertThat(values(text, "hpcstatus_parse_errors_total", "collector", null).values())
          .as("real Slurm output parses without skipped lines").allMatch(v -> v == 0.0);
      assertThat(text)
          .contains("slurm_controller_up{cluster=\"testbed\"")
          .contains("slurm_node_gpus{cluster=\"testbed\",node=\"gn1\",state=\"total\",type=\"a100\"} 2.0")
          .contains("slurm_licenses{cluster=\"testbed\",license=\"matlab\",state=\"total\"} 4.0")
          .contains("slurm_reservation_info{cluster=\"testbed\"")
          .contains("maint=\"true\"")
          .contains("slurm_node_reason_info{cluster=\"testbed\",node=\"cn2\"");
    }
  }

  @Test
  void drainingANodeShowsWithinOnePollInterval() throws Exception {
    // a live node that is not drained already (cn2 is drained on purpose; dead1 is down)
    String node = null;
    for (String candidate : List.of("cn4", "cn3", "cn1", "gn1")) {
      String line = sh("scontrol", "-o", "show", "node", candidate);
      if (!line.contains("DRAIN") && !line.contains("DOWN")) {
        node = candidate;
        break;
      }
    }
    assertThat(node).as("an undrained live node on the testbed").isNotNull();
    try (Exporter e = new Exporter(ConfigLoader.parse("collectors:\n  nodes: {interval: 2s}\naccounting: {enabled: false}\n"),
        new PrometheusRegistry())) {
      e.start();
      for (int i = 0; i < 150 && !e.poller().lastRunSucceeded("nodes"); i++) {
        Thread.sleep(100);
      }
      assertThat(e.poller().lastRunSucceeded("nodes")).as("first nodes poll").isTrue();
      double before = values(scrape(e), "slurm_nodes_flagged", "flag", null).getOrDefault("drain", 0.0);
      sh("scontrol", "update", "NodeName=" + node, "State=DRAIN", "Reason=it-drain-test");
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(2 + 3).toNanos(); // one interval + margin
        double now = before;
        String text = "";
        while (System.nanoTime() < deadline && now != before + 1) {
          Thread.sleep(200);
          text = scrape(e);
          now = values(text, "slurm_nodes_flagged", "flag", null).getOrDefault("drain", 0.0);
        }
        assertThat(now).as("drain flag count after draining " + node).isEqualTo(before + 1);
        assertThat(text).contains("slurm_node_reason_info{cluster=\"testbed\",node=\"" + node
            + "\",reason=\"it-drain-test\",user=\"root\"} 1");
      } finally {
        sh("scontrol", "update", "NodeName=" + node, "State=RESUME");
      }
    }
  }
}
