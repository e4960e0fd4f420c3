package org.hpcstatus.exporter.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one background-loop primitive of the exporter (Slurm poller, service checks, accounting): jobs run
 * again and again, each on its own interval, never two runs of one job at once (single flight), with an
 * optional hard timeout; every run ends in exactly one {@link Outcome}, handed to the job's listener and
 * then kept as the job's last outcome (a volatile snapshot), and {@link #generation()} changes after every
 * recorded outcome. Any Throwable of a task, of a listener or of the scheduling itself is an outcome or is
 * logged: a schedule never dies.
 *
 * <p>Threads: one timer thread fires the ticks and the timeouts; runs go to a pool of worker threads
 * (so a hung run costs one thread and never delays other jobs). A run that times out is recorded as
 * {@link Status#TIMED_OUT} and interrupted; while it is still stuck, each further tick of the job is
 * recorded as {@link Status#STILL_RUNNING} without starting a new thread.
 *
 * <p>Ordering guarantee (what callers may wait on): the future of a run completes only after its outcome
 * was recorded — listener called, {@link ScheduledJob#last()} and the generation updated — whichever of the run's
 * end or its timeout came first.
 */
public final class Scheduler implements AutoCloseable {
  /** How a run ended. */
  public enum Status {
    /** The task returned a value. */
    OK,
    /** The task threw (the error is in the outcome). */
    FAILED,
    /** No answer within the job's timeout; the run was interrupted. */
    TIMED_OUT,
    /** A scheduled run was due while an earlier, timed-out run of the job was still stuck. */
    STILL_RUNNING,
    /** The scheduler itself could not start or supervise the run (no thread, no memory); error set. */
    INTERNAL
  }

  /**
   * What one run did. Times are {@link System#nanoTime()} values; {@code durationNanos} is the timeout
   * for {@link Status#TIMED_OUT} and {@link Status#STILL_RUNNING}.
   */
  public record Outcome<R>(Status status, R value, Throwable error, long plannedNanos, long startedNanos,
                           long durationNanos) {
    public boolean ok() {
      return status == Status.OK;
    }

    public double seconds() {
      return durationNanos / 1e9;
    }
  }

  /** The work of one run. */
  @FunctionalInterface
  public interface Task<R> {
    R run() throws Exception;
  }

  final ScheduledThreadPoolExecutor timer;
  final ExecutorService workers;
  final AtomicLong generation = new AtomicLong();
  volatile boolean closed;

  /** Threads named {@code <threadPrefix>-timer} and {@code <threadPrefix>-<n>}, all daemons. */
  public Scheduler(String threadPrefix) {
    this(threadPrefix, null);
  }

  /** With the worker pool given (tests: a pool that fails to start threads); null = a cached daemon pool. */
  public Scheduler(String threadPrefix, ExecutorService workerPool) {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> daemon(r, threadPrefix + "-timer"));
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
    AtomicInteger n = new AtomicInteger();
    this.workers = workerPool != null ? workerPool
        : Executors.newCachedThreadPool(r -> daemon(r, threadPrefix + "-" + n.incrementAndGet()));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Changes after every recorded outcome of any job of this scheduler. */
  public long generation() {
    return generation.get();
  }

  /** A new job: configure it, then {@link JobBuilder#build()} and {@link ScheduledJob#start}. */
  public <R> JobBuilder<R> job(String name, Task<R> task) {
    return new JobBuilder<>(this, name, task);
  }

  /** Stops every job: no further ticks; running tasks are interrupted (a hung one may linger). */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    workers.shutdownNow();
  }

  /** As {@link #close()}, then waits up to {@code wait} for running tasks to end; true if they all did. */
  public boolean close(Duration wait) {
    close();
    return awaitTermination(wait);
  }

  /** After {@link #close()}: waits up to {@code wait} for running tasks to end; true if they all did. */
  public boolean awaitTermination(Duration wait) {
    try {
      return workers.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Settings of one job. */
  public static final class JobBuilder<R> {
    private final Scheduler scheduler;
    private final String name;
    private final Task<R> task;
    private Duration interval = Duration.ofSeconds(1);
    private Duration timeout;
    private Consumer<Outcome<R>> listener = o -> { };
    private Function<Outcome<R>, Duration> delayAfter;

    private JobBuilder(Scheduler scheduler, String name, Task<R> task) {
      this.scheduler = scheduler;
      this.name = name;
      this.task = Objects.requireNonNull(task);
    }

    /** Fixed rate: a tick every {@code interval} after the first, however long runs take. */
    public JobBuilder<R> every(Duration interval) {
      this.interval = interval;
      return this;
    }

    /** Hard timeout of a run (default none: the task bounds itself). */
    public JobBuilder<R> timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Called once per run, with its outcome, before the run's future completes. Must be thread-safe. */
    public JobBuilder<R> onOutcome(Consumer<Outcome<R>> listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Fixed delay instead of fixed rate: after each scheduled run, the next one starts after the delay
     * this returns for its outcome (null: the job stops). Called after the listener.
     */
    public JobBuilder<R> delayAfter(Function<Outcome<R>, Duration> delayAfter) {
      this.delayAfter = delayAfter;
      return this;
    }

    public ScheduledJob<R> build() {
      return new ScheduledJob<>(scheduler, name, task, interval, timeout, listener, delayAfter);
    }
  }
}
