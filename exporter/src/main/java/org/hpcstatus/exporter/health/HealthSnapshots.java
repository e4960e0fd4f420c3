package org.hpcstatus.exporter.health;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders the recorded check states as metrics (the scrape path: reads state only, never runs a check). */
final class HealthSnapshots {
  private static final Logger LOG = LoggerFactory.getLogger(HealthSnapshots.class);

  private HealthSnapshots() {}

  /** Never throws for one bad sample; {@code defs} holds the checks' own metric definitions by name. */
  static List<MetricSnapshot> render(Collection<CheckState> states, String cluster, Map<String, MetricDef> defs) {
    if (states.isEmpty()) {
      return List.of(); // no service_* families at all when no services are configured
    }
    Out out = new Out(cluster);
    Out.Family up = out.family(HealthMetrics.UP);
    Out.Family success = out.family(HealthMetrics.SUCCESS);
    Out.Family duration = out.family(HealthMetrics.DURATION);
    Out.Histogram latency = out.histogram(HealthMetrics.LATENCY, HealthMetrics.LATENCY_BOUNDS);
    Out.Family checks = out.family(HealthMetrics.CHECKS);
    Out.Family failures = out.family(HealthMetrics.FAILURES);
    Out.Family consecutive = out.family(HealthMetrics.CONSECUTIVE_FAILURES);
    Out.Family threshold = out.family(HealthMetrics.FAILURE_THRESHOLD);
    Out.Family interval = out.family(HealthMetrics.INTERVAL);
    Out.Family lastCheck = out.family(HealthMetrics.LAST_CHECK);
    Out.Family lastSuccess = out.family(HealthMetrics.LAST_SUCCESS);
    Out.Family info = out.family(HealthMetrics.INFO);
    Out.Family tls = out.family(HealthMetrics.TLS_EXPIRY);
    for (CheckState st : states) {
      String s = st.cfg.name();
      String k = st.cfg.kind();
      threshold.set(st.cfg.failureThreshold(), s, k);
      interval.set(st.cfg.interval().toMillis() / 1000.0, s, k);
      checks.add(0, s, k);
      for (Reason r : Reason.values()) {
        failures.add(0, s, k, r.label());
      }
      synchronized (st) {
        if (!st.ran) {
          continue;
        }
        up.set(st.up() ? 1 : 0, s, k);
        success.set(st.lastOk ? 1 : 0, s, k);
        duration.set(st.lastDuration, s, k);
        latency.addBuckets(st.latencyCounts.clone(), st.latencySum, s, k);
        checks.set(st.checks, s, k);
        for (Reason r : Reason.values()) {
          failures.set(st.failures[r.ordinal()], s, k, r.label());
        }
        consecutive.set(st.consecutiveFailures, s, k);
        lastCheck.set(st.lastFinished, s, k);
        if (st.everOk) {
          lastSuccess.set(st.lastSuccess, s, k);
        }
        if (st.version != null && st.lastOk) {
          info.set(1, s, k, st.version);
        }
        if (st.tlsExpiry != null && st.lastOk) {
          tls.set(st.tlsExpiry, s, k);
        }
        samples(out, st, defs);
      }
    }
    return out.build();
  }

  private static void samples(Out out, CheckState st, Map<String, MetricDef> defs) {
    String s = st.cfg.name();
    for (CheckResult.Sample sample : st.samples) {
      try {
        MetricDef def = defs.getOrDefault(sample.def().name(), sample.def());
        String[] labels = new String[sample.labels().size() + 2];
        labels[0] = s;
        labels[1] = st.cfg.kind();
        for (int i = 0; i < sample.labels().size(); i++) {
          labels[i + 2] = sample.labels().get(i);
        }
        if (def.type() == MetricDef.Type.INFO) {
          out.family(def).set(1, labels);
        } else {
          out.family(def).set(sample.value(), labels);
        }
      } catch (RuntimeException e) {
        LOG.error("service {}: dropping bad sample of {}", s, sample.def().name(), e);
      }
    }
  }
}
