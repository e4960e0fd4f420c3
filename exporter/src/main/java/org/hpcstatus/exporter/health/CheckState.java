package org.hpcstatus.exporter.health;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The state of one service check, built from its recorded results: up with the consecutive-failure
 * threshold (so one failed check does not flap {@code service_up}), counters for the metrics, the last
 * result's details and a bounded history. Thread-safe: every access holds this object's lock.
 */
final class CheckState {
  /** Whether {@code up} changed with a recorded result. */
  enum Change { NONE, WENT_UP, WENT_DOWN }

  final ServiceCheckConfig cfg;
  final Check check;
  // guarded by this
  boolean ran;
  boolean lastOk;
  boolean everOk;
  int consecutiveFailures;
  long checks;
  final long[] failures = new long[Reason.values().length];
  double lastDuration;
  double lastFinished;
  double lastSuccess;
  final long[] latencyCounts = new long[HealthMetrics.LATENCY_BOUNDS.length + 1];
  double latencySum;
  String version;
  Double tlsExpiry;
  List<CheckResult.Sample> samples = List.of();
  private final ArrayDeque<HealthChecks.HistoryEntry> history = new ArrayDeque<>();
  private HealthChecks.HistoryEntry lastFailure;
  private long sinceMillis;
  private long transitions;

  CheckState(ServiceCheckConfig cfg, Check check) {
    this.cfg = cfg;
    this.check = check;
  }

  synchronized boolean up() {
    return everOk && consecutiveFailures < cfg.failureThreshold();
  }

  /** Applies one result ({@code result} null for a failure) and says whether {@code up} changed. */
  synchronized Change record(HealthChecks.HistoryEntry e, CheckResult result) {
    boolean wasUp = up();
    ran = true;
    checks++;
    lastOk = e.ok();
    lastDuration = e.durationSeconds();
    lastFinished = System.currentTimeMillis() / 1000.0;
    latencySum += e.durationSeconds();
    latencyCounts[bucket(e.durationSeconds())]++;
    if (e.ok()) {
      everOk = true;
      consecutiveFailures = 0;
      lastSuccess = lastFinished;
      version = result.version();
      tlsExpiry = result.tlsExpiry();
      samples = result.samples();
    } else {
      consecutiveFailures++;
      failures[e.reason().ordinal()]++;
      samples = List.of();
      lastFailure = e;
    }
    history.addLast(e);
    while (history.size() > HealthChecks.HISTORY) {
      history.removeFirst();
    }
    boolean isUp = up();
    if (checks == 1 || wasUp != isUp) {
      sinceMillis = e.startedAtMillis();
    }
    if (wasUp == isUp) {
      return Change.NONE;
    }
    transitions++;
    return isUp ? Change.WENT_UP : Change.WENT_DOWN;
  }

  synchronized HealthChecks.Status status(long generation) {
    return new HealthChecks.Status(cfg.name(), cfg.kind(), up(), ran, consecutiveFailures, version,
        List.copyOf(history), cfg.failureThreshold(), sinceMillis, transitions, lastFailure, generation);
  }

  private static int bucket(double v) {
    double[] b = HealthMetrics.LATENCY_BOUNDS;
    for (int i = 0; i < b.length; i++) {
      if (v <= b[i]) {
        return i;
      }
    }
    return b.length;
  }
}
