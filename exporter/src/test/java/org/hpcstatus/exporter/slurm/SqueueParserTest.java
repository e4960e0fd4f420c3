package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.jobs.Job;
import org.hpcstatus.exporter.slurm.jobs.SqueueParser;
import org.junit.jupiter.api.Test;

class SqueueParserTest {

  @Test
  void edgeCases() {
    Parsed<List<Job>> p = SqueueParser.parse(Fixtures.read("edge-cases/squeue_edge.txt"));
    assertThat(p.errors()).as("short line, bad id, bad state, bad cpus, truncated").isEqualTo(5);
    Map<String, Job> j = p.value().stream().collect(Collectors.toMap(Job::id, x -> x));
    assertThat(j).hasSize(10);
    assertThat(j.get("1001").state()).isEqualTo("running");
    assertThat(j.get("1001").cpus()).isEqualTo(4);
    // typed + untyped TRES for the same 4 GPUs: 4, not 8
    assertThat(j.get("1002+0").gpus()).isEqualTo(4);
    assertThat(j.get("1002+1").gpus()).isZero();
    // only typed in tres-alloc: sum of types
    assertThat(j.get("1004").gpus()).isEqualTo(2);
    Job multi = j.get("1005");
    assertThat(multi.partitions()).containsExactly("gpu", "batch");
    assertThat(multi.reason()).isEqualTo("ReqNodeNotAvail");
    assertThat(multi.state()).isEqualTo("pending");
    assertThat(j.get("1006_7").reason()).isEqualTo("Resources");
    // no allocation yet: request per node × nodes
    assertThat(j.get("1007").gpus()).isEqualTo(4);
    assertThat(j.get("1008").user()).isEqualTo("ümlaut-user-with-a-very-long-name-over-thirty-two-chars");
    assertThat(j.get("1008").state()).isEqualTo("completing");
    assertThat(j.get("1009").state()).isEqualTo("suspended");
    assertThat(j.get("1010").state()).isEqualTo("cancelled");
    assertThat(j.get("1001").submitTime()).isEqualTo(1795420800L); // 2026-11-23T08:00:00Z
    assertThat(j.get("1005").startTime()).isNull();
  }

  @Test
  void reasonNormalisation() {
    assertThat(SqueueParser.normaliseReason("(ReqNodeNotAvail, UnavailableNodes:cs[100-102])"))
        .isEqualTo("ReqNodeNotAvail");
    assertThat(SqueueParser.normaliseReason("ReqNodeNotAvail, Reserved for maintenance")).isEqualTo("ReqNodeNotAvail");
    assertThat(SqueueParser.normaliseReason("QOSMaxCpuPerUserLimit")).isEqualTo("QOSMaxCpuPerUserLimit");
    assertThat(SqueueParser.normaliseReason("None")).isEqualTo("None");
    assertThat(SqueueParser.normaliseReason("")).isEqualTo("None");
    assertThat(SqueueParser.normaliseReason("x".repeat(500))).hasSize(64);
  }

  @Test
  void hugeInputParsesLineByLine() {
    String line = "1|1|u|a|p|PD|Priority|1|1|cpu=1|N/A|N/A|normal|2026-11-23T08:00:00|N/A|n\n";
    Parsed<List<Job>> p = SqueueParser.parse(line.repeat(50_000));
    assertThat(p.value()).hasSize(50_000);
    assertThat(p.errors()).isZero();
  }
}
