package org.hpcstatus.exporter.core;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether the last reload of the config file (SIGHUP or {@code POST /-/reload}) worked, as Prometheus and
 * blackbox_exporter expose it: a failed reload keeps the previous config running, so without these
 * metrics nobody would notice that the file on disk is not what runs.
 */
public final class ConfigReloadMetrics {
  public static final MetricDef LAST_RELOAD_SUCCESSFUL = MetricDef.gauge("hpcstatus_config_last_reload_successful",
      "1 if the last load of the config file (the start, SIGHUP or POST /-/reload) succeeded, 0 if the last "
          + "reload failed and the previous config is still running.");
  public static final MetricDef LAST_RELOAD_SUCCESS_TIME = MetricDef.gauge(
      "hpcstatus_config_last_reload_success_timestamp_seconds",
      "Unix time of the last successful load of the config file (the start, or the last successful reload).");
  public static final MetricDef RELOADS = MetricDef.counter("hpcstatus_config_reloads_total",
      "Reloads of the config file since the start (SIGHUP or POST /-/reload), by result (success, failure).",
      "result");

  private final LongAdder successes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean lastOk = true;
  private volatile double lastSuccessSeconds;

  /** The config was loaded at {@code epochMillis} (the start). */
  public ConfigReloadMetrics(long epochMillis) {
    this.lastSuccessSeconds = epochMillis / 1000.0;
  }

  public static List<MetricDef> metrics() {
    return List.of(LAST_RELOAD_SUCCESSFUL, LAST_RELOAD_SUCCESS_TIME, RELOADS);
  }

  /** Records one reload's result. */
  public void reloaded(boolean ok, long epochMillis) {
    if (ok) {
      successes.increment();
      lastSuccessSeconds = epochMillis / 1000.0;
    } else {
      failures.increment();
    }
    lastOk = ok;
    generation.incrementAndGet();
  }

  public boolean lastReloadSuccessful() {
    return lastOk;
  }

  /** Changes whenever {@link #snapshots} may have (for the exposition cache). */
  public long generation() {
    return generation.get();
  }

  public List<MetricSnapshot> snapshots(String cluster) {
    Out out = new Out(cluster);
    out.family(LAST_RELOAD_SUCCESSFUL).set(lastOk ? 1 : 0);
    out.family(LAST_RELOAD_SUCCESS_TIME).set(lastSuccessSeconds);
    Out.Family r = out.family(RELOADS);
    r.set(successes.sum(), "success");
    r.set(failures.sum(), "failure");
    return out.build();
  }
}
