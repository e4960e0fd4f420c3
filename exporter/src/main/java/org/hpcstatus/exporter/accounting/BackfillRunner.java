package org.hpcstatus.exporter.accounting;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.hpcstatus.exporter.core.CommandException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a month-by-month backfill to completion: one sacct call per month (rate limited by the engine),
 * one commit per month, retries with exponential backoff. Interrupted at any point, the same command
 * resumes at the first month not committed; months already counted are skipped by the bitmaps anyway.
 */
public final class BackfillRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillRunner.class);

  /** Progress reporting: a progress bar on a terminal, log lines otherwise. */
  public interface Progress {
    void start(long totalMonths, long doneMonths);

    void month(YearMonth month, long doneMonths, long totalMonths, AccountingEngine.StepResult r, double jobsPerSecond);
  }

  private final AccountingEngine engine;
  private final int maxAttempts;
  private final Duration firstBackoff;
  private final RateLimiter.Sleeper sleeper;

  public BackfillRunner(AccountingEngine engine, int maxAttempts, Duration firstBackoff, RateLimiter.Sleeper sleeper) {
    this.engine = engine;
    this.maxAttempts = maxAttempts;
    this.firstBackoff = firstBackoff;
    this.sleeper = sleeper;
  }

  public static long months(long fromEpoch, long toEpoch) {
    if (toEpoch <= fromEpoch) {
      return 0;
    }
    YearMonth a = YearMonth.from(Instant.ofEpochSecond(fromEpoch).atOffset(ZoneOffset.UTC));
    YearMonth b = YearMonth.from(Instant.ofEpochSecond(toEpoch - 1).atOffset(ZoneOffset.UTC));
    return a.until(b, java.time.temporal.ChronoUnit.MONTHS) + 1;
  }

  /** Runs the backfill of {@code [since, until)}; returns the number of jobs newly counted. */
  public long run(Instant since, Instant until, Progress progress)
      throws IOException, CommandException, InterruptedException {
    engine.startBackfill(since, until);
    AccountingState.Backfill b = engine.state().backfill;
    long total = months(b.since, b.until);
    long done = months(b.since, b.doneUntil);
    progress.start(total, done);
    long counted = 0;
    long jobsSeen = 0;
    long t0 = System.nanoTime();
    while (engine.catchingUp()) {
      AccountingState.Backfill cur = engine.state().backfill;
      long monthStart = cur == null ? -1 : cur.doneUntil;
      AccountingEngine.StepResult r = stepWithRetries();
      if (r.kind() != AccountingEngine.Kind.BACKFILL) {
        continue; // a bitmap rebuild ran first
      }
      counted += r.counted();
      jobsSeen += r.counted() + r.duplicates();
      done++;
      double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
      progress.month(YearMonth.from(Instant.ofEpochSecond(monthStart).atOffset(ZoneOffset.UTC)), done, total, r,
          jobsSeen / secs);
    }
    return counted;
  }

  private AccountingEngine.StepResult stepWithRetries() throws IOException, CommandException, InterruptedException {
    Duration backoff = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        return engine.step();
      } catch (CommandException | IOException e) {
        if (attempt >= maxAttempts) {
          throw e;
        }
        LOG.warn("backfill step failed (attempt {}/{}), retrying in {}s: {}", attempt, maxAttempts,
            backoff.toSeconds(), e.getMessage());
        sleeper.sleep(backoff.toMillis());
        backoff = backoff.multipliedBy(2);
      }
    }
  }
}
