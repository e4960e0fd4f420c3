package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.nodes.Node;
import org.hpcstatus.exporter.slurm.nodes.NodesParser;
import org.junit.jupiter.api.Test;

class NodesParserTest {

  static Map<String, Node> byName(List<Node> nodes) {
    return nodes.stream().collect(Collectors.toMap(Node::name, n -> n));
  }

  @Test
  void edgeCases() {
    Parsed<List<Node>> p = NodesParser.parse(Fixtures.read("edge-cases/scontrol-show-nodes_edge.txt"));
    assertThat(p.value()).hasSize(17);
    assertThat(p.errors()).as("garbage, missing State, bad CPUTot, truncated line").isEqualTo(4);
    Map<String, Node> n = byName(p.value());

    Node longName = n.get("a-very-long-node-name-that-runs-past-twenty-columns-0001");
    assertThat(longName.gpusTotal()).isEmpty();
    assertThat(longName.cpusTotal()).isEqualTo(64);
    assertThat(longName.memoryTotalBytes()).isEqualTo(256000L * 1024 * 1024);

    assertThat(n.get("gpu-null-type").gpusTotal()).containsExactly(Map.entry("none", 3L));
    assertThat(n.get("gpu-null-type").gpusAlloc()).containsExactly(Map.entry("none", 1L));
    assertThat(n.get("gpu-null-type").partitions()).containsExactly("gpu", "batch");
    assertThat(n.get("gpu-two-types").gpusTotal()).containsOnly(Map.entry("A30", 4L), Map.entry("Q6K", 4L));
    assertThat(n.get("gpu-two-types").gpusAlloc()).containsOnly(Map.entry("A30", 4L), Map.entry("Q6K", 2L));
    assertThat(n.get("gpu-tesla-zero").gpusTotal()).containsExactly(Map.entry("tesla", 0L));

    Node drain = n.get("mixed-drain");
    assertThat(drain.state().base()).isEqualTo("mixed");
    assertThat(drain.state().flags()).contains("drain", "draining");
    assertThat(drain.reason()).isEqualTo("kernel update");
    assertThat(drain.reasonUser()).isEqualTo("admin");
    assertThat(drain.reasonTimestamp()).isEqualTo(1795166100L); // 2026-11-20T09:15:00Z
    assertThat(n.get("idle-drain").reason()).isEqualTo("bad dimm slot A3");
    assertThat(n.get("down-noresp").state().flags()).containsExactly("not_responding");
    assertThat(n.get("planned").state().flags()).contains("planned", "maint", "reserved");
  }

  @Test
  void emptyAndHostileInputNeverThrows() {
    assertThat(NodesParser.parse("").value()).isEmpty();
    assertThat(NodesParser.parse("\n\n").errors()).isZero();
    assertThat(NodesParser.parse("NodeName=").errors()).isEqualTo(1);
    assertThat(NodesParser.parse("NodeName=x State=IDLE CPUTot=4 Gres=gpu:a100:x(S:0)").errors()).isEqualTo(1);
    // Binary junk, very long lines
    String junk = "\u0000\u0001NodeName=\u00ff State=== CPUTot=-1 " + "x".repeat(100_000);
    Parsed<List<Node>> p = NodesParser.parse(junk);
    assertThat(p.errors()).isEqualTo(1);
  }

  @Test
  void duplicateNodeRecordsCountOnce() {
    String line = "NodeName=cn1 CPUAlloc=1 CPUTot=4 State=MIXED RealMemory=1000 AllocMem=10 Partitions=a,b";
    Parsed<List<Node>> p = NodesParser.parse(line + "\n" + line + "\n");
    assertThat(p.value()).hasSize(1);
    assertThat(p.errors()).isEqualTo(1);
  }
}
