package org.hpcstatus.exporter.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.hpcstatus.exporter.accounting.AccountingConfig;
import org.hpcstatus.exporter.accounting.AccountingEngine;
import org.hpcstatus.exporter.accounting.BackfillRunner;
import org.hpcstatus.exporter.accounting.StateLockedException;
import org.hpcstatus.exporter.accounting.StateStore;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.core.CommandException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code backfill --since 2020-01-01}: counts historical jobs into the accounting state, month by month. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
    description = {"Count finished jobs since a date into the accounting state, one month per sacct call.",
        "Resumable: run the same command again after an interruption. Needs the state directory's lock, "
            + "so stop a running exporter on the same accounting.state_dir first."})
public final class BackfillCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillCommand.class);

  @Mixin
  CommonOptions options;

  @Option(names = "--since", required = true, paramLabel = "DATE",
      description = "First day (UTC) to count, e.g. 2020-01-01 or 2020-01-01T06:00:00.")
  String since;

  @Option(names = "--until", paramLabel = "DATE", description = "End (UTC, exclusive); default: now.")
  String until;

  @Option(names = "--attempts", defaultValue = "5", description = "sacct attempts per month before giving up.")
  int attempts;

  @Override
  public Integer call() throws Exception {
    Config config = options.load();
    AccountingConfig acc = config.accounting();
    Instant from = parseTime("--since", since);
    Instant to = until == null ? Instant.now() : parseTime("--until", until);
    if (!from.isBefore(to)) {
      System.err.println("backfill: --since must be before --until");
      return 2;
    }
    try (Exporter exporter = new Exporter(config)) {
      String cluster = exporter.clusterName().resolve();
      if (!exporter.clusterName().known()) {
        System.err.println("backfill: cannot determine the cluster name (scontrol show config failed); "
            + "set `cluster:` in the config");
        return 1;
      }
      try (StateStore store = StateStore.open(Path.of(acc.stateDir()), cluster)) {
        AccountingEngine engine = exporter.accountingEngine(store);
        LOG.info("backfill of cluster {} from {} to {} into {} (at most {} sacct calls/min)", cluster, from, to,
            store.dir(), acc.sacctCallsPerMinute());
        long counted;
        try (Reporter progress = System.console() != null ? new BarReporter()
            : new LogReporter(acc.minCallSpacing())) {
          counted = new BackfillRunner(engine, attempts, Duration.ofSeconds(30), Thread::sleep)
              .run(from, to, progress);
        }
        System.out.printf("backfill done: %d new jobs counted, %d jobs in the state of cluster %s%n", counted,
            engine.state().totals.jobCount(), cluster);
        return 0;
      } catch (StateLockedException e) {
        System.err.println("backfill: " + e.getMessage());
        return 1;
      } catch (CommandException e) {
        System.err.println("backfill stopped: " + e.getMessage() + " — run the same command again to resume");
        return 1;
      }
    }
  }

  static Instant parseTime(String option, String s) {
    try {
      if (s.length() <= 10) {
        return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new BackfillCommand()),
          option + ": '" + s + "' is not a date (2020-01-01) or UTC time (2020-01-01T06:00:00)");
    }
  }

  private interface Reporter extends BackfillRunner.Progress, AutoCloseable {
    @Override
    void close();
  }

  /** Plain log lines (not a terminal: systemd, cron, CI). */
  private static final class LogReporter implements Reporter {
    private final Duration spacing;
    private long startNanos;
    private long startDone;

    LogReporter(Duration spacing) {
      this.spacing = spacing;
    }

    @Override
    public void start(long total, long done) {
      startNanos = System.nanoTime();
      startDone = done;
      LOG.info("backfill: {} month(s), {} already done", total, done);
    }

    @Override
    public void month(YearMonth m, long done, long total, AccountingEngine.StepResult r, double jobsPerSecond) {
      double secs = (System.nanoTime() - startNanos) / 1e9;
      long left = total - done;
      // each remaining month needs at least one rate-limited sacct call
      double perMonth = Math.max(done > startDone ? secs / (done - startDone) : 0, spacing.toMillis() / 1000.0);
      LOG.info("backfill {}: {} jobs ({} new), {}/{} months, {} jobs/s, ETA {}", m, r.counted() + r.duplicates(),
          r.counted(), done, total, Math.round(jobsPerSecond), Duration.ofSeconds(Math.round(perMonth * left)));
    }

    @Override
    public void close() {}
  }

  /** A progress bar with months done, jobs/s and ETA (terminal only). */
  private static final class BarReporter implements Reporter {
    private ProgressBar bar;
    private final PrintStream err = System.err;

    @Override
    public void start(long total, long done) {
      bar = new ProgressBarBuilder().setTaskName("backfill").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
          .setUnit(" months", 1).showSpeed().setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err))
          .build();
      bar.stepTo(done);
    }

    @Override
    public void month(YearMonth m, long done, long total, AccountingEngine.StepResult r, double jobsPerSecond) {
      bar.stepTo(done);
      bar.setExtraMessage(" " + m + ", " + Math.round(jobsPerSecond) + " jobs/s");
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
