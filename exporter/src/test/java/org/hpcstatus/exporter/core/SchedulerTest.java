package org.hpcstatus.exporter.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not reached within 30 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  /** A worker pool that counts runs that have completely finished (their finally blocks included). */
  static final class CountingPool extends ThreadPoolExecutor {
    final AtomicInteger finished = new AtomicInteger();

    CountingPool() {
      super(2, 2, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "test-worker");
        t.setDaemon(true);
        return t;
      });
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
      finished.incrementAndGet();
    }
  }

  /**
   * The race behind the flaky TcpCheckIT: the run ends just as its timeout fires and the timeout wins.
   * The losing worker must not complete the run's future while the winner is still recording: a caller
   * woken by the future would read a state without this run.
   */
  @Test
  void theFutureCompletesOnlyAfterTheWinningOutcomeIsRecorded() throws Exception {
    CountingPool pool = new CountingPool();
    CountDownLatch timeoutRecording = new CountDownLatch(1);
    CountDownLatch releaseRecording = new CountDownLatch(1);
    List<Scheduler.Outcome<String>> recorded = new CopyOnWriteArrayList<>();
    try (Scheduler s = new Scheduler("t", pool)) {
      ScheduledJob<String> job = s.job("j", () -> {
        // returns (ignoring the interrupt) once the timeout is inside its recording
        while (!timeoutRecording.await(10, TimeUnit.MILLISECONDS)) {
          Thread.onSpinWait();
        }
        return "late answer";
      }).every(Duration.ofSeconds(60)).timeout(Duration.ofMillis(50)).onOutcome(o -> {
        if (o.status() == Scheduler.Status.TIMED_OUT) {
          timeoutRecording.countDown();
          try {
            releaseRecording.await(); // a slow recording (machine under load)
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        recorded.add(o);
      }).build();
      CompletableFuture<Scheduler.Outcome<String>> f = job.runNow();
      await(() -> pool.finished.get() == 1, "the worker ended");
      assertThat(f).as("completed by the losing worker before the outcome was recorded").isNotDone();
      assertThat(job.last()).isNull();
      releaseRecording.countDown();
      Scheduler.Outcome<String> o = f.get(30, TimeUnit.SECONDS);
      assertThat(o.status()).isEqualTo(Scheduler.Status.TIMED_OUT);
      assertThat(o.seconds()).isEqualTo(0.05);
      assertThat(recorded).containsExactly(o);
      assertThat(job.last()).isSameAs(o);
    }
  }

  @Test
  void everyThrowableIsAnOutcomeAndTheScheduleGoesOn() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    List<Scheduler.Status> seen = new CopyOnWriteArrayList<>();
    try (Scheduler s = new Scheduler("t")) {
      ScheduledJob<Integer> job = s.job("j", () -> {
        int n = runs.incrementAndGet();
        if (n == 1) {
          throw new StackOverflowError("deep");
        }
        if (n == 2) {
          throw new OutOfMemoryError("heap");
        }
        if (n == 3) {
          throw new IllegalStateException("bug");
        }
        return n;
      }).every(Duration.ofMillis(20)).onOutcome(o -> {
        seen.add(o.status());
        if (seen.size() == 4) {
          throw new IllegalStateException("a listener bug must not stop the schedule either");
        }
      }).build();
      job.start(Duration.ZERO);
      await(() -> seen.size() >= 6, "six outcomes");
      assertThat(seen.subList(0, 6)).containsExactly(Scheduler.Status.FAILED, Scheduler.Status.FAILED,
          Scheduler.Status.FAILED, Scheduler.Status.OK, Scheduler.Status.OK, Scheduler.Status.OK);
    }
  }

  @Test
  void aStuckRunCostsOneThreadAndLaterTicksAreStillRunning() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    List<Scheduler.Outcome<String>> seen = new CopyOnWriteArrayList<>();
    try (Scheduler s = new Scheduler("t")) {
      ScheduledJob<String> job = s.job("j", () -> {
        runs.incrementAndGet();
        while (true) {
          try {
            if (release.await(10, TimeUnit.SECONDS)) {
              return "done";
            }
          } catch (InterruptedException e) {
            // ignores interrupts, like a process in D state
          }
        }
      }).every(Duration.ofMillis(100)).timeout(Duration.ofMillis(30)).onOutcome(seen::add).build();
      job.start(Duration.ZERO);
      // On a loaded machine a worker may start after its 30 ms timeout fired: that attempt is recorded as
      // TIMED_OUT and its task skipped, and the next tick starts afresh. So wait for a run that really
      // started, then for two ticks that found it stuck; no ordering of threads can change what follows.
      await(() -> runs.get() == 1, "the task started");
      await(() -> seen.stream().filter(o -> o.status() == Scheduler.Status.STILL_RUNNING).count() >= 2,
          "two ticks while the run is stuck");
      assertThat(seen.get(0).status()).isEqualTo(Scheduler.Status.TIMED_OUT);
      assertThat(seen).allSatisfy(o -> assertThat(o.status())
          .isIn(Scheduler.Status.TIMED_OUT, Scheduler.Status.STILL_RUNNING));
      assertThat(seen).filteredOn(o -> o.status() == Scheduler.Status.STILL_RUNNING)
          .allSatisfy(o -> assertThat(o.seconds()).isEqualTo(0.03));
      assertThat(runs.get()).as("a stuck run costs one thread: no second run while it hangs").isEqualTo(1);
      release.countDown();
      await(() -> runs.get() == 2, "a fresh run once the stuck one ended");
    }
  }

  @Test
  void fixedDelayChosenFromTheOutcomeAndNullStops() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    List<Duration> delays = new CopyOnWriteArrayList<>();
    try (Scheduler s = new Scheduler("t")) {
      ScheduledJob<Integer> job = s.job("j", runs::incrementAndGet)
          .every(Duration.ofHours(1))
          .delayAfter(o -> {
            Duration d = o.value() < 3 ? Duration.ZERO : null;
            delays.add(d == null ? Duration.ofDays(-1) : d);
            return d;
          }).build();
      job.start(Duration.ZERO);
      await(() -> delays.size() == 3, "three runs back to back");
      long gen = s.generation();
      assertThat(job.runNow().get(30, TimeUnit.SECONDS).value()).as("runNow still works after the chain ended")
          .isEqualTo(4);
      assertThat(s.generation()).isGreaterThan(gen);
      assertThat(runs.get()).isEqualTo(4);
      assertThat(delays).hasSize(3);
    }
  }

  @Test
  void runHereRunsOnTheCallerAndTheGenerationChangesAfterTheListener() throws Exception {
    try (Scheduler s = new Scheduler("t")) {
      long[] genInListener = new long[1];
      String[] thread = new String[1];
      ScheduledJob<String> job = s.job("j", () -> {
        thread[0] = Thread.currentThread().getName();
        return "x";
      }).onOutcome(o -> genInListener[0] = s.generation()).build();
      long before = s.generation();
      Scheduler.Outcome<String> o = job.runHere();
      assertThat(o.ok()).isTrue();
      assertThat(thread[0]).isEqualTo(Thread.currentThread().getName());
      assertThat(genInListener[0]).as("listener runs before the generation changes").isEqualTo(before);
      assertThat(s.generation()).isEqualTo(before + 1);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
  }
}
