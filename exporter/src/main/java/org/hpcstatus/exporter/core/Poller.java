package org.hpcstatus.exporter.core;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every enabled collector on its own interval in the background and keeps the last result of
 * each. Scrapes only read these results, so their cost does not depend on Slurm, and N Prometheus
 * servers cause exactly the Slurm load of one.
 */
public final class Poller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Poller.class);

  public static final MetricDef SUCCESS = MetricDef.gauge("hpcstatus_collector_success",
      "1 if the collector's last run succeeded, 0 if it failed (its metrics are then absent).", "collector");
  public static final MetricDef DURATION = MetricDef.gauge("hpcstatus_collector_duration_seconds",
      "Wall time of the collector's last run in the background poller.", "collector");
  public static final MetricDef LAST_SUCCESS = MetricDef.gauge("hpcstatus_collector_last_success_timestamp_seconds",
      "Unix time of the collector's last successful run (0 if none yet).", "collector");
  public static final MetricDef INTERVAL = MetricDef.gauge("hpcstatus_collector_interval_seconds",
      "Configured poll interval of the collector.", "collector");

  public static List<MetricDef> metrics() {
    return List.of(SUCCESS, DURATION, LAST_SUCCESS, INTERVAL);
  }

  /** A collector with its poll interval. */
  public record Scheduled(Collector collector, Duration interval) {}

  private static final class State {
    final Scheduled s;
    ScheduledJob<List<MetricSnapshot>> job;
    volatile List<MetricSnapshot> snapshots = List.of();
    volatile boolean ran;
    volatile boolean success;
    volatile double duration;
    volatile double lastSuccess;
    volatile String lastError;
    int consecutiveFailures; // only touched by the job's listener, one run at a time

    State(Scheduled s) {
      this.s = s;
    }
  }

  private final Map<String, State> states = new LinkedHashMap<>();
  private final SourceCache sources;
  private final ClusterName cluster;
  private final SelfMetrics self;
  private final Scheduler scheduler = new Scheduler("poller");
  private boolean started;

  public Poller(List<Scheduled> collectors, SourceCache sources, ClusterName cluster, SelfMetrics self) {
    this.sources = sources;
    this.cluster = cluster;
    this.self = self;
    for (Scheduled s : collectors) {
      State st = new State(s);
      if (states.put(s.collector().name(), st) != null) {
        throw new IllegalArgumentException("collector " + s.collector().name() + " listed twice");
      }
      self.registerCollector(s.collector().name());
      // fixed delay: the next run starts one interval after this one ended; commands bound themselves
      st.job = scheduler.job(s.collector().name(), () -> collect(st))
          .every(s.interval())
          .onOutcome(o -> record(st, o))
          .delayAfter(o -> s.interval())
          .build();
    }
  }

  /** Starts background polling; each collector runs at once and then every interval. */
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    for (State st : states.values()) {
      st.job.start(Duration.ZERO);
    }
  }

  /** Runs every collector once, now, on the calling thread (print-metrics, tests). */
  public void runAllOnce() {
    for (State st : states.values()) {
      st.job.runHere();
    }
  }

  /** Runs one collector now (tests). */
  public void runOnce(String collector) {
    State st = states.get(collector);
    if (st == null) {
      throw new IllegalArgumentException("no collector " + collector);
    }
    st.job.runHere();
  }

  private List<MetricSnapshot> collect(State st) throws Exception {
    Out out = new Out(cluster.resolve());
    st.s.collector().collect(new CollectContext(sources, st.s.interval()), out);
    try {
      return out.build();
    } catch (RuntimeException e) {
      throw new IllegalStateException("building snapshots: " + e, e);
    }
  }

  /**
   * One run's outcome. Anything the collector threw, Errors included, fails only this run (the scheduler
   * never lets a throwable end the schedule while the last snapshot kept being served).
   */
  private void record(State st, Scheduler.Outcome<List<MetricSnapshot>> o) {
    boolean ok = o.ok();
    String error = ok ? null : o.error() == null ? o.status().toString()
        : o.error().getMessage() == null ? o.error().toString() : o.error().getMessage();
    st.duration = o.seconds();
    st.ran = true;
    st.success = ok;
    st.snapshots = ok ? o.value() : List.of();
    st.lastError = error;
    if (ok) {
      st.lastSuccess = System.currentTimeMillis() / 1000.0;
      if (st.consecutiveFailures > 0) {
        LOG.info("collector {} recovered after {} failed run(s)", st.s.collector().name(), st.consecutiveFailures);
      }
      st.consecutiveFailures = 0;
    } else {
      st.consecutiveFailures++;
      // log the first failure and then every 20th, so a long outage does not flood the log
      if (st.consecutiveFailures == 1 || st.consecutiveFailures % 20 == 0) {
        LOG.warn("collector {} failed ({} in a row): {}", st.s.collector().name(), st.consecutiveFailures, error);
      }
    }
  }

  /** Changes after every collector run (its snapshots and the self-metrics it touched). */
  public long generation() {
    return scheduler.generation();
  }

  /** Last results of all collectors plus the poller's own metrics. Cheap: no command runs here. */
  public List<MetricSnapshot> snapshots() {
    List<MetricSnapshot> all = new ArrayList<>();
    Out out = new Out(cluster.get());
    Out.Family success = out.family(SUCCESS);
    Out.Family duration = out.family(DURATION);
    Out.Family last = out.family(LAST_SUCCESS);
    Out.Family interval = out.family(INTERVAL);
    for (State st : states.values()) {
      String name = st.s.collector().name();
      all.addAll(st.snapshots);
      if (st.ran) {
        success.set(st.success ? 1 : 0, name);
        duration.set(st.duration, name);
      }
      last.set(st.lastSuccess, name);
      interval.set(st.s.interval().toMillis() / 1000.0, name);
    }
    self.emit(out);
    all.addAll(out.build());
    return all;
  }

  /** For probes and the status page: name → (ran, success, last error). */
  public Map<String, String> statusLines() {
    Map<String, String> m = new LinkedHashMap<>();
    for (State st : states.values()) {
      m.put(st.s.collector().name(), !st.ran ? "not run yet" : st.success ? "ok" : "FAILED: " + st.lastError);
    }
    return m;
  }

  /** Whether every collector has finished at least one run (a config reload waits for this: no gap). */
  public boolean allRan() {
    return states.values().stream().allMatch(st -> st.ran);
  }

  public boolean lastRunSucceeded(String collector) {
    State st = states.get(collector);
    return st != null && st.ran && st.success;
  }

  @Override
  public void close() {
    scheduler.close();
  }

  public static Duration clampInterval(Duration d) {
    return d.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : d;
  }
}
