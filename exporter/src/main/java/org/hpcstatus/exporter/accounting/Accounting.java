package org.hpcstatus.exporter.accounting;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.hpcstatus.exporter.core.ClusterName;
import org.hpcstatus.exporter.core.CommandRunner;
import org.hpcstatus.exporter.core.ScheduledJob;
import org.hpcstatus.exporter.core.Scheduler;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounting service inside {@code serve}: a background job (one {@link Scheduler} job with a fixed
 * delay chosen after each step) that runs {@link AccountingEngine} steps — every {@code interval} when
 * caught up, back to back (paced by the sacct rate limit) while a backfill or rebuild is pending, and with
 * exponential backoff (30 s doubling up to {@code max_backoff}) after failures. {@link #snapshots()} only
 * returns the last rendered result: it is on the scrape path.
 */
public final class Accounting implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Accounting.class);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);
  /** How often to look again while the cluster name is not known yet. */
  static final Duration WAIT_FOR_CLUSTER = Duration.ofSeconds(10);

  private final AccountingConfig config;
  private final Supplier<String> cluster;
  private final SelfMetrics self;
  private final Path root;
  private final SacctSource source;
  private final RateLimiter limiter;
  private final Clock clock = Clock.systemUTC();
  private volatile List<MetricSnapshot> snapshots = List.of();
  private final Scheduler scheduler = new Scheduler("accounting");
  private volatile boolean closed;
  private ScheduledJob<Duration> job;
  // touched by the job only (one step at a time)
  private StateStore store;
  private AccountingEngine engine;
  private boolean lastOk = true;
  private double lastSuccess;
  private Duration backoff;
  /** {@link #FIRST_BACKOFF}; shorter in tests. */
  Duration firstBackoff = FIRST_BACKOFF;

  Accounting(AccountingConfig config, Supplier<String> cluster, SacctSource source, SelfMetrics self) {
    this.config = config;
    this.cluster = cluster;
    this.self = self;
    this.root = Path.of(config.stateDir());
    this.source = source;
    this.limiter = RateLimiter.realTime(config.minCallSpacing());
  }

  /**
   * The service for {@code serve}, reading sacct through {@code sacct} (the runner with the sacct timeout
   * and output cap). Whether accounting is on and usable here is decided by the caller (the wiring).
   */
  public static Accounting create(AccountingConfig config, ClusterName cluster, CommandRunner sacct,
                                  SelfMetrics self) {
    self.registerCollector("accounting");
    // resolve() may run scontrol: fine here, the accounting thread is off the scrape path
    return new Accounting(config, cluster::resolve, SacctSource.of(sacct), self);
  }

  /** Starts the background job. The state lock is taken there, once the cluster name is known. */
  public synchronized Accounting start() {
    if (job == null && !closed) {
      backoff = firstBackoff;
      job = scheduler.job("accounting", this::step)
          .every(config.interval())
          .delayAfter(this::after)
          .build()
          .start(Duration.ZERO);
    }
    return this;
  }

  public List<MetricSnapshot> snapshots() {
    return snapshots;
  }

  /** Changes whenever {@link #snapshots()} may have (the /metrics cache key). */
  public long generation() {
    return scheduler.generation();
  }

  /** One step; returns the delay until the next. Failures are handled by {@link #after}. */
  private Duration step() throws Exception {
    if (engine == null && !open()) {
      return WAIT_FOR_CLUSTER;
    }
    AccountingEngine.StepResult r = engine.step();
    if (r.malformed() > 0) {
      self.parseErrors("accounting", (int) Math.min(Integer.MAX_VALUE, r.malformed()));
    }
    LOG.debug("accounting {} {}..{}: {} rows, {} new jobs", r.kind(), r.from(), r.to(), r.rows(), r.counted());
    if (!lastOk) {
      LOG.info("accounting recovered");
    }
    lastOk = true;
    lastSuccess = clock.millis() / 1000.0;
    backoff = firstBackoff;
    render();
    return engine.catchingUp() ? Duration.ZERO : config.interval();
  }

  /** The delay after a step's outcome (null: stop, on shutdown); records and renders failures. */
  private Duration after(Scheduler.Outcome<Duration> o) {
    if (closed) {
      return null;
    }
    if (o.ok()) {
      return o.value();
    }
    Throwable e = o.error();
    Duration wait;
    if (e instanceof StateLockedException) {
      LOG.error("accounting: {}", e.getMessage());
      wait = config.maxBackoff();
    } else {
      // Anything else — sacct failures, I/O errors, bugs, and Errors such as OutOfMemoryError or
      // StackOverflowError — must not end the loop: hpcstatus_accounting_success would stay frozen at its
      // last value. Record the failure, re-render, back off, retry (the engine reloads its committed state
      // before the next step). Only shutdown ends the loop.
      if (e instanceof Error) {
        LOG.error("accounting step failed with {}, retrying in {}s", e, backoff.toSeconds(), e);
      } else if (lastOk) {
        // e.toString(): as the last argument a Throwable is taken as the stack trace, leaving "{}" in the text
        LOG.warn("accounting step failed, retrying in {}s: {}", backoff.toSeconds(), e.toString());
      }
      wait = backoff;
      backoff = backoff.multipliedBy(2).compareTo(config.maxBackoff()) > 0 ? config.maxBackoff()
          : backoff.multipliedBy(2);
    }
    lastOk = false;
    render();
    return wait;
  }

  private boolean open() throws IOException {
    String c = cluster.get();
    if (c == null || c.equals(ClusterName.UNKNOWN)) {
      LOG.debug("accounting waits for the cluster name");
      return false;
    }
    store = StateStore.open(root, c);
    try {
      engine = new AccountingEngine(store, source, config, clock, limiter);
      engine.state().cluster = c;
    } catch (IOException | RuntimeException e) {
      store.close();
      store = null;
      throw e;
    }
    LOG.info("accounting state in {} (cursor {}, {} jobs counted)", store.dir(), engine.state().cursor,
        engine.state().totals.jobCount());
    return true;
  }

  private void render() {
    if (engine == null || engine.isStale()) {
      // not open yet (cluster name unknown, state dir locked …), or a failed step could not be rolled back to
      // the last commit yet: show that accounting is not working, never half-counted totals
      snapshots = AccountingMetrics.renderHealthOnly(cluster.get(),
          new AccountingMetrics.Health(lastOk, lastSuccess, false));
      return;
    }
    try {
      long today = Math.floorDiv(clock.instant().getEpochSecond(), 86400L);
      snapshots = AccountingMetrics.render(engine.state(), cluster.get(), today,
          new AccountingMetrics.Health(lastOk, lastSuccess, engine.catchingUp()));
    } catch (Throwable e) {
      // e.g. OutOfMemoryError: keep the loop alive and show the failure rather than stale "success"
      LOG.error("accounting: rendering metrics failed", e);
      lastOk = false;
      try {
        snapshots = AccountingMetrics.renderHealthOnly(cluster.get(),
            new AccountingMetrics.Health(false, lastSuccess, engine.catchingUp()));
      } catch (Throwable ignored) {
        // nothing more we can do until the next tick
      }
    }
  }

  /**
   * Stops the job and releases the state lock only after a running step has ended (interrupted: its sacct
   * is killed), so that a successor — a config reload's new engine, or the next process — never opens the
   * state while this one could still commit (docs/accounting.md, "Exactly once").
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (!scheduler.close(Duration.ofSeconds(10))) { // interrupts a running step and waits for it
      LOG.warn("accounting: the running step has not ended 10s after it was interrupted; waiting up to 60s more"
          + " before releasing the state lock");
      if (!scheduler.awaitTermination(Duration.ofSeconds(60))) {
        LOG.error("accounting: the running step still has not ended; releasing the state lock (it can no longer"
            + " commit: commits need the lock)");
      }
    }
    if (store != null) {
      store.close();
    }
  }
}
