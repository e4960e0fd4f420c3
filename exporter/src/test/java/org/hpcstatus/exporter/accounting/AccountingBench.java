package org.hpcstatus.exporter.accounting;

import java.io.InputStream;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark (a main, not a unit test): parse + aggregate a synthetic one-month, 1,000,000-job
 * {@code sacct -X} output through the production path (parser, per-month bitmap dedupe, totals and
 * daily rollups), then time an equivalent {@code awk -F'|'} aggregation of the same file in the same run.
 *
 * <pre>
 *   java -cp … AccountingBench generate /tmp/sacct-1m.txt 1000000
 *   taskset -c 0 java -Xmx128m -cp … AccountingBench run /tmp/sacct-1m.txt
 * </pre>
 */
public final class AccountingBench {

  public static void main(String[] args) throws Exception {
    if (args[0].equals("generate")) {
      generate(Path.of(args[1]), Integer.parseInt(args[2]));
    } else if (args[0].equals("once")) {
      once(Path.of(args[1]));
    } else {
      run(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 7);
    }
  }

  /** One month (2026-10) of jobs, realistic mix: 500 users, arrays, GPU jobs, every state. */
  static void generate(Path file, int n) throws Exception {
    Random r = new Random(1);
    long from = SyntheticSacct.epoch("2026-10-01");
    long span = 31L * 86400;
    String[] states = {"COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "CANCELLED by 1001", "CANCELLED",
        "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED"};
    String[] parts = {"batch", "gpu", "debug", "long", "bigmem"};
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      long id = 5_000_000;
      for (int i = 0; i < n; i++) {
        long end = from + (long) i * span / n;
        long elapsed = r.nextInt(86400);
        long start = end - elapsed;
        long submit = start - r.nextInt(3 * 86400);
        int cpus = 1 << r.nextInt(7);
        String part = parts[r.nextInt(parts.length)];
        boolean gpu = part.equals("gpu");
        int g = 1 + r.nextInt(4);
        String tres = "billing=" + cpus + ",cpu=" + cpus + (gpu ? ",gres/gpu:a100=" + g + ",gres/gpu=" + g : "")
            + ",mem=" + (cpus * 4) + "G,node=1";
        String user = "user" + r.nextInt(500);
        String jobId = i % 10 == 0 ? (id - 3) + "_" + (i % 7) : String.valueOf(id);
        w.write(id + "|" + jobId + "|bench|" + user + "|acct" + (user.hashCode() & 31) + "|" + part + "|normal|"
            + states[r.nextInt(states.length)] + "|0:0|" + SyntheticSacct.ts(submit) + "|" + SyntheticSacct.ts(start)
            + "|" + SyntheticSacct.ts(end) + "|" + elapsed + "|" + cpus + "|1|" + (cpus * 4) + "G|" + tres + "|cn"
            + r.nextInt(1000) + "\n");
        id++;
      }
    }
  }

  /**
   * The whole-process measurement: a fresh JVM counts the file once through the production path (parser,
   * dedupe, tally, totals) into an empty state, prints a summary and exits — what {@code time} compares with
   * one {@code mawk} run.
   */
  static void once(Path file) throws Exception {
    // not Files.createTempDirectory: its SecureRandom costs start-up time that is not the exporter's
    Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"),
        "acct-once-" + ProcessHandle.current().pid()));
    try (StateStore store = StateStore.open(tmp, "once");
         InputStream in = Files.newInputStream(file)) {
      AccountingEngine engine = new AccountingEngine(store, SacctSource.text((a, b) -> ""), AccountingConfig.defaults(),
          Clock.systemUTC(), new RateLimiter(Duration.ZERO, Clock.systemUTC(), ms -> { }));
      // process CPU from /proc (no JMX here: loading it would be start-up time that is the benchmark's, not ours)
      double c0 = cpuSeconds();
      long t0 = System.nanoTime();
      AccountingEngine.StepResult r = engine.apply(AccountingEngine.Kind.BACKFILL, 0, 0, in);
      double parseWall = (System.nanoTime() - t0) / 1e9;
      double parseCpu = cpuSeconds() - c0;
      long cpu = 0;
      for (var u : engine.state().totals.users.values()) {
        for (var a : u.values()) {
          cpu += a.cpuSeconds;
        }
      }
      Runtime rt = Runtime.getRuntime();
      System.out.printf(Locale.ROOT, "once: %d rows, %d jobs counted, %d users, %d cpu-seconds, heap in use at the "
          + "end %d MiB of max %d MiB; process CPU %.3f s before the parse; parse %.3f s wall, %.3f s process CPU%n",
          r.rows(), r.counted(), engine.state().totals.users.size(), cpu, (rt.totalMemory() - rt.freeMemory()) >> 20,
          rt.maxMemory() >> 20, c0, parseWall, parseCpu);
    }
  }

  private static double cpuSeconds() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  static void run(Path file, int iterations) throws Exception {
    long bytes = Files.size(file);
    long lines;
    try (var s = Files.lines(file)) {
      lines = s.count();
    }
    Path tmp = Files.createTempDirectory("acct-bench");
    AccountingConfig cfg = AccountingConfig.defaults();
    List<Double> rates = new ArrayList<>();
    List<Double> cpuRates = new ArrayList<>();
    var threads = ManagementFactory.getThreadMXBean();
    long counted = 0;
    for (int i = 0; i < iterations + 2; i++) {
      try (StateStore store = StateStore.open(tmp, "bench-" + i)) {
        AccountingEngine engine = new AccountingEngine(store, SacctSource.text((a, b) -> ""), cfg, Clock.systemUTC(),
            new RateLimiter(Duration.ZERO, Clock.systemUTC(), ms -> { }));
        long t0 = System.nanoTime();
        long c0 = threads.getCurrentThreadCpuTime();
        AccountingEngine.StepResult res;
        try (InputStream in = Files.newInputStream(file)) {
          res = engine.apply(AccountingEngine.Kind.BACKFILL, 0, 0, in);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
        counted = res.counted();
        if (i >= 2) { // first two are JIT warm-up
          rates.add(lines / secs);
          cpuRates.add(lines / cpu);
        }
        System.out.printf(Locale.ROOT, "iteration %d: %,d rows in %.3f s wall (%.3f s thread CPU) = %,.0f rows/s "
            + "(%,d counted)%s%n", i, lines, secs, cpu, lines / secs, res.counted(), i < 2 ? " [warm-up]" : "");
      }
    }
    Collections.sort(rates);
    Collections.sort(cpuRates);
    double median = rates.get(rates.size() / 2);
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    long maxHeap = Runtime.getRuntime().maxMemory();
    System.out.printf(Locale.ROOT, "java: median %,.0f rows/s wall, best %,.0f rows/s, median by parse-thread CPU "
            + "time %,.0f rows/s, over %d runs; %,d jobs counted; file %,d bytes; max heap %d MiB, peak heap used "
            + "(sum of pool peaks) %d MiB; CPUs visible %d; load average %.2f%n", median, rates.get(rates.size() - 1),
        cpuRates.get(cpuRates.size() / 2), rates.size(), counted, bytes, maxHeap >> 20, peak >> 20,
        Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    String prog = "{ n[$4]++; cpu[$4] += $14 * $13; st[$4 \"|\" $8]++; ps[$6 \"|\" $8]++ } "
        + "END { for (u in n) print u, n[u], cpu[u]; for (k in st) print k, st[k]; for (k in ps) print k, ps[k] }";
    for (String awk : new String[] {"mawk", "gawk"}) {
      List<Double> awkRates = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        awkRates.add(lines / timed(List.of(awk, "-F|", prog, file.toString()))[0]);
      }
      Collections.sort(awkRates);
      double m = awkRates.get(1);
      System.out.printf(Locale.ROOT, "%s -F'|' (per-user jobs + cpu-s, per user/state and partition/state counts, "
          + "no dedupe, no GPU TRES): median %,.0f rows/s; java/%s = %.2f%n", awk, m, awk, median / m);
    }

    // whole processes, same core, interleaved so that both see the same machine: a fresh JVM (start-up, class
    // loading, JIT warm-up, parse, dedupe, aggregate, exit) against one mawk run
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("java.class.path");
    String[][] jvms = {
        {"-Xmx128m", "-XX:+UseSerialGC"},
        {"-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"}};
    List<List<double[]>> javaRuns = new ArrayList<>();
    for (String[] f : jvms) {
      javaRuns.add(new ArrayList<>());
    }
    List<double[]> mawkRuns = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < jvms.length; j++) {
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(jvms[j]));
        cmd.addAll(List.of("-cp", cp, AccountingBench.class.getName(), "once", file.toString()));
        javaRuns.get(j).add(timed(cmd));
      }
      mawkRuns.add(timed(List.of("mawk", "-F|", prog, file.toString())));
    }
    double[] mawk = medians(mawkRuns);
    System.out.printf(Locale.ROOT, "whole process, 5 runs each, interleaved, pinned to CPU 0: mawk median %.2f s wall, "
        + "%.2f s CPU (runs: %s)%n", mawk[0], mawk[1], show(mawkRuns));
    for (int j = 0; j < jvms.length; j++) {
      double[] jm = medians(javaRuns.get(j));
      System.out.printf(Locale.ROOT, "whole process java %s: median %.2f s wall, %.2f s CPU (runs: %s); "
          + "mawk/java = %.2f by wall, %.2f by CPU%n", String.join(" ", jvms[j]), jm[0], jm[1], show(javaRuns.get(j)),
          mawk[0] / jm[0], mawk[1] / jm[1]);
    }
    System.out.printf(Locale.ROOT, "load average at the end: %.2f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** Runs {@code cmd} pinned to CPU 0 under /usr/bin/time: {wall seconds, user + system CPU seconds}. */
  static double[] timed(List<String> cmd) throws Exception {
    List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %e %U %S", "taskset", "-c", "0"));
    full.addAll(cmd);
    Process p = new ProcessBuilder(full).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd + " failed: " + err);
    }
    String[] t = err.lines().filter(l -> l.startsWith("TIME ")).reduce((x, y) -> y).orElseThrow().split(" ");
    return new double[] {Double.parseDouble(t[1]), Double.parseDouble(t[2]) + Double.parseDouble(t[3])};
  }

  static double[] medians(List<double[]> runs) {
    double[] wall = runs.stream().mapToDouble(r -> r[0]).sorted().toArray();
    double[] cpu = runs.stream().mapToDouble(r -> r[1]).sorted().toArray();
    return new double[] {wall[wall.length / 2], cpu[cpu.length / 2]};
  }

  static String show(List<double[]> runs) {
    StringBuilder sb = new StringBuilder();
    for (double[] r : runs) {
      sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f/%.2f", r[0], r[1]));
    }
    return sb.append(" s wall/CPU").toString();
  }
}
