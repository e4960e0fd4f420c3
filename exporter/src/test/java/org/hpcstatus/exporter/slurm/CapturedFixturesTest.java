package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.common.ScontrolConfig;
import org.hpcstatus.exporter.slurm.controller.ControllerStatus;
import org.hpcstatus.exporter.slurm.controller.PingParser;
import org.hpcstatus.exporter.slurm.fairshare.ShareRow;
import org.hpcstatus.exporter.slurm.fairshare.SshareParser;
import org.hpcstatus.exporter.slurm.jobs.Job;
import org.hpcstatus.exporter.slurm.jobs.JobStates;
import org.hpcstatus.exporter.slurm.jobs.SqueueParser;
import org.hpcstatus.exporter.slurm.licenses.License;
import org.hpcstatus.exporter.slurm.licenses.LicensesParser;
import org.hpcstatus.exporter.slurm.nodes.Node;
import org.hpcstatus.exporter.slurm.nodes.NodesParser;
import org.hpcstatus.exporter.slurm.partitions.Partition;
import org.hpcstatus.exporter.slurm.partitions.PartitionsCollector;
import org.hpcstatus.exporter.slurm.partitions.PartitionsParser;
import org.hpcstatus.exporter.slurm.reservations.Reservation;
import org.hpcstatus.exporter.slurm.reservations.ReservationsParser;
import org.hpcstatus.exporter.slurm.scheduler.Sdiag;
import org.hpcstatus.exporter.slurm.scheduler.SdiagParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Output captured from the real Slurm 22.05.8 testbed (scripts/capture-fixtures.sh), two snapshots
 * ("" and "-b"). Each parser must read every record without a skipped line, and its numbers are
 * cross-checked against another command captured at the same moment (sinfo -N) or against the raw
 * text, not against values typed into this test.
 */
class CapturedFixturesTest {

  static String fx(String name, String snapshot) {
    return Fixtures.read(name + "_22.05.8" + snapshot + ".txt");
  }

  /** sinfo -N -o "%N|%P|%T|%c|%m": node → [cpus, memMiB], node → partitions. */
  static Map<String, long[]> sinfoNodes(String snap, Map<String, Set<String>> partitions) {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (String line : fx("sinfo-N", snap).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\\|");
      m.put(f[0], new long[] {Long.parseLong(f[3]), Long.parseLong(f[4])});
      partitions.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[1].replace("*", ""));
    }
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-b"})
  void nodesMatchSinfoCapturedAtTheSameMoment(String snap) {
    for (String file : List.of("scontrol-show-nodes", "scontrol-show-nodes-detail")) {
      Parsed<List<Node>> p = NodesParser.parse(fx(file, snap));
      assertThat(p.errors()).as(file).isZero();
      Map<String, Set<String>> sinfoParts = new HashMap<>();
      Map<String, long[]> sinfo = sinfoNodes(snap, sinfoParts);
      Map<String, Node> nodes = p.value().stream().collect(Collectors.toMap(Node::name, n -> n));
      assertThat(nodes.keySet()).as("one record per node, even in two partitions").isEqualTo(sinfo.keySet());
      sinfo.forEach((name, cm) -> {
        Node n = nodes.get(name);
        assertThat(n.cpusTotal()).as(name).isEqualTo(cm[0]);
        assertThat(n.memoryTotalBytes()).as(name).isEqualTo(cm[1] * 1024 * 1024);
        assertThat(new TreeSet<>(n.partitions())).as(name).isEqualTo(sinfoParts.get(name));
      });
      assertThat(nodes.get("gn1").gpusTotal()).containsEntry("a100", 2L);
      assertThat(nodes.get("dead1").state().base()).isEqualTo("down");
      assertThat(nodes.get("dead1").state().flags()).contains("not_responding");
      assertThat(nodes.get("cn2").state().flags()).contains("drain");
      assertThat(nodes.get("cn2").reason()).isNotBlank();
      assertThat(nodes.get("cn-long-node-name-for-edge-cases-0001")).isNotNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-b"})
  void partitionsOverlapAndCountEachOfTheirNodes(String snap) throws Exception {
    Parsed<List<Partition>> p = PartitionsParser.parse(fx("scontrol-show-partitions", snap));
    assertThat(p.errors()).isZero();
    List<Node> nodes = NodesParser.parse(fx("scontrol-show-nodes-detail", snap)).value();
    Map<String, Partition> parts = p.value().stream().collect(Collectors.toMap(Partition::name, x -> x));
    assertThat(parts.get("batch").isDefault()).isTrue();
    // TotalCPUs as slurmctld counts it per partition == our sum over the partition's nodes
    Out out = new Out("testbed");
    PartitionsCollector.write(p.value(), nodes, out);
    String text = Snapshots.text(out);
    for (Partition part : p.value()) {
      assertThat(text).as(part.name()).contains("slurm_partition_cpus{cluster=\"testbed\",partition=\"" + part.name()
          + "\",state=\"total\"} " + (double) part.totalCpus());
    }
    // drained/draining per partition == sinfo -N's %T captured at the same moment, a node in two partitions in each
    Map<String, Integer> sinfoFlag = new HashMap<>();
    for (String line : fx("sinfo-N", snap).split("\n")) {
      if (!line.isBlank()) {
        String[] f = line.split("\\|");
        sinfoFlag.merge(f[1].replace("*", "") + "/" + f[2], 1, Integer::sum);
      }
    }
    for (Partition part : p.value()) {
      for (String flag : List.of("drained", "draining")) {
        assertThat(text).as(part.name() + " " + flag).contains("slurm_partition_nodes_flagged{cluster=\"testbed\",flag=\""
            + flag + "\",partition=\"" + part.name() + "\"} " + (double) sinfoFlag.getOrDefault(part.name() + "/" + flag, 0));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-b"})
  void squeueCountsEqualTheRawStateColumn(String snap) {
    for (String file : List.of("squeue")) {
      String raw = fx(file, snap);
      Parsed<List<Job>> p = SqueueParser.parse(raw);
      assertThat(p.errors()).isZero();
      Map<String, Long> expected = new TreeMap<>();
      raw.lines().filter(l -> !l.isBlank())
          .forEach(l -> expected.merge(JobStates.normalise(l.split("\\|")[5]), 1L, Long::sum));
      Map<String, Long> actual = new TreeMap<>(p.value().stream()
          .collect(Collectors.groupingBy(Job::state, Collectors.counting())));
      assertThat(actual).isEqualTo(expected);
      assertThat(p.value()).extracting(Job::id).doesNotHaveDuplicates();
      assertThat(p.value()).anyMatch(j -> j.id().contains("_"));
      assertThat(p.value()).anyMatch(j -> j.partitions().size() > 1);
      assertThat(p.value()).anyMatch(j -> j.gpus() > 0);
    }
  }

  @org.junit.jupiter.api.Test
  void theCaptureScriptUsesTheExportersSqueueFormat() throws Exception {
    java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath();
    while (!java.nio.file.Files.exists(p.resolve("scripts/capture-fixtures.sh"))) {
      p = p.getParent();
    }
    assertThat(java.nio.file.Files.readString(p.resolve("scripts/capture-fixtures.sh")))
        .contains("capture squeue squeue -a -r -h -O \"" + SqueueParser.FORMAT + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-b"})
  void sdiag(String snap) {
    String raw = fx("sdiag", snap);
    Parsed<Sdiag> p = SdiagParser.parse(raw);
    assertThat(p.errors()).isZero();
    Sdiag s = p.value();
    assertThat(s.general()).containsKeys("Server thread count", "Agent queue size", "DBD Agent queue size",
        "Jobs submitted", "Jobs failed");
    assertThat(s.main()).containsKeys("Last cycle", "Mean cycle", "Max cycle", "Total cycles");
    assertThat(s.backfill()).containsKeys("Last cycle", "Total backfilled jobs (since last slurm start)");
    assertThat(s.dataSince()).isPositive();
    long rpcLines = raw.lines().filter(l -> l.contains("ave_time:")).count();
    assertThat(s.rpcByType().size() + s.rpcByUser().size()).isEqualTo((int) rpcLines);
    assertThat(s.rpcByType()).containsKey("REQUEST_NODE_INFO");
    assertThat(s.rpcByUser()).containsKey("root");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-b"})
  void sshareKeepsAccountAndUserRows(String snap) {
    String raw = fx("sshare", snap);
    Parsed<List<ShareRow>> p = SshareParser.parse(raw);
    assertThat(p.errors()).isZero();
    assertThat(p.value()).hasSize((int) raw.lines().filter(l -> !l.isBlank()).count() - 1);
    ShareRow physics = p.value().stream().filter(r -> r.isAccount() && r.account().equals("physics")).findFirst()
        .orElseThrow();
    // Fair Tree: account rows have no FairShare but a LevelFS
    assertThat(physics.fairShare()).isNull();
    assertThat(physics.levelFs()).isNotNull();
    assertThat(p.value()).anyMatch(r -> !r.isAccount() && r.fairShare() != null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-b"})
  void reservationsLicensesPingConfig(String snap) {
    Parsed<List<Reservation>> r = ReservationsParser.parse(fx("scontrol-show-reservations", snap));
    assertThat(r.errors()).isZero();
    assertThat(r.value()).anyMatch(Reservation::isMaint);
    // the status page lists a maintenance window's nodes (slurm_reservation_info{nodes})
    assertThat(r.value()).filteredOn(Reservation::isMaint).allMatch(x -> !x.nodeList().isEmpty());
    assertThat(r.value()).allMatch(x -> x.start() != null && x.end() != null && x.end() > x.start());
    Parsed<List<License>> l = LicensesParser.parse(fx("scontrol-show-licenses", snap));
    assertThat(l.errors()).isZero();
    assertThat(l.value()).singleElement().satisfies(x -> {
      assertThat(x.name()).isEqualTo("matlab");
      assertThat(x.total()).isEqualTo(4);
      assertThat(x.used() + x.free()).isEqualTo(4);
    });
    Parsed<List<ControllerStatus>> ping = PingParser.parse(fx("scontrol-ping", snap));
    assertThat(ping.errors()).isZero();
    assertThat(ping.value()).singleElement().satisfies(c -> {
      assertThat(c.role()).isEqualTo("primary");
      assertThat(c.up()).isTrue();
    });
    assertThat(ScontrolConfig.parse(fx("scontrol-show-config", snap))).containsEntry("ClusterName", "testbed")
        .containsEntry("SLURM_VERSION", "22.05.8");
  }
}
