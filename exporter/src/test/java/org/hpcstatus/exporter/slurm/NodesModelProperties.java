package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.nodes.Node;
import org.hpcstatus.exporter.slurm.nodes.NodesParser;
import org.hpcstatus.exporter.slurm.partitions.Partition;
import org.hpcstatus.exporter.slurm.partitions.PartitionsParser;

/**
 * Valid {@code scontrol -o show nodes/partitions} records generated from a model, rendered as Slurm
 * 22.05 prints them, parsed back: every number equals the model's, and junk lines mixed in are
 * counted one each without disturbing the records around them.
 */
class NodesModelProperties {

  /** A node as the model knows it; memory in MiB as Slurm prints it. */
  record NodeModel(String name, String state, String base, boolean drain, long cpuTot, long cpuAlloc, long realMem,
                   long allocMem, long freeMem, Map<String, Long> gpus, Map<String, Long> gpusUsed,
                   List<String> partitions, String reason, long reasonEpoch) {
    String render() {
      StringBuilder gres = new StringBuilder();
      StringBuilder used = new StringBuilder();
      gpus.forEach((t, n) -> gres.append(gres.length() == 0 ? "" : ",").append("gpu:").append(t).append(':').append(n)
          .append("(S:0)"));
      gpusUsed.forEach((t, n) -> used.append(used.length() == 0 ? "" : ",").append("gpu:").append(t).append(':')
          .append(n).append("(IDX:0-").append(Math.max(0, n - 1)).append(')'));
      return "NodeName=" + name + " Arch=x86_64 CoresPerSocket=1  CPUAlloc=" + cpuAlloc + " CPUEfctv=" + cpuTot
          + " CPUTot=" + cpuTot + " CPULoad=0.57 AvailableFeatures=(null) ActiveFeatures=(null) Gres="
          + (gres.length() == 0 ? "(null)" : gres) + " GresDrain=N/A GresUsed=" + (used.length() == 0 ? "gpu:0" : used)
          + " NodeAddr=127.0.0.1 NodeHostName=" + name + " Port=17006 Version=22.05.8 OS=Linux 6.1 #1 SMP @0  RealMemory="
          + realMem + " AllocMem=" + allocMem + " FreeMem=" + freeMem + " Sockets=4 Boards=1 State=" + state
          + " ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A Partitions=" + String.join(",", partitions)
          + "  BootTime=2026-11-23T19:04:12 CfgTRES=cpu=" + cpuTot + " AllocTRES= CapWatts=n/a CurrentWatts=0"
          + (reason == null ? "" : " Reason=" + reason + " [root@" + TS.format(LocalDateTime.ofEpochSecond(reasonEpoch, 0,
          ZoneOffset.UTC)) + "]");
    }
  }

  static final java.time.format.DateTimeFormatter TS = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  static final List<String[]> STATES = List.of(new String[] {"IDLE", "idle", ""}, new String[] {"ALLOCATED", "allocated", ""},
      new String[] {"MIXED", "mixed", ""}, new String[] {"DOWN+NOT_RESPONDING", "down", ""},
      new String[] {"IDLE+DRAIN", "idle", "drain"}, new String[] {"ALLOCATED+DRAIN", "allocated", "drain"},
      new String[] {"MIXED+DRAIN", "mixed", "drain"}, new String[] {"DOWN*+DRAIN", "down", "drain"},
      new String[] {"IDLE+RESERVED", "idle", ""}, new String[] {"FUTURE", "future", ""});

  static Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(3)
        .flatMap(p -> Arbitraries.integers().between(0, 99_999).map(i -> p + i));
  }

  @Provide
  Arbitrary<List<NodeModel>> nodes() {
    Arbitrary<Map<String, Long>> gpus = Arbitraries.maps(Arbitraries.of("a100", "v100", "h100", "t4"),
        Arbitraries.longs().between(1, 16)).ofMaxSize(3);
    Arbitrary<NodeModel> node = net.jqwik.api.Combinators.combine(names(), Arbitraries.of(STATES),
        Arbitraries.longs().between(1, 4096), Arbitraries.doubles().between(0, 1),
        Arbitraries.longs().between(1, 8L << 20), Arbitraries.doubles().between(0, 1), gpus,
        Arbitraries.of("batch", "gpu", "debug", "long-name_1").set().ofMinSize(1).ofMaxSize(3)).as(
        (name, st, cpus, allocFrac, mem, memFrac, g, parts) -> {
          long alloc = Math.round(cpus * allocFrac);
          long amem = Math.round(mem * memFrac);
          Map<String, Long> used = new LinkedHashMap<>();
          g.forEach((t, n) -> used.put(t, Math.round(n * allocFrac)));
          return new NodeModel(name, st[0], st[1], !st[2].isEmpty(), cpus, alloc, mem, amem, mem - amem,
              new LinkedHashMap<>(g), used, new ArrayList<>(parts), st[2].isEmpty() ? null : "bad dimm " + cpus,
              1_795_000_000L + cpus * 37);
        });
    return node.list().ofMinSize(1).ofMaxSize(30).uniqueElements(NodeModel::name);
  }

  @Property
  void everyNumberOfAValidNodeIsReadExactly(@ForAll("nodes") List<NodeModel> model,
                                            @ForAll("junkPositions") List<Integer> junkAt) {
    List<String> lines = new ArrayList<>();
    model.forEach(m -> lines.add(m.render()));
    for (int at : junkAt) {
      lines.add(at % (lines.size() + 1), "NodeName= State=IDLE CPUTot=x");
    }
    Parsed<List<Node>> r = NodesParser.parse(String.join("\n", lines) + "\n");
    assertThat(r.errors()).isEqualTo(junkAt.size());
    assertThat(r.value()).hasSize(model.size());
    for (int i = 0; i < model.size(); i++) {
      NodeModel m = model.get(i);
      Node n = r.value().get(i);
      assertThat(n.name()).isEqualTo(m.name());
      assertThat(n.state().base()).isEqualTo(m.base());
      assertThat(n.state().flags().contains("drain")).isEqualTo(m.drain());
      assertThat(n.cpusTotal()).isEqualTo(m.cpuTot());
      assertThat(n.cpusAlloc()).isEqualTo(m.cpuAlloc());
      assertThat(n.cpusEffective()).isEqualTo(m.cpuTot());
      assertThat(n.memoryTotalBytes()).isEqualTo(m.realMem() << 20);
      assertThat(n.memoryAllocBytes()).isEqualTo(m.allocMem() << 20);
      assertThat(n.memoryFreeBytes()).isEqualTo(m.freeMem() << 20);
      assertThat(n.gpusTotal()).isEqualTo(m.gpus());
      // a node without GPUs prints GresUsed=gpu:0: one untyped entry at 0
      assertThat(n.gpusAlloc()).isEqualTo(m.gpus().isEmpty() ? Map.of("none", 0L) : m.gpusUsed());
      assertThat(n.partitions()).isEqualTo(m.partitions());
      assertThat(n.reason()).isEqualTo(m.reason());
      assertThat(n.reasonTimestamp()).isEqualTo(m.reason() == null ? null : m.reasonEpoch());
    }
  }

  @Provide
  Arbitrary<List<Integer>> junkPositions() {
    return Arbitraries.integers().between(0, 1000).list().ofMaxSize(5);
  }

  record PartitionModel(String name, String state, boolean dflt, long cpus, long nodes, Long maxTime) {
    String render() {
      String t = maxTime == null ? "UNLIMITED" : (maxTime / 86400 > 0 ? (maxTime / 86400) + "-" : "")
          + String.format(Locale.ROOT, "%02d:%02d:%02d", maxTime % 86400 / 3600, maxTime % 3600 / 60, maxTime % 60);
      return "PartitionName=" + name + " AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL AllocNodes=ALL Default="
          + (dflt ? "YES" : "NO") + " QoS=N/A DefaultTime=01:00:00 DisableRootJobs=NO GraceTime=0 Hidden=NO "
          + "MaxNodes=UNLIMITED MaxTime=" + t + " MinNodes=0 LLN=NO Nodes=cn[1-4] PriorityTier=1 State=" + state
          + " TotalCPUs=" + cpus + " TotalNodes=" + nodes + " SelectTypeParameters=NONE TRES=cpu=" + cpus + ",node=" + nodes;
    }
  }

  @Provide
  Arbitrary<List<PartitionModel>> partitions() {
    Arbitrary<Long> maxTime = Arbitraries.longs().between(0, 365L * 86400).injectNull(0.2);
    return net.jqwik.api.Combinators.combine(names(), Arbitraries.of("UP", "DOWN", "DRAIN", "INACTIVE"),
        Arbitraries.of(true, false), Arbitraries.longs().between(0, 10_000_000), Arbitraries.longs().between(0, 100_000),
        maxTime).as(PartitionModel::new).list().ofMaxSize(20);
  }

  @Property
  void everyNumberOfAValidPartitionIsReadExactly(@ForAll("partitions") List<PartitionModel> model) {
    StringBuilder b = new StringBuilder();
    model.forEach(m -> b.append(m.render()).append('\n'));
    Parsed<List<Partition>> r = PartitionsParser.parse(b.toString());
    assertThat(r.errors()).isZero();
    assertThat(r.value()).hasSize(model.size());
    for (int i = 0; i < model.size(); i++) {
      PartitionModel m = model.get(i);
      Partition p = r.value().get(i);
      assertThat(p.name()).isEqualTo(m.name());
      assertThat(p.state()).isEqualTo(m.state().toLowerCase(Locale.ROOT));
      assertThat(p.isDefault()).isEqualTo(m.dflt());
      assertThat(p.totalCpus()).isEqualTo(m.cpus());
      assertThat(p.totalNodes()).isEqualTo(m.nodes());
      assertThat(p.maxTimeSeconds()).isEqualTo(m.maxTime());
    }
  }
}
