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
  void clusterNamesBecomeSafeDirectoryNames() {
    assertThat(StateStore.dirName("testbed")).isEqualTo("testbed");
    assertThat(StateStore.dirName("../etc")).isEqualTo("_.._etc");
    assertThat(StateStore.dirName("")).isEqualTo("default");
  }
}
