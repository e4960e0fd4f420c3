package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.testing.BoundedCommand;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The accounting state directory fails during a commit — the disk fills up (a size-limited tmpfs), or it turns
 * read-only (a read-only bind mount over the cluster directory: {@code mount -o remount,ro} is refused while
 * the lock file is open for writing, so the bind mount is how a test gets there) — and recovers. Asserts: the
 * commit fails with the filesystem's error, the engine is back at its last commit (in memory = on disk,
 * never ahead), no temp or unreferenced file is left, the next start loads the state; once the directory
 * works again, the totals equal a run that never had the fault (nothing counted twice or lost). And the
 * service shows it as {@code hpcstatus_accounting_success 0} until it recovers.
 *
 * <p>Needs root (mount); where integration tests are required a missing prerequisite fails the test.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // hang guard only
class StateDirFaultIT {
  static final long JAN = SyntheticSacct.epoch("2026-01-01");
  static final long JUL = SyntheticSacct.epoch("2026-07-01");

  @TempDir
  Path tmp;

  private Path root;
  private final Deque<Path> mounts = new ArrayDeque<>();

  /** How the state directory breaks, and how it is repaired. */
  enum Fault {
    DISK_FULL("No space left on device") {
      @Override
      void apply(StateDirFaultIT t, Path clusterDir) throws IOException {
        Path filler = t.root.resolve("filler");
        ByteBuffer mb = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
          for (int i = 0; i < 1024; i++) { // 1 GiB at most: far more than the 16 MiB tmpfs
            mb.clear();
            while (mb.hasRemaining()) {
              ch.write(mb);
            }
          }
        } catch (IOException full) {
          assertThat(full.getMessage()).contains(message);
          return;
        }
        throw new AssertionError("the tmpfs did not fill up");
      }

      @Override
      void clear(StateDirFaultIT t, Path clusterDir) throws IOException {
        Files.delete(t.root.resolve("filler"));
      }
    },
    READ_ONLY("Read-only file system") {
      @Override
      void apply(StateDirFaultIT t, Path clusterDir) throws Exception {
        t.mount(clusterDir, "--bind", "-o", "ro", clusterDir.toString(), clusterDir.toString());
      }

      @Override
      void clear(StateDirFaultIT t, Path clusterDir) throws Exception {
        t.unmount(clusterDir);
      }
    };

    final String message;

    Fault(String message) {
      this.message = message;
    }

    abstract void apply(StateDirFaultIT t, Path clusterDir) throws Exception;

    abstract void clear(StateDirFaultIT t, Path clusterDir) throws Exception;

    /** Makes sure it is still broken after the engine's clean-up (which may free a little space). */
    void again(StateDirFaultIT t, Path clusterDir) throws Exception {
      if (this == DISK_FULL) {
        apply(t, clusterDir);
      }
    }
  }

  @BeforeEach
  void tmpfs() throws Exception {
    Live.require("root".equals(System.getProperty("user.name")), "root (to mount a tmpfs state directory)");
    root = tmp.resolve("state");
    Files.createDirectories(root);
    BoundedCommand.Result r = BoundedCommand.run(List.of("mount", "-t", "tmpfs", "-o", "size=16m,mode=0700",
        "hpcstatus-fault-test", root.toString()), java.util.Map.of(), Duration.ofSeconds(60));
    Live.require(r.exit() == 0, "mount -t tmpfs (" + r.out().strip() + ")");
    mounts.push(root);
  }

  @AfterEach
  void unmountAll() throws Exception {
    StateStore.commitHook = null;
    while (!mounts.isEmpty()) {
      unmount(mounts.peek());
    }
  }

  private void mount(Path where, String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("mount"));
    argv.addAll(List.of(args));
    BoundedCommand.Result r = BoundedCommand.run(argv, java.util.Map.of(), Duration.ofSeconds(60));
    assertThat(r.exit()).as("mount " + String.join(" ", args) + ": " + r.out()).isZero();
    mounts.push(where);
  }

  private void unmount(Path where) throws Exception {
    BoundedCommand.Result r = BoundedCommand.run(List.of("umount", where.toString()), java.util.Map.of(),
        Duration.ofSeconds(60));
    if (r.exit() != 0) { // still busy (a failed test left a file open): detach it, never leave it mounted
      r = BoundedCommand.run(List.of("umount", "-l", where.toString()), java.util.Map.of(), Duration.ofSeconds(60));
    }
    assertThat(r.exit()).as("umount " + where + ": " + r.out()).isZero();
    mounts.remove(where);
  }

  private static SyntheticSacct data() {
    return SyntheticSacct.generate(23, 6_000, JAN, JUL);
  }

  /** Backfill Jan–Jul month by month, then one live step: the run the faulted one must equal. */
  private Totals cleanRun() throws Exception {
    try (Harness h = new Harness(tmp.resolve("clean"), data().source(new int[1]), Harness.config(0, 1000),
        new FakeClock(JUL))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(JUL));
      h.catchUp();
      h.engine.step();
      return h.totalsCopy();
    }
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void aCommitThatFailsCountsNothingAndTheRetryAfterRecoveryCountsEveryJobOnce(Fault fault) throws Exception {
    Totals expected = cleanRun();
    SyntheticSacct s = data();
    Harness.assertMatches(expected, s);
    Path dir = root.resolve("synth");
    try (Harness h = new Harness(root, s.source(new int[1]), Harness.config(0, 1000), new FakeClock(JUL))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(JUL));
      h.engine.step(); // January
      h.engine.step(); // February
      Totals committed = h.totalsCopy();
      long generation = h.engine.state().generation;

      // March's commit: its bitmaps are on disk under new names, then the directory breaks before state.json
      AtomicInteger hooked = new AtomicInteger();
      StateStore.commitHook = stage -> {
        if (stage.equals("bitmaps-written") && hooked.getAndIncrement() == 0) {
          try {
            fault.apply(this, dir);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      };
      assertFailsAtTheLastCommit(h, dir, fault, committed, generation);
      assertThat(hooked.get()).as("the fault hit inside a commit").isEqualTo(1);
      // still broken: the next attempt fails already writing its bitmaps, and again counts nothing
      fault.again(this, dir);
      assertFailsAtTheLastCommit(h, dir, fault, committed, generation);

      fault.clear(this, dir);
      h.catchUp();
      h.engine.step();
      assertThat(h.engine.state().totals).isEqualTo(expected);
      Harness.assertMatches(h.engine.state().totals, s);
      assertNoLeftovers(dir);
      assertThat(dir.resolve(StateStore.LAST_ERROR)).as("cleared by the first successful step").doesNotExist();
    }
    // and a restart loads exactly that
    try (Harness again = new Harness(root, s.source(new int[1]), Harness.config(0, 1000), new FakeClock(JUL))) {
      assertThat(again.engine.state().totals).isEqualTo(expected);
    }
  }

  private static void assertFailsAtTheLastCommit(Harness h, Path dir, Fault fault, Totals committed,
                                                 long generation) throws Exception {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(h.engine::step);
    assertThat(t).as("the step fails with the filesystem's error").isInstanceOf(IOException.class);
    assertThat(String.valueOf(t.getMessage()) + t.getCause()).contains(fault.message);
    assertThat(h.engine.isStale()).as("rolled back to the last commit (which can still be read)").isFalse();
    assertThat(h.engine.state().totals).as("in memory: the last commit, not the failed step").isEqualTo(committed);
    assertThat(h.engine.state().generation).isEqualTo(generation);
    AccountingState onDisk = StateStore.json().readValue(dir.resolve(StateStore.STATE).toFile(),
        AccountingState.class);
    assertThat(onDisk.totals).as("on disk: the last commit").isEqualTo(committed);
    assertThat(onDisk.generation).isEqualTo(generation);
    assertThat(tempFiles(dir)).as("no half-written temp file holds on to the space").isEmpty();
  }

  /** The bitmaps on disk are exactly those state.json references, and no temp file is left. */
  private static void assertNoLeftovers(Path dir) throws IOException {
    AccountingState st = StateStore.json().readValue(dir.resolve(StateStore.STATE).toFile(), AccountingState.class);
    Set<String> onDisk = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir.resolve(StateStore.SEEN))) {
      files.forEach(p -> onDisk.add(p.getFileName().toString()));
    }
    assertThat(onDisk).isEqualTo(new TreeSet<>(st.seenFiles.values()));
    assertThat(tempFiles(dir)).isEmpty();
  }

  private static List<Path> tempFiles(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  // ---- the service: what a scrape shows while the state directory is broken

  private static double gauge(List<MetricSnapshot> snaps, String name) {
    for (MetricSnapshot m : snaps) {
      if (m.getMetadata().getName().equals(name) && m instanceof GaugeSnapshot g) {
        return g.getDataPoints().get(0).getValue();
      }
    }
    return Double.NaN;
  }

  private static double jobsCounted(List<MetricSnapshot> snaps) {
    return snaps.stream().filter(m -> m.getMetadata().getPrometheusName().equals("slurm_user_jobs_finished"))
        .flatMap(m -> m.getDataPoints().stream())
        .mapToDouble(d -> ((CounterSnapshot.CounterDataPointSnapshot) d).getValue()).sum();
  }

  private static List<MetricSnapshot> await(Accounting a, Predicate<List<MetricSnapshot>> ok, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      List<MetricSnapshot> s = a.snapshots();
      if (ok.test(s)) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not reached within 120 s: " + what);
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void theServiceShowsTheFailureUntilTheDirectoryWorksAgainThenCountsEveryJobOnce(Fault fault) throws Exception {
    long now = Instant.now().getEpochSecond();
    SyntheticSacct s = SyntheticSacct.generate(24, 2_000, now - 86400, now - 60);
    AccountingConfig config = new AccountingConfig(true, root.toString(), Duration.ofSeconds(1), Duration.ofDays(2),
        600.0, null, Duration.ofSeconds(1), List.of(), 0, 100, null);
    Path dir = root.resolve("svc");
    AtomicInteger commits = new AtomicInteger();
    int[] sacctCalls = new int[1];
    StateStore.commitHook = stage -> {
      if (stage.equals("bitmaps-written") && commits.getAndIncrement() == 0) {
        try {
          fault.apply(this, dir);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
    try (Accounting a = new Accounting(config, () -> "svc", SacctSource.text(s.source(sacctCalls)),
        new SelfMetrics())) {
      a.firstBackoff = Duration.ofMillis(100);
      a.start();
      // failed, and retried (at least one more sacct call: a step that found the directory still broken)
      List<MetricSnapshot> failing = await(a, x -> gauge(x, "hpcstatus_accounting_success") == 0.0
          && commits.get() == 1 && sacctCalls[0] >= 3, "accounting_success 0 while the directory is broken");
      assertThat(jobsCounted(failing)).as("nothing counted while no commit succeeds").isZero();
      fault.clear(this, dir);
      List<MetricSnapshot> ok = await(a, x -> gauge(x, "hpcstatus_accounting_success") == 1.0
          && jobsCounted(x) > 0, "accounting_success 1 once the directory works again");
      assertThat(jobsCounted(ok)).isEqualTo(s.jobs);
    }
    assertNoLeftovers(dir);
  }
}
