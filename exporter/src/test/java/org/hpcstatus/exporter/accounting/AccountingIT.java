package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.core.CommandRunner;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.testing.BoundedCommand;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the live Slurm testbed (scripts/slurm-testbed.sh up + jobs): the exporter's per-user counters
 * must equal totals the test computes itself from a different sacct query (Slurm's own CPUTimeRAW instead
 * of our AllocCPUS x ElapsedRaw).
 */
class AccountingIT {
  static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  @TempDir
  Path stateRoot;

  @BeforeAll
  static void testbed() throws Exception {
    boolean ok;
    try {
      ok = run(List.of("sacct", "-a", "-X", "-n", "-P", "-S", "now-1days", "--format=JobIDRaw")).exit == 0;
    } catch (java.io.IOException e) {
      ok = false;
    }
    Live.require(ok, "live Slurm testbed with accounting (sacct answering)");
  }

  record Result(int exit, String out) {}

  /** Every command the test runs is killed (with its process tree) after this: CI must never hang here. */
  static final Duration COMMAND_DEADLINE = Duration.ofSeconds(180);
  static final String JOB_NAME = "hpcstatus-accounting-it";

  static Result run(List<String> argv) throws Exception {
    BoundedCommand.Result r = BoundedCommand.run(argv, Map.of("TZ", "UTC", "SLURM_TIME_FORMAT", "standard"),
        COMMAND_DEADLINE);
    if (r.timedOut()) {
      if (argv.contains("sbatch")) {
        // don't leave our job queued behind us
        BoundedCommand.run(List.of("scancel", "--name", JOB_NAME), Map.of(), Duration.ofSeconds(30));
      }
      throw new AssertionError("command killed after " + COMMAND_DEADLINE.toSeconds() + " s: " + argv + "\n" + r.out());
    }
    return new Result(r.exit(), r.out());
  }

  /**
   * Where our own job is guaranteed to start at once on the testbed (scripts/slurm-testbed.sh): its nodes are
   * full of 4-hour jobs with more pending, and cn3 goes into a MAINT reservation within the hour, so a plain
   * batch/debug job may pend for hours. The testbed's physics_resv reservation (cn4, account physics, alice is
   * in physics) holds one 1-CPU job of bob's and nothing else can use it, so a 2-CPU job starts immediately.
   * Without that reservation: the debug partition (30 min limit, short jobs only). Either way --deadline makes
   * Slurm drop the job if it cannot start soon, and {@link #run} kills sbatch at the deadline.
   */
  static List<String> placement() throws Exception {
    Result r = run(List.of("scontrol", "-o", "show", "reservation", "physics_resv"));
    if (r.exit == 0 && r.out.contains("State=ACTIVE") && r.out.contains("Accounts=physics")) {
      return List.of("--reservation=physics_resv");
    }
    return List.of("-p", "debug");
  }

  static String ts(long epoch) {
    return LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC).format(TS);
  }

  /** user → {jobs, failed, cpuSeconds (Slurm's CPUTimeRAW), gpuSeconds} from an independent sacct query. */
  static Map<String, long[]> reference(long since, long until) throws Exception {
    Result r = run(List.of("sacct", "-a", "-X", "-n", "-P", "-S", ts(since), "-E", ts(until), "-s",
        "CA,CD,F,NF,OOM,PR,TO,BF,DL", "--format=JobIDRaw,User,State,CPUTimeRAW,ElapsedRaw,AllocTRES"));
    assertThat(r.exit).as(r.out).isZero();
    Map<String, long[]> m = new HashMap<>();
    Pattern gpu = Pattern.compile("(?:^|,)gres/gpu=(\\d+)");
    Pattern typed = Pattern.compile("(?:^|,)gres/gpu:[^=,]+=(\\d+)");
    for (String line : r.out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\\|", -1);
      long[] v = m.computeIfAbsent(f[1], k -> new long[4]);
      v[0]++;
      if (f[2].matches("(FAILED|NODE_FAIL|OUT_OF_MEMORY|TIMEOUT|PREEMPTED|BOOT_FAIL|DEADLINE).*")) {
        v[1]++;
      }
      v[2] += Long.parseLong(f[3]);
      Matcher g = gpu.matcher(f[5]);
      long gpus = 0;
      if (g.find()) {
        gpus = Long.parseLong(g.group(1));
      } else {
        Matcher t = typed.matcher(f[5]);
        while (t.find()) {
          gpus += Long.parseLong(t.group(1));
        }
      }
      v[3] += gpus * Long.parseLong(f[4]);
    }
    return m;
  }

  static Map<String, long[]> ours(AccountingState st) {
    Map<String, long[]> m = new HashMap<>();
    st.totals.users.forEach((u, accounts) -> accounts.values().forEach(a -> {
      long[] v = m.computeIfAbsent(u, k -> new long[4]);
      v[0] += a.jobCount();
      for (JobState s : JobState.ALL) {
        if (s.failure) {
          v[1] += a.jobs[s.ordinal()];
        }
      }
      v[2] += a.cpuSeconds;
      v[3] += a.gpuSeconds;
    }));
    return m;
  }

  private static void assertSame(Map<String, long[]> got, Map<String, long[]> want) {
    assertThat(want).as("the testbed has finished jobs").isNotEmpty();
    assertThat(got.keySet()).isEqualTo(want.keySet());
    want.forEach((u, v) -> assertThat(got.get(u)).as("jobs, failed, cpu-s, gpu-s of " + u).containsExactly(v));
  }

  @Test
  void backfillThenLiveIngestEqualSacctTotalsAndNeverDoubleCount() throws Exception {
    // a fresh job of our own, so the live step has something new to find
    List<String> sbatch = new java.util.ArrayList<>(List.of("runuser", "-u", "alice", "--", "sbatch", "--parsable",
        "--wait", "-J", JOB_NAME, "--chdir", "/tmp", "-o", "/dev/null", "-A", "physics", "-n", "2", "-t", "1",
        // Slurm removes the job (state DEADLINE, sbatch fails) unless it can start within ~90 s
        "--deadline=now+150seconds"));
    sbatch.addAll(placement());
    sbatch.addAll(List.of("--wrap", "sleep 2"));
    Result sb = run(sbatch);
    assertThat(sb.exit).as("our job ran and completed: " + sbatch + "\n" + sb.out).isZero();

    long now = Instant.now().getEpochSecond();
    long since = now - 3 * 86400;
    AccountingConfig cfg = new AccountingConfig(true, stateRoot.toString(), null, Duration.ofHours(2), 600.0, null,
        null, List.of(), 0, 1000, null);
    CommandRunner runner = new CommandRunner(null, Duration.ofMinutes(2), 64L << 20, new SelfMetrics());
    try (StateStore store = StateStore.open(stateRoot, "testbed")) {
      AccountingEngine engine = new AccountingEngine(store, SacctSource.of(runner), cfg, Clock.systemUTC(),
          RateLimiter.realTime(cfg.minCallSpacing()));
      new BackfillRunner(engine, 3, Duration.ofSeconds(2), Thread::sleep)
          .run(Instant.ofEpochSecond(since), Instant.ofEpochSecond(now), new BackfillRunner.Progress() {
            @Override
            public void start(long total, long done) { }

            @Override
            public void month(java.time.YearMonth m, long d, long t, AccountingEngine.StepResult r, double jps) { }
          });
      assertSame(ours(engine.state()), reference(since, now));
      assertThat(engine.state().skipped.getOrDefault("malformed", 0L)).isZero();
      long jobsAfterBackfill = engine.state().totals.jobCount();

      // live step: window [now - 2h, now'] overlaps everything just counted
      AccountingEngine.StepResult live = engine.step();
      assertThat(live.kind()).isEqualTo(AccountingEngine.Kind.LIVE);
      assertThat(live.duplicates()).as("overlap re-read counted jobs").isPositive();
      long until = engine.state().cursor;
      assertSame(ours(engine.state()), reference(since, until));
      assertThat(engine.state().totals.jobCount()).isGreaterThanOrEqualTo(jobsAfterBackfill);
    }
  }

  @Test
  void servingExporterExposesCountersEqualToSacct() throws Exception {
    var config = ConfigLoader.parse("""
        accounting:
          enabled: true
          state_dir: %s
          interval: 2s
          overlap: 72h
          sacct_calls_per_minute: 60
          min_jobs: 0
        """.formatted(stateRoot));
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Exporter exporter = new Exporter(config, registry).start()) {
      String text = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        text = scrape(registry);
        if (text.contains("slurm_user_jobs_finished_total{")) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(text).contains("slurm_user_jobs_finished_total{").contains("hpcstatus_accounting_success{cluster=\"testbed\"} 1.0");
      Matcher c = Pattern.compile("hpcstatus_accounting_cursor_timestamp_seconds\\{cluster=\"testbed\"} (\\S+)")
          .matcher(text);
      assertThat(c.find()).isTrue();
      long cursor = (long) Double.parseDouble(c.group(1));
      Map<String, long[]> want = reference(cursor - 72 * 3600, cursor);
      Map<String, Double> jobs = sum(text, "slurm_user_jobs_finished_total");
      Map<String, Double> cpu = sum(text, "slurm_user_cpu_seconds_total");
      assertThat(jobs.keySet()).isEqualTo(want.keySet());
      want.forEach((u, v) -> {
        assertThat(jobs.get(u)).as("jobs of " + u).isEqualTo((double) v[0]);
        assertThat(cpu.get(u)).as("cpu-s of " + u).isEqualTo((double) v[2]);
      });
    }
  }

  private static String scrape(PrometheusRegistry registry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Map<String, Double> sum(String text, String metric) {
    Map<String, Double> m = new HashMap<>();
    Matcher mt = Pattern.compile("^" + metric + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE).matcher(text);
    while (mt.find()) {
      Matcher u = Pattern.compile("user=\"([^\"]*)\"").matcher(mt.group(1));
      assertThat(u.find()).isTrue();
      m.merge(u.group(1), Double.parseDouble(mt.group(2)), Double::sum);
    }
    return m;
  }
}
