package org.hpcstatus.exporter.accounting;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic {@code sacct -a -n -P --format=<SacctParser.FORMAT>} output with its ground truth. The
 * expected totals are computed here from the generator's own numbers (CPUs, seconds, MiB, GPU count),
 * never by parsing the text, so a parser bug cannot hide in both sides.
 *
 * <p>Covers: plain jobs, array tasks ({@code 123_4}), het components ({@code 123+1}), steps
 * ({@code .batch}, {@code .extern}, {@code .0}), every terminal state plus {@code CANCELLED by N},
 * never-started jobs, typed+untyped / typed-only / untyped-only / multi-type GPU TRES, legacy ReqMem
 * ({@code c}/{@code n} suffixes, no mem in AllocTRES), unicode and 64-character user names, and
 * malformed rows.
 */
final class SyntheticSacct {
  static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
  static final String[] STATES = {"COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL",
      "PREEMPTED", "BOOT_FAIL", "DEADLINE"};
  static final String[] USERS = {"alice", "bob", "carol", "dave", "jürgen", "用户", "u-" + "x".repeat(62), "rare1",
      "rare2"};
  static final String[] ACCOUNTS = {"physics", "chemistry", "bio"};
  static final String[] PARTITIONS = {"batch", "gpu", "debug", "long"};

  /** One line with the End time it is selected by. */
  record Row(long end, String text) {}

  /** Expected per (user) values. */
  static final class Expect {
    long jobs;
    long failed;
    long cpu;
    long gpu;
    long memKibSeconds;
    final long[] byState = new long[JobState.ALL.length];
  }

  final List<Row> rows = new ArrayList<>();
  final Map<String, Expect> byUser = new HashMap<>();
  final Map<String, long[]> byPartitionState = new HashMap<>();
  long jobs;
  long steps;
  long malformed;
  long waitObservations;
  long waitSum;

  /** The accounts jobs are charged to (uniformly). */
  private String[] accounts = ACCOUNTS;

  /** {@code n} jobs ending uniformly in {@code [from, to)}, seeded. */
  static SyntheticSacct generate(long seed, int n, long from, long to) {
    return generate(seed, n, from, to, ACCOUNTS);
  }

  /** The same, the jobs charged to {@code accounts} (e.g. thousands of them for the cardinality tests). */
  static SyntheticSacct generate(long seed, int n, long from, long to, String[] accounts) {
    SyntheticSacct s = new SyntheticSacct();
    s.accounts = accounts;
    Random r = new Random(seed);
    long nextId = 1000 + r.nextInt(1000);
    int made = 0;
    while (made < n) {
      int kind = r.nextInt(10); // 0: array of 3, 1: het of 2, else single
      int parts = kind == 0 ? 3 : kind == 1 ? 2 : 1;
      long base = nextId;
      for (int k = 0; k < parts && made < n; k++) {
        long raw = nextId++;
        String display = kind == 0 ? base + "_" + (k + 1) : kind == 1 ? base + "+" + k : String.valueOf(raw);
        s.job(r, raw, display, from, to);
        made++;
      }
      if (r.nextInt(50) == 0) {
        s.malformedRow(r, from, to);
      }
    }
    return s;
  }

  private void job(Random r, long raw, String display, long from, long to) {
    // a few users are rare so that min_jobs hides them
    String user = r.nextInt(200) == 0 ? USERS[7 + r.nextInt(2)] : USERS[r.nextInt(7)];
    String account = accounts[r.nextInt(accounts.length)];
    String partition = PARTITIONS[r.nextInt(PARTITIONS.length)];
    int st = r.nextInt(STATES.length);
    String stateText = STATES[st];
    if (st == 1 && r.nextBoolean()) {
      stateText = "CANCELLED by " + r.nextInt(5000);
    }
    long end = from + (long) (r.nextDouble() * (to - from));
    boolean started = !(st == 1 && r.nextInt(4) == 0); // some cancelled jobs never started
    long elapsed = started ? r.nextInt(200_000) : 0;
    long start = started ? end - elapsed : -1;
    long submit = (started ? start : end) - r.nextInt(700_000);
    int cpus = 1 + r.nextInt(64);
    int nodes = 1 + r.nextInt(4);
    long memMib = 500L * (1 + r.nextInt(64));
    int gpuKind = r.nextInt(6);
    int gpus = gpuKind <= 1 ? 0 : 1 + r.nextInt(8);
    StringBuilder tres = new StringBuilder();
    String reqMem;
    long memBytes;
    boolean legacy = r.nextInt(8) == 0;
    if (started) {
      tres.append("billing=").append(cpus).append(",cpu=").append(cpus);
      switch (gpuKind) {
        case 2 -> tres.append(",gres/gpu:a100=").append(gpus).append(",gres/gpu=").append(gpus); // both: count once
        case 3 -> tres.append(",gres/gpu=").append(gpus); // untyped only
        case 4 -> tres.append(",gres/gpu:v100=").append(gpus); // typed only
        case 5 -> { // two types, untyped total
          int a = gpus / 2;
          tres.append(",gres/gpu:a100=").append(a).append(",gres/gpu:v100=").append(gpus - a)
              .append(",gres/gpu=").append(gpus);
        }
        default -> { }
      }
      if (!legacy) {
        tres.append(",mem=").append(memMib % 1024 == 0 ? (memMib / 1024) + "G" : memMib + "M");
      }
      tres.append(",node=").append(nodes);
    } else {
      gpus = 0;
    }
    if (legacy) {
      if (r.nextBoolean()) {
        long perCpu = memMib / 500 * 125; // MiB per CPU
        reqMem = perCpu + "Mc";
        memBytes = perCpu * cpus * 1024 * 1024;
      } else {
        reqMem = (memMib / 500) * 0.5 + "Gn"; // e.g. 1.5Gn
        memBytes = (memMib / 500) * 512L * 1024 * 1024 * nodes;
      }
    } else {
      reqMem = memMib + "M";
      memBytes = memMib * 1024 * 1024;
    }
    if (!started) {
      tres.setLength(0);
    }
    String line = String.join("|", String.valueOf(raw), display, "synth", user, account, partition, "normal",
        stateText, "0:0", ts(submit), started ? ts(start) : "None", ts(end), String.valueOf(elapsed),
        String.valueOf(cpus), String.valueOf(nodes), reqMem, tres.toString(), started ? "cn[1-" + nodes + "]" : "None assigned");
    rows.add(new Row(end, line));
    jobs++;
    Expect e = byUser.computeIfAbsent(user, k -> new Expect());
    e.jobs++;
    e.byState[st]++;
    if (JobState.ALL[st].failure) {
      e.failed++;
    }
    e.cpu += (long) cpus * elapsed;
    e.gpu += (long) gpus * elapsed;
    e.memKibSeconds += (memBytes / 1024) * elapsed;
    byPartitionState.computeIfAbsent(partition, k -> new long[JobState.ALL.length])[st]++;
    if (started) {
      waitObservations++;
      waitSum += start - submit;
    }
    // steps of started jobs
    if (started) {
      for (String step : r.nextBoolean() ? new String[] {".batch", ".extern"} : new String[] {".batch", ".extern", ".0"}) {
        rows.add(new Row(end, String.join("|", raw + step, display + step, "synth", "", account, "", "",
            STATES[st], "0:0", ts(start), ts(start), ts(end), String.valueOf(elapsed), String.valueOf(cpus),
            String.valueOf(nodes), "", "cpu=" + cpus, "cn1")));
        steps++;
      }
    }
  }

  private void malformedRow(Random r, long from, long to) {
    long end = from + (long) (r.nextDouble() * (to - from));
    String text = switch (r.nextInt(3)) {
      case 0 -> "garbage without separators";
      case 1 -> "123|123|synth|alice|physics|batch"; // too few fields
      default -> String.join("|", "77", "77", "synth", "alice", "physics", "batch", "normal", "COMPLETED", "0:0",
          ts(end - 10), ts(end - 5), ts(end), "notanumber", "4", "1", "1G", "cpu=4", "cn1");
    };
    rows.add(new Row(end, text));
    malformed++;
  }

  static String ts(long epoch) {
    return LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC).format(TS);
  }

  String text() {
    StringBuilder sb = new StringBuilder();
    for (Row row : rows) {
      sb.append(row.text()).append('\n');
    }
    return sb.toString();
  }

  /** A sacct stand-in: rows whose End lies in {@code [start, end]}, counting calls. */
  SacctSource.Text source(int[] calls) {
    return (start, end) -> {
      calls[0]++;
      StringBuilder sb = new StringBuilder();
      for (Row row : rows) {
        if (row.end() >= start.getEpochSecond() && row.end() <= end.getEpochSecond()) {
          sb.append(row.text()).append('\n');
        }
      }
      return sb.toString();
    };
  }

  static long epoch(String isoDate) {
    return Instant.parse(isoDate + "T00:00:00Z").getEpochSecond();
  }
}
