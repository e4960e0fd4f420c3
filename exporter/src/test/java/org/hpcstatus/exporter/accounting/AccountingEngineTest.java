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
    SacctSource inner = s.source(new int[1]);
    SacctSource timed = (a, b) -> {
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
  void windowTooLargeForTheOutputCapIsSplit() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(5, 5_000, JAN, MAR);
    SacctSource inner = s.source(new int[1]);
    int[] tooLarge = {0};
    SacctSource capped = (a, b) -> {
      if (b.getEpochSecond() - a.getEpochSecond() > 10 * 86400) {
        tooLarge[0]++;
        throw new CommandException("sacct", CommandException.Reason.OUTPUT_TOO_LARGE, "output exceeded 1 bytes");
      }
      return inner.fetch(a, b);
    };
    try (Harness h = new Harness(dir, capped, Harness.config(0, 1000), new FakeClock(MAR + 86400))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(MAR));
      h.catchUp();
      assertThat(tooLarge[0]).isPositive();
      Harness.assertMatches(h.engine.state().totals, s);
    }
  }

  @Test
  void splitWindowsAreCountedPartByPartSoMemoryIsBoundedByTheCap() throws Exception {
    // before: the halves were concatenated back into one String, so a window's whole output was in memory at
    // once and the cap bounded nothing. Now each part is counted before the next sacct call.
    SyntheticSacct s = SyntheticSacct.generate(9, 5_000, JAN, MAR);
    SacctSource inner = s.source(new int[1]);
    long cap = 64 * 1024;
    Harness[] h = new Harness[1];
    List<Long> countedAtCall = new ArrayList<>();
    long[] maxChunk = {0};
    SacctSource capped = (a, b) -> {
      String text = inner.fetch(a, b);
      if (text.length() > cap) {
        throw new CommandException("sacct", CommandException.Reason.OUTPUT_TOO_LARGE, "output exceeded " + cap);
      }
      countedAtCall.add(h[0].engine.state().totals.jobCount());
      maxChunk[0] = Math.max(maxChunk[0], text.length());
      return text;
    };
    try (Harness hh = new Harness(dir, capped, Harness.config(0, 1000), new FakeClock(MAR + 86400))) {
      h[0] = hh;
      hh.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(SyntheticSacct.epoch("2026-02-01")));
      long gen = hh.engine.state().generation;
      hh.engine.step(); // January: one step, many parts
      assertThat(hh.engine.state().generation).as("one commit for the whole split window").isEqualTo(gen + 1);
      assertThat(countedAtCall).as("January needed several parts").hasSizeGreaterThan(4);
      for (int i = 1; i < countedAtCall.size(); i++) {
        assertThat(countedAtCall.get(i)).as("part %d was fetched after part %d was counted", i, i - 1)
            .isGreaterThan(countedAtCall.get(i - 1));
      }
      assertThat(maxChunk[0]).isLessThanOrEqualTo(cap);
      hh.engine.startBackfill(Instant.ofEpochSecond(SyntheticSacct.epoch("2026-02-01")), Instant.ofEpochSecond(MAR));
      hh.catchUp();
      Harness.assertMatches(hh.engine.state().totals, s);
    }
  }

  @Test
  void aFailureAfterSomePartsWereCountedLosesNothingOnRetry() throws Exception {
    // the parts counted before a failing part are in memory but not committed: the retry must neither drop
    // them as duplicates nor count them twice
    SyntheticSacct s = SyntheticSacct.generate(10, 5_000, JAN, MAR);
    SacctSource inner = s.source(new int[1]);
    int[] calls = {0};
    boolean[] failOnce = {true};
    SacctSource flaky = (a, b) -> {
      String text = inner.fetch(a, b);
      if (text.length() > 64 * 1024) {
        throw new CommandException("sacct", CommandException.Reason.OUTPUT_TOO_LARGE, "output exceeded cap");
      }
      if (++calls[0] == 3 && failOnce[0]) {
        failOnce[0] = false;
        throw new CommandException("sacct", CommandException.Reason.TIMEOUT, "killed after timeout");
      }
      return text;
    };
    try (Harness h = new Harness(dir, flaky, Harness.config(0, 1000), new FakeClock(MAR + 86400))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(MAR));
      assertThatThrownBy(h.engine::step).isInstanceOf(CommandException.class);
      assertThat(h.engine.state().totals.jobCount()).as("two parts were counted in memory").isPositive();
      h.catchUp();
      Harness.assertMatches(h.engine.state().totals, s);
    }
  }

  @Test
  void failedSacctLeavesStateUntouchedAndTheNextStepRetries() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(6, 3_000, JAN, MAR);
    SacctSource inner = s.source(new int[1]);
    boolean[] fail = {true};
    SacctSource flaky = (a, b) -> {
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
