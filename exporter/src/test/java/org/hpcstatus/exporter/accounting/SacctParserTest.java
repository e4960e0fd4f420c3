package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hpcstatus.exporter.core.Parsed;
import org.junit.jupiter.api.Test;

class SacctParserTest {

  static String fixture(String name) throws IOException {
    try (InputStream in = SacctParserTest.class.getResourceAsStream("/fixtures/" + name)) {
      assertThat(in).as("fixture " + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JobRecord one(String line) {
    Parsed<List<JobRecord>> p = SacctParser.parse(line + "\n");
    assertThat(p.errors()).as("errors for " + line).isZero();
    assertThat(p.value()).hasSize(1);
    return p.value().get(0);
  }

  @Test
  void parsesCapturedTestbedOutputWithoutErrors() throws IOException {
    String text = fixture("sacct-accounting_22.05.8.txt");
    long lines = text.lines().filter(l -> !l.isBlank()).count();
    Parsed<List<JobRecord>> p = SacctParser.parse(text);
    assertThat(p.errors()).isZero();
    assertThat(p.value()).hasSize((int) lines);
    // per-user counts computed with plain string splitting, independent of the parser
    Map<String, Long> expected = new HashMap<>();
    text.lines().filter(l -> !l.isBlank()).forEach(l -> expected.merge(l.split("\\|", -1)[3], 1L, Long::sum));
    Map<String, Long> got = new HashMap<>();
    p.value().forEach(j -> got.merge(j.user(), 1L, Long::sum));
    assertThat(got).isEqualTo(expected);
    assertThat(p.value()).anyMatch(j -> j.jobId().contains("_")); // array tasks are records of their own
    assertThat(p.value()).anyMatch(j -> j.gpus() == 1);
    assertThat(p.value()).anyMatch(j -> j.state() == JobState.TIMEOUT);
  }

  @Test
  void stepLinesAreSkippedAndCountedNotErrors() throws IOException {
    for (String[] pair : new String[][] {{"sacct-accounting_22.05.8.txt", "sacct-accounting-steps_22.05.8.txt"},
        {"sacct_22.05.8-b.txt", "sacct-steps_22.05.8-b.txt"}}) {
      String jobsOnly = fixture(pair[0]);
      String withSteps = fixture(pair[1]);
      long stepLines = withSteps.lines().filter(l -> l.split("\\|", -1)[0].contains(".")).count();
      SacctParser.Counts c = new SacctParser().parse(withSteps, j -> { });
      assertThat(stepLines).as(pair[1] + " has step lines").isPositive();
      assertThat(c.steps).isEqualTo(stepLines);
      assertThat(c.malformed()).isZero();
      assertThat(c.jobs).isEqualTo(SacctParser.parse(jobsOnly).value().size());
    }
  }

  @Test
  void capturedJobFieldsAndDerivedUsage() {
    JobRecord j = one("11|11|testbed|carol|chemistry|gpu|normal|CANCELLED|0:15|2026-11-23T19:29:09|"
        + "2026-11-23T19:29:09|2026-11-23T19:30:00|51|2|1|1000M|billing=2,cpu=2,gres/gpu:a100=1,gres/gpu=1,"
        + "mem=1000M,node=1|gn1");
    assertThat(j.jobIdRaw()).isEqualTo(11);
    assertThat(j.user()).isEqualTo("carol");
    assertThat(j.state()).isEqualTo(JobState.CANCELLED);
    assertThat(j.state().failure).isFalse();
    assertThat(j.gpus()).as("typed + untyped GPU TRES are the same GPU").isEqualTo(1);
    assertThat(j.cpuSeconds()).isEqualTo(102);
    assertThat(j.gpuSeconds()).isEqualTo(51);
    assertThat(j.memoryBytes()).isEqualTo(1000L * 1024 * 1024);
    assertThat(j.end()).isEqualTo(Instant.parse("2026-11-23T19:30:00Z").getEpochSecond());
    assertThat(j.waitSeconds()).isZero();
  }

  @Test
  void cancelledByUserIsCancelledNotFailure() {
    JobRecord j = one("39|39|testbed|carol|chemistry|batch|normal|CANCELLED by 0|0:0|2026-11-23T19:30:53|"
        + "2026-11-23T19:30:54|2026-11-23T19:30:54|0|1|1|500M|billing=1,cpu=1,mem=500M,node=1|cn1");
    assertThat(j.state()).isEqualTo(JobState.CANCELLED);
    assertThat(j.waitSeconds()).isEqualTo(1);
  }

  @Test
  void failureStates() {
    for (JobState s : JobState.ALL) {
      boolean expected = switch (s) {
        case FAILED, NODE_FAIL, OUT_OF_MEMORY, TIMEOUT, PREEMPTED, BOOT_FAIL, DEADLINE -> true;
        default -> false;
      };
      assertThat(s.failure).as(s.name()).isEqualTo(expected);
      assertThat(JobState.parse(s.name())).isEqualTo(s);
    }
    assertThat(JobState.parse("RUNNING")).isNull();
    assertThat(JobState.parse("OUT_OF_ME+")).isNull();
    assertThat(JobState.parse("COMPLETED+")).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void neverStartedJobHasNoWaitAndNoUsage() {
    JobRecord j = one("19|19|testbed|bob|physics|batch,gpu|normal|CANCELLED|0:0|2026-11-23T19:29:10|None|"
        + "2026-11-23T19:30:00|0|8|2|4000M||None assigned");
    assertThat(j.start()).isEqualTo(-1);
    assertThat(j.waitSeconds()).isEqualTo(-1);
    assertThat(j.cpuSeconds()).isZero();
    assertThat(j.memoryBytes()).isEqualTo(4000L * 1024 * 1024); // from ReqMem: no AllocTRES
  }

  @Test
  void arrayAndHetComponentsAreOwnRecords() {
    Parsed<List<JobRecord>> p = SacctParser.parse(String.join("\n",
        "25|5_1|c|alice|physics|batch|normal|COMPLETED|0:0|2026-11-23T19:29:09|2026-11-23T19:29:12|2026-11-23T19:29:32|20|1|1|500M|cpu=1,mem=500M|cn3",
        "26|5_2|c|alice|physics|batch|normal|COMPLETED|0:0|2026-11-23T19:29:09|2026-11-23T19:29:12|2026-11-23T19:29:32|20|1|1|500M|cpu=1,mem=500M|cn3",
        "100|100+0|c|bob|physics|batch|normal|COMPLETED|0:0|2026-11-23T19:29:09|2026-11-23T19:29:12|2026-11-23T19:29:32|20|2|1|1G|cpu=2,mem=1G|cn1",
        "101|100+1|c|bob|physics|gpu|normal|FAILED|1:0|2026-11-23T19:29:09|2026-11-23T19:29:12|2026-11-23T19:29:32|20|4|1|1G|cpu=4,gres/gpu=2,mem=1G|gn1",
        "101.batch|100+1.batch|c||physics|||FAILED|1:0|2026-11-23T19:29:12|2026-11-23T19:29:12|2026-11-23T19:29:32|20|4|1||cpu=4|gn1"));
    assertThat(p.errors()).isZero();
    assertThat(p.value()).extracting(JobRecord::jobIdRaw).containsExactly(25L, 26L, 100L, 101L);
    assertThat(p.value().get(3).gpuSeconds()).isEqualTo(40);
  }

  @Test
  void legacyReqMemSuffixes() {
    assertThat(SacctParser.requestedMemory("4000Mc", 4, 1)).isEqualTo(16000L * 1024 * 1024);
    assertThat(SacctParser.requestedMemory("1.50Gn", 8, 2)).isEqualTo(3L * 1024 * 1024 * 1024);
    assertThat(SacctParser.requestedMemory("500M", 8, 2)).isEqualTo(500L * 1024 * 1024);
    assertThat(SacctParser.requestedMemory("", 8, 2)).isEqualTo(-1);
    JobRecord j = one("7|7|c|dave|bio|batch|normal|COMPLETED|0:0|2019-01-01T00:00:00|2019-01-01T00:00:00|"
        + "2019-01-01T00:01:40|100|4|1|2000Mc|cpu=4,node=1|cn1");
    assertThat(j.memoryBytes()).isEqualTo(8000L * 1024 * 1024);
    assertThat(j.memoryKibSeconds()).isEqualTo(8000L * 1024 * 100);
  }

  @Test
  void untypedOnlyTypedOnlyAndMultiTypeGpus() {
    String pre = "1|1|c|u|a|gpu|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|2026-01-01T00:00:10|10|1|1|1G|";
    assertThat(one(pre + "cpu=1,gres/gpu=4|n").gpus()).isEqualTo(4);
    assertThat(one(pre + "cpu=1,gres/gpu:a100=3|n").gpus()).isEqualTo(3);
    assertThat(one(pre + "cpu=1,gres/gpu:a100=1,gres/gpu:v100=2|n").gpus()).isEqualTo(3);
    assertThat(one(pre + "cpu=1,gres/gpu:a100=1,gres/gpu:v100=2,gres/gpu=3|n").gpus()).isEqualTo(3);
    assertThat(one(pre + "gres/gpumem=40G,cpu=1|n").gpus()).isZero();
  }

  @Test
  void bytePathsAgreeWithSlurmValuesOnUnusualTres() {
    String pre = "1|1|c|u|a|gpu|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|2026-01-01T00:00:10|10|1|1|1G|";
    for (String tres : List.of("cpu=1,mem=1.5G", "cpu=1,mem=2048K", "cpu=1,mem=3T", "cpu=1,mem=700",
        "cpu=1,gres/gpu=2K", "mem=4G,gres/gpu:a100=1,gres/gpu:v100=2", "gres/gpu:a100=1,gres/gpu=1,mem=500M")) {
      JobRecord j = one(pre + tres + "|n");
      var map = org.hpcstatus.exporter.slurm.common.SlurmValues.tres(tres);
      assertThat(j.gpus()).as(tres).isEqualTo(org.hpcstatus.exporter.slurm.common.SlurmValues.gpus(map));
      Long mem = org.hpcstatus.exporter.slurm.common.SlurmValues.memoryBytes(map.get("mem"));
      assertThat(j.memoryBytes()).as(tres).isEqualTo(mem == null ? 1024L * 1024 * 1024 : mem);
    }
  }

  @Test
  void crlfLinesAndLinesLongerThanTheReadBuffer() {
    String longNode = "n".repeat(3 << 20);
    Parsed<List<JobRecord>> p = SacctParser.parse(
        "1|1|c|u|a|p|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|2026-01-01T00:00:10|10|1|1|1G|cpu=1|n\r\n"
        + "2|2|c|u|a|p|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|2026-01-01T00:00:10|10|1|1|1G|cpu=1|"
        + longNode + "\n3|3|c|u|a|p|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|2026-01-01T00:00:10|10|1|1|1G|cpu=1|n");
    assertThat(p.errors()).isZero();
    assertThat(p.value()).extracting(JobRecord::jobIdRaw).containsExactly(1L, 2L, 3L);
  }

  @Test
  void unicodeAndLongUserNames() {
    String longName = "u" + "x".repeat(100);
    for (String user : List.of("jürgen", "用户", longName)) {
      JobRecord j = one("5|5|c|" + user + "|a|p|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|"
          + "2026-01-01T00:00:10|10|1|1|1G|cpu=1,mem=1G|n");
      assertThat(j.user()).isEqualTo(user);
    }
  }

  @Test
  void malformedRowsAreCountedAndSkipped() {
    Parsed<List<JobRecord>> p = SacctParser.parse(String.join("\n",
        "garbage",
        "1|1|c|u|a|p|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|2026-01-01T00:00:10|ten|1|1|1G|cpu=1|n",
        "x1|1|c|u|a|p|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|2026-01-01T00:00:10|10|1|1|1G|cpu=1|n",
        "2|2|c|u|a|p|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|Unknown|10|1|1|1G|cpu=1|n",
        "3|3|c|u|a|p|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|2026-01-01T00:00:10|10|1|1|1G|cpu=1|n|extra",
        "4|4|c|u|a|p|normal|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|2026-01-01T00:00:10|10|1|1|1G|cpu=1|n",
        ""));
    assertThat(p.errors()).isEqualTo(5);
    assertThat(p.samples()).hasSize(5);
    assertThat(p.value()).extracting(JobRecord::jobIdRaw).containsExactly(4L);
  }

  @Test
  void runningJobsAreNotFinished() {
    SacctParser.Counts c = new SacctParser().parse(
        "9|9|c|u|a|p|normal|RUNNING|0:0|2026-01-01T00:00:00|2026-01-01T00:00:00|Unknown|10|1|1|1G|cpu=1|n\n",
        j -> { });
    assertThat(c.notFinished).isEqualTo(1);
    assertThat(c.malformed()).isZero();
  }

  @Test
  void fastTimestampAgreesWithJavaTime() {
    Random r = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      long epoch = (long) (r.nextDouble() * 5_000_000_000L) - 1_000_000_000L;
      String s = LocalDateTime.ofEpochSecond(epoch, 0, java.time.ZoneOffset.UTC).format(SyntheticSacct.TS);
      if (s.length() == 19) {
        assertThat(SacctParser.fastTimestamp(s.getBytes(StandardCharsets.US_ASCII), 0, s.length())).as(s)
            .isEqualTo(epoch);
      }
    }
    assertThat(SacctParser.fastTimestamp("2026-13-01T00:00:00".getBytes(StandardCharsets.US_ASCII), 0, 19))
        .isEqualTo(Long.MIN_VALUE);
    assertThat(SacctParser.fastTimestamp("Unknown".getBytes(StandardCharsets.US_ASCII), 0, 7)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void syntheticOutputParsesToGeneratorTruth() {
    SyntheticSacct s = SyntheticSacct.generate(7, 20_000, SyntheticSacct.epoch("2026-01-01"),
        SyntheticSacct.epoch("2026-03-01"));
    List<JobRecord> jobs = new ArrayList<>();
    SacctParser.Counts c = new SacctParser().parse(s.text(), jobs::add);
    assertThat(c.jobs).isEqualTo(s.jobs).isEqualTo(20_000);
    assertThat(c.steps).isEqualTo(s.steps);
    assertThat(c.malformed()).isEqualTo(s.malformed).isPositive();
    Map<String, long[]> got = new HashMap<>();
    for (JobRecord j : jobs) {
      long[] v = got.computeIfAbsent(j.user(), k -> new long[3]);
      v[0] += j.cpuSeconds();
      v[1] += j.gpuSeconds();
      v[2] += j.memoryKibSeconds();
    }
    s.byUser.forEach((u, e) -> assertThat(got.get(u)).as(u).containsExactly(e.cpu, e.gpu, e.memKibSeconds));
  }

  @Test
  void argvAsksForJobLinesOnlyInUtcStandardTime() {
    List<String> argv = SacctParser.argv(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(argv).containsSubsequence("sacct", "-a", "-X", "-n", "-P", "-S", "2026-11-01T00:00:00", "-E",
        "2026-12-01T00:00:00", "-s", SacctParser.STATES, "--format=" + SacctParser.FORMAT);
  }
}
