package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.exporter.core.CommandException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackfillRunnerTest {
  static final long FROM = SyntheticSacct.epoch("2025-01-15");
  static final long TO = SyntheticSacct.epoch("2025-07-01");

  @TempDir
  Path dir;

  static final class Recorder implements BackfillRunner.Progress {
    final List<YearMonth> months = new ArrayList<>();
    long total = -1;
    long initiallyDone = -1;

    @Override
    public void start(long totalMonths, long doneMonths) {
      total = totalMonths;
      initiallyDone = doneMonths;
    }

    @Override
    public void month(YearMonth month, long done, long totalMonths, AccountingEngine.StepResult r, double jps) {
      months.add(month);
    }
  }

  @Test
  void monthsAreCountedInclusively() {
    assertThat(BackfillRunner.months(FROM, TO)).isEqualTo(6);
    assertThat(BackfillRunner.months(TO, TO)).isZero();
    assertThat(BackfillRunner.months(SyntheticSacct.epoch("2020-01-01"), SyntheticSacct.epoch("2026-11-23"))).isEqualTo(83);
  }

  @Test
  void interruptedBackfillResumesAtTheFirstUncommittedMonthAndIsRateLimited() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(21, 12_000, FROM, TO);
    SacctSource.Text inner = s.source(new int[1]);
    List<Instant> windows = new ArrayList<>();
    int[] failAfter = {3};
    SacctSource.Text flaky = (a, b) -> {
      if (windows.size() == failAfter[0]) {
        failAfter[0] = -1;
        throw new CommandException("sacct", CommandException.Reason.EXIT_CODE, "exit code 1: slurmdbd down");
      }
      windows.add(a);
      return inner.fetch(a, b);
    };
    FakeClock clock = new FakeClock(TO + 86400);
    Recorder first = new Recorder();
    try (Harness h = new Harness(dir, flaky, Harness.config(0, 100), clock)) {
      BackfillRunner runner = new BackfillRunner(h.engine, 1, Duration.ofSeconds(30), clock.sleeper());
      assertThatThrownBy(() -> runner.run(Instant.ofEpochSecond(FROM), Instant.ofEpochSecond(TO), first))
          .isInstanceOf(CommandException.class);
    }
    assertThat(first.total).isEqualTo(6);
    assertThat(first.months).containsExactly(YearMonth.of(2025, 1), YearMonth.of(2025, 2), YearMonth.of(2025, 3));
    Recorder second = new Recorder();
    long sleptBefore = clock.slept;
    try (Harness h = new Harness(dir, flaky, Harness.config(0, 100), clock)) {
      long counted = new BackfillRunner(h.engine, 1, Duration.ofSeconds(30), clock.sleeper())
          .run(Instant.ofEpochSecond(FROM), Instant.ofEpochSecond(TO), second);
      assertThat(second.initiallyDone).isEqualTo(3);
      assertThat(second.months).containsExactly(YearMonth.of(2025, 4), YearMonth.of(2025, 5), YearMonth.of(2025, 6));
      Harness.assertMatches(h.engine.state().totals, s);
      assertThat(counted).isPositive();
      assertThat(h.engine.state().backfill).isNull();
      assertThat(h.engine.state().origin).isEqualTo(FROM);
    }
    assertThat(windows).hasSize(6);
    assertThat(windows.get(0)).isEqualTo(Instant.ofEpochSecond(FROM));
    // default 2 calls/min: the three calls of the second run needed >= 2 × 30 s of waiting
    assertThat(clock.slept - sleptBefore).isGreaterThanOrEqualTo(60_000);
  }

  @Test
  void transientFailuresAreRetriedWithBackoff() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(22, 3_000, FROM, TO);
    SacctSource.Text inner = s.source(new int[1]);
    int[] failures = {2};
    SacctSource.Text flaky = (a, b) -> {
      if (failures[0]-- > 0) {
        throw new CommandException("sacct", CommandException.Reason.TIMEOUT, "killed after 300000 ms timeout");
      }
      return inner.fetch(a, b);
    };
    FakeClock clock = new FakeClock(TO + 86400);
    try (Harness h = new Harness(dir, flaky, Harness.config(0, 100), clock)) {
      long before = clock.slept;
      new BackfillRunner(h.engine, 5, Duration.ofSeconds(30), clock.sleeper())
          .run(Instant.ofEpochSecond(FROM), Instant.ofEpochSecond(TO), new Recorder());
      Harness.assertMatches(h.engine.state().totals, s);
      assertThat(clock.slept - before).as("backoff 30 s + 60 s plus rate limiting").isGreaterThanOrEqualTo(90_000);
    }
  }
}
