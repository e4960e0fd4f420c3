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
import org.hpcstatus.exporter.core.SelfMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounting service inside {@code serve}: a background thread that runs {@link AccountingEngine}
 * steps — every {@code interval} when caught up, back to back (paced by the sacct rate limit) while a
 * backfill or rebuild is pending, and with exponential backoff (30 s doubling up to {@code max_backoff})
 * after failures. {@link #snapshots()} only returns the last rendered result: it is on the scrape path.
 */
public final class Accounting implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Accounting.class);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);

  private final AccountingConfig config;
  private final Supplier<String> cluster;
  private final SelfMetrics self;
  private final Path root;
  private final SacctSource source;
  private final RateLimiter limiter;
  private final Clock clock = Clock.systemUTC();
  private volatile List<MetricSnapshot> snapshots = List.of();
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean closed;
  private Thread thread;
  private StateStore store;
  private AccountingEngine engine;
  private boolean lastOk = true;
  private double lastSuccess;
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

  /** Starts the background thread. The state lock is taken there, once the cluster name is known. */
  public synchronized Accounting start() {
    if (thread == null) {
      thread = new Thread(this::run, "accounting");
      thread.setDaemon(true);
      thread.start();
    }
    return this;
  }

  public List<MetricSnapshot> snapshots() {
    return snapshots;
  }

  /** Changes whenever {@link #snapshots()} may have (the /metrics cache key). */
  public long generation() {
    return generation.get();
  }

  private void run() {
    Duration backoff = firstBackoff;
    while (!closed) {
      Duration wait;
      try {
        if (engine == null && !open()) {
          sleep(Duration.ofSeconds(10));
          continue;
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
        wait = engine.catchingUp() ? Duration.ZERO : config.interval();
      } catch (InterruptedException e) {
        break;
      } catch (StateLockedException e) {
        LOG.error("accounting: {}", e.getMessage());
        lastOk = false;
        wait = config.maxBackoff();
      } catch (Throwable e) {
        // Anything else — sacct failures, I/O errors, bugs, and Errors such as OutOfMemoryError or
        // StackOverflowError — must not end this thread: a dead thread would leave
        // hpcstatus_accounting_success frozen at its last value. Record the failure, re-render, back off,
        // retry (the engine reloads its committed state before the next step). Only shutdown ends the loop.
        if (closed) {
          break;
        }
        if (e instanceof Error) {
          LOG.error("accounting step failed with {}, retrying in {}s", e, backoff.toSeconds(), e);
        } else if (lastOk) {
          LOG.warn("accounting step failed, retrying in {}s: {}", backoff.toSeconds(), e.toString());
        }
        lastOk = false;
        wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(config.maxBackoff()) > 0 ? config.maxBackoff()
            : backoff.multipliedBy(2);
      }
      render();
      if (!sleep(wait)) {
        break;
      }
    }
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
      generation.incrementAndGet();
      return;
    }
    try {
      long today = Math.floorDiv(clock.instant().getEpochSecond(), 86400L);
      snapshots = AccountingMetrics.render(engine.state(), cluster.get(), today,
          new AccountingMetrics.Health(lastOk, lastSuccess, engine.catchingUp()));
      generation.incrementAndGet();
    } catch (Throwable e) {
      // e.g. OutOfMemoryError: keep the loop alive and show the failure rather than stale "success"
      LOG.error("accounting: rendering metrics failed", e);
      lastOk = false;
      try {
        snapshots = AccountingMetrics.renderHealthOnly(cluster.get(),
            new AccountingMetrics.Health(false, lastSuccess, engine.catchingUp()));
        generation.incrementAndGet();
      } catch (Throwable ignored) {
        // nothing more we can do until the next tick
      }
    }
  }

  private boolean sleep(Duration d) {
    try {
      Thread.sleep(Math.max(0, d.toMillis()));
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (store != null) {
      store.close();
    }
  }
}
