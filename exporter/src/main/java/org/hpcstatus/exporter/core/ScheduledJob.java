package org.hpcstatus.exporter.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hpcstatus.exporter.core.Scheduler.Outcome;
import org.hpcstatus.exporter.core.Scheduler.Status;
import org.hpcstatus.exporter.core.Scheduler.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job of a {@link Scheduler}: its schedule, its single flight, its timeout and its last outcome. See
 * {@link Scheduler} for the guarantees.
 */
public final class ScheduledJob<R> {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduledJob.class);

  private final Scheduler s;
  private final String name;
  private final Task<R> task;
  private final long intervalNanos;
  private final long timeoutNanos;
  private final Consumer<Outcome<R>> listener;
  private final Function<Outcome<R>, Duration> delayAfter;
  // guarded by this
  private Attempt inFlight;
  private long nextPlanned;
  private boolean started;
  private volatile Outcome<R> last;

  ScheduledJob(Scheduler s, String name, Task<R> task, Duration interval, Duration timeout,
              Consumer<Outcome<R>> listener, Function<Outcome<R>, Duration> delayAfter) {
    this.s = s;
    this.name = name;
    this.task = task;
    this.intervalNanos = interval.toNanos();
    this.timeoutNanos = timeout == null ? 0 : timeout.toNanos();
    this.listener = listener;
    this.delayAfter = delayAfter;
  }

  private final class Attempt {
    final long planned;
    final boolean scheduled;
    final AtomicBoolean recorded = new AtomicBoolean();
    final CompletableFuture<Outcome<R>> done = new CompletableFuture<>();
    volatile boolean chainNext;
    volatile long startedNanos;
    volatile Future<?> future;
    volatile ScheduledFuture<?> timeoutTask;

    Attempt(long planned, boolean scheduled) {
      this.planned = planned;
      this.scheduled = scheduled;
      this.chainNext = scheduled;
    }
  }

  public String name() {
    return name;
  }

  /** The last recorded outcome, or null before the first. */
  public Outcome<R> last() {
    return last;
  }

  /** Starts the schedule: the first run after {@code firstDelay}. Idempotent. */
  public synchronized ScheduledJob<R> start(Duration firstDelay) {
    if (started || s.closed) {
      return this;
    }
    started = true;
    long delay = Math.max(0, firstDelay.toNanos());
    nextPlanned = System.nanoTime() + delay;
    try {
      if (delayAfter == null) {
        s.timer.scheduleAtFixedRate(this::tick, delay, intervalNanos, TimeUnit.NANOSECONDS);
      } else {
        s.timer.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
    return this;
  }

  /**
   * Runs now on a worker thread, with the timeout; the future completes when the outcome is recorded
   * (null if the scheduler is closed). If a run is in flight, its future is returned instead.
   */
  public CompletableFuture<Outcome<R>> runNow() {
    return launch(System.nanoTime(), false);
  }

  /**
   * Runs now on the calling thread (no timeout: for tasks that bound themselves) and returns the
   * recorded outcome (null if the scheduler is closed). A run in flight is waited for first, then a fresh
   * run starts: the result never predates the call.
   */
  public Outcome<R> runHere() {
    Attempt a;
    while (true) {
      Attempt running;
      synchronized (this) {
        running = inFlight;
        if (running == null) {
          a = new Attempt(System.nanoTime(), false);
          inFlight = a;
          break;
        }
      }
      if (running.done.join() == null) {
        return null;
      }
    }
    execute(a, false);
    return a.done.join();
  }

  /** One tick of the schedule. Never throws (a throwing fixed-rate task would stop the schedule). */
  private void tick() {
    long planned = System.nanoTime();
    try {
      synchronized (this) {
        planned = nextPlanned;
        nextPlanned += intervalNanos;
      }
      launch(planned, true);
    } catch (Throwable e) {
      Attempt failed = new Attempt(planned, true);
      finish(failed, new Outcome<>(Status.INTERNAL, null, e, planned, System.nanoTime(), 0));
    }
  }

  private CompletableFuture<Outcome<R>> launch(long planned, boolean scheduled) {
    if (s.closed) {
      return CompletableFuture.completedFuture(null);
    }
    Attempt a;
    Attempt stuck = null;
    boolean fresh = false;
    synchronized (this) {
      Attempt running = inFlight;
      if (running == null) {
        a = new Attempt(planned, scheduled);
        inFlight = a;
        fresh = true;
      } else {
        a = running;
        if (scheduled && running.recorded.get()) {
          // recorded but still in flight: it timed out and its thread is stuck
          stuck = new Attempt(planned, true);
        } else if (scheduled) {
          running.chainNext = true; // a runNow() is in flight: it continues a fixed-delay chain
        }
      }
    }
    if (stuck != null) {
      finish(stuck, new Outcome<>(Status.STILL_RUNNING, null, null, planned, System.nanoTime(), timeoutNanos));
    }
    if (fresh) {
      begin(a);
    }
    return a.done;
  }

  /** Arms the timeout, then hands the run to a worker. */
  private void begin(Attempt a) {
    if (timeoutNanos > 0) {
      try {
        a.timeoutTask = s.timer.schedule(() -> expire(a), timeoutNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        clearInFlight(a);
        a.done.complete(null); // closed while launching
        return;
      } catch (Throwable e) {
        // no timeout armed: count this run as failed now (the worker then skips the task and leaves
        // flight at once)
        finish(a, new Outcome<>(Status.INTERNAL, null, e, a.planned, System.nanoTime(), 0));
      }
    }
    try {
      a.future = s.workers.submit(() -> execute(a, true));
    } catch (Throwable e) {
      cancelTimeout(a);
      if (e instanceof RejectedExecutionException && s.closed) {
        clearInFlight(a);
        a.done.complete(null);
      } else {
        // e.g. OutOfMemoryError "unable to create native thread": the run never started
        Outcome<R> o = new Outcome<>(Status.INTERNAL, null, e, a.planned, System.nanoTime(), 0);
        if (claim(a, true)) {
          publish(o);
          complete(a, o);
        }
      }
    }
  }

  private void execute(Attempt a, boolean onWorker) {
    long start = System.nanoTime();
    a.startedNanos = start;
    R value = null;
    Throwable error = null;
    try {
      if (!a.recorded.get()) {
        value = task.run();
      }
    } catch (Throwable e) {
      error = e;
    } finally {
      // claimed and taken out of flight in one step: a tick right now starts a fresh run, never
      // mistakes this finished one for a stuck one
      boolean won = claim(a, true);
      if (won) {
        Status status = error == null ? Status.OK : Status.FAILED;
        Outcome<R> o = new Outcome<>(status, value, error, a.planned, start,
            System.nanoTime() - start);
        publish(o);
        complete(a, o);
      }
      cancelTimeout(a);
      if (onWorker) {
        Thread.interrupted(); // clear a timeout's interrupt before the thread goes back to the pool
      }
    }
  }

  private void expire(Attempt a) {
    if (claim(a, false)) {
      long started = a.startedNanos == 0 ? a.planned : a.startedNanos;
      Outcome<R> o = new Outcome<>(Status.TIMED_OUT, null, null, a.planned, started, timeoutNanos);
      publish(o);
      complete(a, o);
      Future<?> f = a.future;
      if (f != null) {
        f.cancel(true);
      }
    }
  }

  /** Records and completes an outcome that does not end the run's flight (or never had one). */
  private void finish(Attempt a, Outcome<R> o) {
    if (claim(a, false)) {
      publish(o);
      complete(a, o);
    }
  }

  /**
   * The one decision which outcome of an attempt counts: the first claimer wins. Taken under the job's
   * lock, together with leaving flight when the run itself ended, so ticks see a consistent state.
   */
  private synchronized boolean claim(Attempt a, boolean ended) {
    boolean won = a.recorded.compareAndSet(false, true);
    if (ended && inFlight == a) {
      inFlight = null;
    }
    return won;
  }

  /** Hands the outcome to the listener, then keeps it. Never throws. */
  private void publish(Outcome<R> o) {
    try {
      listener.accept(o);
    } catch (Throwable e) {
      try {
        LOG.error("job {}: recording an outcome failed", name, e);
      } catch (Throwable ignored) {
        // logging itself failed (out of memory): the outcome is still kept below
      }
    }
    last = o;
    s.generation.incrementAndGet();
  }

  private void complete(Attempt a, Outcome<R> o) {
    a.done.complete(o);
    if (a.chainNext && delayAfter != null) {
      scheduleNext(o);
    }
  }

  private void scheduleNext(Outcome<R> o) {
    if (s.closed) {
      return;
    }
    Duration d;
    try {
      d = delayAfter.apply(o);
    } catch (Throwable e) {
      LOG.error("job {}: choosing the next delay failed; using the interval", name, e);
      d = Duration.ofNanos(intervalNanos);
    }
    if (d == null) {
      return;
    }
    long ns = Math.max(0, d.toNanos());
    synchronized (this) {
      nextPlanned = System.nanoTime() + ns;
    }
    try {
      s.timer.schedule(this::tick, ns, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    } catch (Throwable e) {
      LOG.error("job {}: could not schedule its next run", name, e);
    }
  }

  private synchronized void clearInFlight(Attempt a) {
    if (inFlight == a) {
      inFlight = null;
    }
  }

  private void cancelTimeout(Attempt a) {
    ScheduledFuture<?> t = a.timeoutTask;
    if (t != null) {
      t.cancel(false);
    }
  }
}
