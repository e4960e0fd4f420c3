package org.hpcstatus.exporter.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hpcstatus.exporter.status.StatusSnapshot.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
  static final long DAY = History.DAY_MILLIS;
  static final long T0 = 20_000 * DAY; // a UTC midnight

  /** Observes a component every second from {@code from} for {@code seconds}, in one state. */
  static long run(History h, String c, State s, long from, long seconds) {
    for (long i = 0; i < seconds; i++) {
      h.observe(c, s, s == State.DOWN ? "refused" : null, from + i * 1000);
    }
    return from + seconds * 1000;
  }

  @Test
  void timeGoesToTheStateItWasSpentIn() {
    History h = new History();
    long t = run(h, "service:a", State.UP, T0, 601); // 600 s up
    t = run(h, "service:a", State.DOWN, t, 300); // 300 s down (the second before the first down observation counts as up)
    h.observe("service:a", State.UP, null, t);
    List<History.Bucket> fine = h.fine("service:a", 30 * 60_000, t);
    double up = fine.stream().mapToDouble(History.Bucket::up).sum();
    double down = fine.stream().mapToDouble(History.Bucket::down).sum();
    assertThat(up).isEqualTo(601.0);
    assertThat(down).isEqualTo(300.0);
    assertThat(h.uptime("service:a", DAY, t)).isEqualTo(601 / 901.0);
    List<History.Bucket> days = h.daily("service:a", 90, t);
    assertThat(days).hasSize(90);
    assertThat(days.get(89).index()).isEqualTo(T0 / DAY);
    assertThat(days.get(89).down()).isEqualTo(300.0);
    assertThat(days.get(0).known()).isZero();
  }

  @Test
  void stateChangesAreRememberedWithSinceAndReason() {
    History h = new History();
    long t = run(h, "service:a", State.UP, T0, 10);
    h.observe("service:a", State.DOWN, "timeout", t);
    History.Track tr = h.track("service:a");
    assertThat(tr.state()).isEqualTo(State.DOWN);
    assertThat(tr.sinceMillis()).isEqualTo(t);
    assertThat(tr.changes()).extracting(History.Change::to).containsExactly(State.UP, State.DOWN);
    assertThat(tr.changes().get(1).reason()).isEqualTo("timeout");
  }

  @Test
  void aStoppedExporterIsAGapNotAnOutage() {
    History h = new History();
    long t = run(h, "service:a", State.DOWN, T0, 2);
    h.observe("service:a", State.DOWN, null, t + 3_600_000); // an hour later
    double down = h.fine("service:a", 2 * 3_600_000, t + 3_600_000).stream().mapToDouble(History.Bucket::down).sum();
    assertThat(down).isEqualTo(1 + History.MAX_GAP_MILLIS / 1000.0);
  }

  @Test
  void unknownTimeCountsNowhere() {
    History h = new History();
    long t = run(h, "service:a", State.UNKNOWN, T0, 100);
    assertThat(Double.isNaN(h.uptime("service:a", DAY, t))).isTrue();
  }

  @Test
  void ringsWrapWithoutGrowing() {
    History h = new History();
    long t = T0;
    // one observation every 10 s for 100 days: more than both rings hold
    for (long i = 0; i < 100 * 8640; i++) {
      h.observe("service:a", i % 8640 < 864 ? State.DOWN : State.UP, null, t);
      t += 10_000;
    }
    List<History.Bucket> days = h.daily("service:a", 90, t);
    assertThat(days).hasSize(90);
    assertThat(days.get(45).uptime()).isBetween(0.89, 0.91);
    assertThat(h.uptime("service:a", 30 * DAY, t)).isBetween(0.89, 0.91);
  }

  @Test
  void persistsAndReloads(@TempDir Path dir) throws Exception {
    History h = new History();
    long t = run(h, "service:a", State.UP, T0, 100);
    run(h, "cluster:x", State.DOWN, T0, 50);
    HistoryStore store = new HistoryStore(dir);
    store.save(h);
    History back = store.load();
    assertThat(back.uptime("service:a", DAY, t)).isEqualTo(h.uptime("service:a", DAY, t));
    assertThat(back.track("cluster:x").state()).isEqualTo(State.DOWN);
    assertThat(back.track("service:a").changes()).hasSize(1);
    assertThat(HistoryStore.toJson(back)).isEqualTo(HistoryStore.toJson(h));
    assertThat(dir.resolve(".status-history.json.tmp")).doesNotExist();
  }

  @Test
  void aCorruptFileIsQuarantinedNotFatal(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(HistoryStore.FILE), "{\"version\":1,\"tracks\":{\"service:a\":{\"fine\":[[1,2]]}}}");
    History h = new HistoryStore(dir).load();
    assertThat(h.tracks()).isEmpty();
    assertThat(dir.resolve(HistoryStore.FILE)).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("status-history.json.corrupt-"));
    }
    Files.writeString(dir.resolve(HistoryStore.FILE), "\u0000garbage");
    assertThat(new HistoryStore(dir).load().tracks()).isEmpty();
  }

  /**
   * The documented bound (docs/status-page.md): 100 checks with every bucket of both rings filled stay
   * under 8 MiB on disk. Prints the size measured.
   */
  @Test
  void sizePerHundredChecksIsBounded(@TempDir Path dir) throws Exception {
    History h = new History();
    long end = T0 + 100 * DAY;
    for (int c = 0; c < 100; c++) {
      History.Track t = new History.Track();
      for (int i = 0; i < History.FINE_BUCKETS; i++) {
        long idx = end / History.FINE_MILLIS - i;
        t.fine[(int) Math.floorMod(idx, (long) History.FINE_BUCKETS)] = new long[] {idx, 299_000, 1_000, 0};
      }
      for (int i = 0; i < History.DAILY_BUCKETS; i++) {
        long idx = end / DAY - i;
        t.daily[(int) Math.floorMod(idx, (long) History.DAILY_BUCKETS)] = new long[] {idx, 86_000_000, 300_000, 100_000};
      }
      for (int i = 0; i < History.MAX_CHANGES; i++) {
        t.changes.add(new History.Change(end - i, State.UP, State.DOWN, "refused"));
      }
      t.lastSeenMillis = end;
      h.tracks().put("service:check-number-" + c, t);
    }
    new HistoryStore(dir).save(h);
    long size = Files.size(dir.resolve(HistoryStore.FILE));
    System.out.println("status history, 100 checks, all buckets full: " + size + " bytes");
    assertThat(size).isLessThan(8L << 20);
  }
}
