package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
  static final long JAN = SyntheticSacct.epoch("2026-01-01");
  static final long APR = SyntheticSacct.epoch("2026-04-01");

  @TempDir
  Path dir;

  private Totals backfilled(SyntheticSacct s) throws Exception {
    try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000), new FakeClock(APR))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(APR));
      h.catchUp();
      return h.totalsCopy();
    }
  }

  @Test
  void secondInstanceOnTheSameStateDirRefusesWithAClearMessage() throws Exception {
    try (StateStore first = StateStore.open(dir, "testbed")) {
      assertThatThrownBy(() -> StateStore.open(dir, "testbed"))
          .isInstanceOf(StateLockedException.class)
          .hasMessageContaining("is locked by another process")
          .hasMessageContaining("pid=" + ProcessHandle.current().pid());
      // another cluster on the same (shared) root is independent
      try (StateStore other = StateStore.open(dir, "other/cluster")) {
        assertThat(other.dir()).isEqualTo(dir.resolve("other_cluster"));
      }
    }
    try (StateStore again = StateStore.open(dir, "testbed")) {
      assertThat(again.dir()).isEqualTo(dir.resolve("testbed"));
    }
  }

  @Test
  void stateSurvivesReopen() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(11, 5_000, JAN, APR);
    Totals t = backfilled(s);
    try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000), new FakeClock(APR))) {
      assertThat(h.engine.state().totals).isEqualTo(t);
      Harness.assertMatches(h.engine.state().totals, s);
    }
  }

  @Test
  void corruptStateFileIsQuarantinedAndRebuiltFromSacct() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(12, 6_000, JAN, APR);
    Totals before = backfilled(s);
    Path state = dir.resolve("synth").resolve(StateStore.STATE);
    Files.writeString(state, "{\"version\":1,\"totals\":{\"users\":{\"alice\":"); // torn / corrupt
    int[] calls = {0};
    try (Harness h = new Harness(dir, s.source(calls), Harness.config(0, 1000), new FakeClock(APR))) {
      assertThat(h.store.quarantined()).anyMatch(p -> p.getFileName().toString().startsWith("state.json."));
      assertThat(h.engine.catchingUp()).as("a rebuild from the origin is scheduled").isTrue();
      assertThat(h.engine.state().totals.jobCount()).isZero();
      h.catchUp();
      assertThat(calls[0]).isEqualTo(3);
      assertThat(h.engine.state().totals).isEqualTo(before);
    }
  }

  @Test
  void corruptBitmapIsQuarantinedAndItsMonthRebuiltWithoutDoubleCounting() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(13, 6_000, JAN, APR);
    Totals before = backfilled(s);
    Path seen = dir.resolve("synth").resolve(StateStore.SEEN);
    Path feb;
    try (var files = Files.list(seen)) {
      feb = files.filter(p -> p.getFileName().toString().startsWith("2026-02.")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(feb);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(feb, bytes);
    try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000), new FakeClock(APR))) {
      assertThat(h.engine.state().rebuildMonths).containsExactly("2026-02");
      assertThat(h.store.quarantined()).hasSize(1);
      AccountingEngine.StepResult r = h.engine.step();
      assertThat(r.kind()).isEqualTo(AccountingEngine.Kind.REBUILD);
      // re-feeding February must not count anything again
      h.engine.startBackfill(Instant.ofEpochSecond(SyntheticSacct.epoch("2026-02-01")),
          Instant.ofEpochSecond(SyntheticSacct.epoch("2026-03-01")));
      h.catchUp();
      assertThat(h.engine.state().totals).isEqualTo(before);
    }
  }

  @Test
  void lateRecordInTheOverlapIsCountedOnceAfterABitmapRebuild() throws Exception {
    // before: the rebuild marked every job of the month up to the cursor as counted, so a late record in the
    // overlap window that had never been counted was dropped for good (and nothing said so)
    long start = JAN + 10 * 86400;
    SyntheticSacct s = SyntheticSacct.generate(15, 600, start - 3000, start + 4 * 3600);
    long lateFrom = start + 100 * 60;
    long lateTo = start + 140 * 60;
    SyntheticSacct.Row late = s.rows.stream()
        .filter(r -> r.end() >= lateFrom && r.end() < lateTo)
        .filter(r -> SacctParser.parse(r.text()).value().size() == 1 && SacctParser.parse(r.text()).errors() == 0)
        .findFirst().orElseThrow();
    boolean[] arrived = {false};
    SacctSource.Text inner = s.source(new int[1]);
    SacctSource.Text slurmdbd = (a, b) -> {
      StringBuilder sb = new StringBuilder();
      for (String line : inner.fetch(a, b).split("\n", -1)) {
        if (!line.isEmpty() && (arrived[0] || !line.equals(late.text()))) {
          sb.append(line).append('\n');
        }
      }
      return sb.toString();
    };
    FakeClock clock = new FakeClock(start);
    try (Harness h = new Harness(dir, slurmdbd, Harness.config(0, 1000), clock)) {
      while (clock.instant().getEpochSecond() < start + 150 * 60) { // the late job's End is < 1 h behind
        h.engine.step();
        clock.advanceSeconds(600);
      }
      assertThat(h.engine.state().cursor - 3600).as("the late job is inside the overlap window")
          .isLessThanOrEqualTo(late.end());
    }
    Path seen = dir.resolve("synth").resolve(StateStore.SEEN);
    Path jan;
    try (var files = Files.list(seen)) {
      jan = files.filter(p -> p.getFileName().toString().startsWith("2026-01.")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(jan);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(jan, bytes);
    arrived[0] = true; // slurmdbd got the record meanwhile
    try (Harness h = new Harness(dir, slurmdbd, Harness.config(0, 1000), clock)) {
      assertThat(h.engine.state().rebuildMonths).containsExactly("2026-01");
      long cursor = h.engine.state().cursor;
      assertThat(h.engine.step().kind()).isEqualTo(AccountingEngine.Kind.REBUILD);
      long jobs = h.engine.state().totals.jobCount();
      AccountingEngine.StepResult live = h.engine.step();
      assertThat(live.kind()).isEqualTo(AccountingEngine.Kind.LIVE);
      long endedSince = s.rows.stream()
          .filter(r -> r.end() > cursor && r.end() <= live.to().getEpochSecond())
          .flatMap(r -> SacctParser.parse(r.text()).value().stream()).map(JobRecord::jobIdRaw).distinct().count();
      assertThat(live.counted()).as("new: the late job and the jobs that ended since the last step; the overlap's "
          + "counted jobs are duplicates").isEqualTo(1 + endedSince);
      assertThat(h.engine.state().totals.jobCount()).isEqualTo(jobs + 1 + endedSince);
      while (h.engine.state().cursor <= start + 4 * 3600) {
        clock.advanceSeconds(600);
        h.engine.step();
      }
      Harness.assertMatches(h.engine.state().totals, s);
    }
  }

  @Test
  void leftoverFilesOfAnInterruptedCommitAreRemoved() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(14, 1_000, JAN, APR);
    backfilled(s);
    Path seen = dir.resolve("synth").resolve(StateStore.SEEN);
    Path stray = seen.resolve("2026-01.g999.roar");
    Files.write(stray, new byte[] {1, 2, 3});
    try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000), new FakeClock(APR))) {
      assertThat(stray).doesNotExist();
      assertThat(h.engine.state().rebuildMonths).isEmpty();
    }
  }

  @Test
  void theStateLockIsAPosixFcntlLockAsDocumented() throws Exception {
    // docs/accounting.md and StateStore's javadoc give shared-filesystem advice (NFS lockd, Lustre -o flock)
    // that is only right for POSIX (fcntl) locks; the javadoc used to call it "flock-style"
    Path procLocks = Path.of("/proc/locks");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(procLocks), "Linux /proc/locks");
    try (StateStore store = StateStore.open(dir, "locktype")) {
      long inode = (Long) Files.getAttribute(store.dir().resolve(StateStore.LOCK), "unix:ino");
      long pid = ProcessHandle.current().pid();
      java.util.List<String> ours = Files.readAllLines(procLocks).stream()
          .map(l -> l.trim().split("\\s+"))
          .filter(f -> f.length > 5 && f[4].equals(String.valueOf(pid)) && f[5].endsWith(":" + inode))
          .map(f -> f[1] + " " + f[3])
          .toList();
      assertThat(ours).containsExactly("POSIX WRITE");
    }
  }

  @Test
  void clusterNamesBecomeSafeDirectoryNames() {
    assertThat(StateStore.dirName("testbed")).isEqualTo("testbed");
    assertThat(StateStore.dirName("../etc")).isEqualTo("_.._etc");
    assertThat(StateStore.dirName("")).isEqualTo("default");
  }
}
