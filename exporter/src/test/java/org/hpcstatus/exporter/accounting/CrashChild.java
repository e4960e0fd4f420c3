package org.hpcstatus.exporter.accounting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process {@link CrashTest} kills: backfills 24 synthetic months into a state dir, one commit per
 * month. With {@code <stage> <n>} it announces "MIDWRITE" on stdout at the n-th commit's {@code stage}
 * and then hangs there, so the parent can SIGKILL it at exactly that point of a state write. With
 * {@code random} it prints "COMMIT <k>" inside every commit (sacct calls take 25 ms), so the parent can kill
 * it at a random moment after committing has started.
 */
public final class CrashChild {
  static final long FROM = SyntheticSacct.epoch("2024-01-01");
  static final long TO = SyntheticSacct.epoch("2026-01-01");

  static SyntheticSacct data() {
    return SyntheticSacct.generate(99, 40_000, FROM, TO);
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    boolean random = args.length == 2 && args[1].equals("random");
    if (random) {
      // announce every commit, so the parent kills only once committing has begun (not during JVM start-up)
      AtomicInteger commits = new AtomicInteger();
      StateStore.commitHook = s -> {
        if (s.equals("bitmaps-written")) {
          System.out.println("COMMIT " + commits.incrementAndGet());
          System.out.flush();
        }
      };
    }
    if (args.length == 3) {
      String stage = args[1];
      int n = Integer.parseInt(args[2]);
      AtomicInteger seen = new AtomicInteger();
      StateStore.commitHook = s -> {
        if (s.equals(stage) && seen.incrementAndGet() == n) {
          System.out.println("MIDWRITE " + s);
          System.out.flush();
          try {
            Thread.sleep(600_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
    }
    SyntheticSacct s = data();
    FakeClock clock = new FakeClock(TO + 3600); // fixed: "today" is the same in every run
    AccountingConfig cfg = Harness.config(0, 1000);
    try (StateStore store = StateStore.open(root, "synth")) {
      SacctSource.Text source = s.source(new int[1]);
      if (random) {
        // sacct takes time: keeps the parent's random kill well inside the run instead of racing its end
        SacctSource.Text fast = source;
        source = (a, b) -> {
          try {
            Thread.sleep(25);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return fast.fetch(a, b);
        };
      }
      AccountingEngine engine = new AccountingEngine(store, SacctSource.text(source), cfg, clock,
          new RateLimiter(Duration.ZERO, clock, ms -> { }));
      new BackfillRunner(engine, 1, Duration.ZERO, ms -> { }).run(Instant.ofEpochSecond(FROM), Instant.ofEpochSecond(TO),
          new BackfillRunner.Progress() {
            @Override
            public void start(long totalMonths, long doneMonths) {
              System.out.println("START " + doneMonths + "/" + totalMonths);
            }

            @Override
            public void month(YearMonth month, long done, long total, AccountingEngine.StepResult r, double jps) {
              System.out.println("MONTH " + month);
            }
          });
      Files.write(root.resolve("totals-out.json"), StateStore.json().writeValueAsBytes(engine.state().totals));
    }
    System.out.println("DONE");
  }
}
