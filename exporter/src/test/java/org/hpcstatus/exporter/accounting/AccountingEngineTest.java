package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.exporter.core.CommandException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountingEngineTest {
  static final long JAN = SyntheticSacct.epoch("2026-01-01");
  static final long MAR = SyntheticSacct.epoch("2026-03-01");

  @TempDir
  Path dir;

  @Test
  void backfillCountsExactlyTheGeneratorsTotals() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(1, 30_000, JAN, MAR);
    int[] calls = {0};
    try (Harness h = new Harness(dir, s.source(calls), Harness.config(0, 1000), new FakeClock(MAR + 86400))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(MAR));
      h.catchUp();
      assertThat(calls[0]).as("one sacct call per month").isEqualTo(2);
      Harness.assertMatches(h.engine.state().totals, s);
      assertThat(h.engine.state().skipped).containsEntry("step", s.steps).containsEntry("malformed", s.malformed);
      assertThat(h.engine.state().backfill).isNull();
    }
  }

  @Test
  void feedingTheSameMonthTwiceChangesNothing() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(2, 10_000, JAN, MAR);
    try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000), new FakeClock(MAR + 86400))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(MAR));
      h.catchUp();
      Totals first = h.totalsCopy();
      h.engine.startBackfill(Instant.ofEpochSecond(SyntheticSacct.epoch("2026-02-01")), Instant.ofEpochSecond(MAR));
      h.catchUp();
      assertThat(h.engine.state().totals).isEqualTo(first);
      long jobsInFeb = s.rows.stream().filter(r -> r.end() >= SyntheticSacct.epoch("2026-02-01")
          && !r.text().split("\\|", -1)[0].contains(".") && r.text().split("\\|", -1).length == 18
          && !r.text().startsWith("77|")).count();
      assertThat(h.engine.state().skipped.get("duplicate")).isEqualTo(jobsInFeb);
      Harness.assertMatches(h.engine.state().totals, s);
    }
  }

  @Test
  void liveIngestWithOverlappingWindowsCountsEachJobOnceAndIsRateLimited() throws Exception {
    long start = JAN;
    long end = JAN + 3 * 86400;
    SyntheticSacct s = SyntheticSacct.generate(3, 3_000, start, end);
    FakeClock clock = new FakeClock(start);
    List<Long> callTimes = new ArrayList<>();
    SacctSource.Text inner = s.source(new int[1]);
    SacctSource.Text timed = (a, b) -> {
      callTimes.add(clock.millis());
      return inner.fetch(a, b);
    };
    java.util.Random r = new java.util.Random(3);
    try (Harness h = new Harness(dir, timed, Harness.config(0, 1000), clock)) {
      while (h.engine.state().cursor <= end) {
        h.engine.step();
        clock.advanceSeconds(5 + r.nextInt(1200));
      }
      Harness.assertMatches(h.engine.state().totals, s);
      assertThat(h.engine.state().skipped.get("duplicate")).as("overlap re-reads rows").isPositive();
    }
    for (int i = 1; i < callTimes.size(); i++) {
      assertThat(callTimes.get(i) - callTimes.get(i - 1)).as("sacct calls at most 2/min").isGreaterThanOrEqualTo(30_000);
    }
  }

  @Test
  void restartContinuesFromThePersistedCursorWithoutDoubleCounting() throws Exception {
    long end = JAN + 2 * 86400;
    SyntheticSacct s = SyntheticSacct.generate(4, 2_000, JAN, end);
    FakeClock clock = new FakeClock(JAN);
    int runs = 0;
    while (clock.instant().getEpochSecond() <= end + 3600) {
      runs++;
      try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000), clock)) {
        for (int i = 0; i < 10; i++) {
          h.engine.step();
          clock.advanceSeconds(1800);
        }
      }
    }
    assertThat(runs).isGreaterThan(5);
    try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000), clock)) {
      Harness.assertMatches(h.engine.state().totals, s);
      assertThat(h.engine.state().cursor).isGreaterThan(end);
    }
  }

  @Test
  void failedSacctLeavesStateUntouchedAndTheNextStepRetries() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(6, 3_000, JAN, MAR);
    SacctSource.Text inner = s.source(new int[1]);
    boolean[] fail = {true};
    SacctSource.Text flaky = (a, b) -> {
      if (fail[0]) {
        throw new CommandException("sacct", CommandException.Reason.TIMEOUT, "killed after 1 ms timeout");
      }
      return inner.fetch(a, b);
    };
    try (Harness h = new Harness(dir, flaky, Harness.config(0, 1000), new FakeClock(MAR + 86400))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(MAR));
      long gen = h.engine.state().generation;
      assertThatThrownBy(h.engine::step).isInstanceOf(CommandException.class);
      assertThat(h.engine.state().generation).isEqualTo(gen);
      assertThat(h.engine.state().totals.jobCount()).isZero();
      fail[0] = false;
      h.catchUp();
      Harness.assertMatches(h.engine.state().totals, s);
    }
  }

  @Test
  void onlyAFewMonthBitmapsStayInMemory() throws Exception {
    long from = SyntheticSacct.epoch("2024-01-01");
    long to = SyntheticSacct.epoch("2026-01-01");
    SyntheticSacct s = SyntheticSacct.generate(8, 24_000, from, to);
    try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000), new FakeClock(to))) {
      h.engine.startBackfill(Instant.ofEpochSecond(from), Instant.ofEpochSecond(to));
      h.catchUp();
      Harness.assertMatches(h.engine.state().totals, s);
      assertThat(h.engine.state().seenFiles).hasSize(24);
      assertThat(h.engine.seenForTests().loadedMonths()).isLessThanOrEqualTo(SeenIds.MAX_LOADED);
      try (var files = Files.list(h.store.seenDir())) {
        assertThat(files.count()).as("old bitmap generations are deleted").isEqualTo(24);
      }
    }
  }
}
