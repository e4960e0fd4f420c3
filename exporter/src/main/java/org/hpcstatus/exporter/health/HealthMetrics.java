package org.hpcstatus.exporter.health;

import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;

/** The metrics every service check emits (labels service, kind). Kind-specific ones live with their check. */
public final class HealthMetrics {
  private HealthMetrics() {}

  public static final MetricDef UP = MetricDef.gauge("service_up",
      "1 if the service is healthy: its last check succeeded or fewer than failure_threshold checks in a row "
          + "failed since the last success; 0 otherwise (also before the first success).", "service", "kind");
  public static final MetricDef SUCCESS = MetricDef.gauge("service_check_success",
      "1 if the last check succeeded, 0 if it failed (raw result, before failure_threshold).", "service", "kind");
  public static final MetricDef DURATION = MetricDef.gauge("service_check_duration_seconds",
      "Duration of the last check (the timeout if it timed out).", "service", "kind");
  public static final MetricDef LATENCY = MetricDef.histogram("service_check_latency_seconds",
      "Distribution of check durations since the exporter started.", "service", "kind");
  public static final MetricDef CHECKS = MetricDef.counter("service_checks_total",
      "Checks run (successful or not).", "service", "kind");
  public static final MetricDef FAILURES = MetricDef.counter("service_check_failures_total",
      "Failed checks by reason: timeout, refused, dns, tls, auth, http_status, protocol, unhealthy.",
      "service", "kind", "reason");
  public static final MetricDef CONSECUTIVE_FAILURES = MetricDef.gauge("service_check_consecutive_failures",
      "Failed checks in a row; service_up turns 0 when this reaches failure_threshold.", "service", "kind");
  public static final MetricDef FAILURE_THRESHOLD = MetricDef.gauge("service_check_failure_threshold",
      "Configured consecutive failures before service_up turns 0.", "service", "kind");
  public static final MetricDef INTERVAL = MetricDef.gauge("service_check_interval_seconds",
      "Configured check interval.", "service", "kind");
  public static final MetricDef LAST_CHECK = MetricDef.gauge("service_last_check_timestamp_seconds",
      "Unix time the last check finished.", "service", "kind");
  public static final MetricDef LAST_SUCCESS = MetricDef.gauge("service_last_success_timestamp_seconds",
      "Unix time of the last successful check (absent before the first).", "service", "kind");
  public static final MetricDef INFO = MetricDef.info("service_info",
      "Version the service reports (from its last successful check).", "service", "kind", "version");
  public static final MetricDef TLS_EXPIRY = MetricDef.gauge("service_tls_cert_expiry_timestamp_seconds",
      "Unix time the service's TLS certificate (leaf) expires, as seen by the last successful check.",
      "service", "kind");

  /** Bucket bounds of {@link #LATENCY}. */
  public static final double[] LATENCY_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
      5, 10, 30};

  public static List<MetricDef> common() {
    return List.of(UP, SUCCESS, DURATION, LATENCY, CHECKS, FAILURES, CONSECUTIVE_FAILURES, FAILURE_THRESHOLD,
        INTERVAL, LAST_CHECK, LAST_SUCCESS, INFO, TLS_EXPIRY);
  }

  /** Common metrics plus every kind's specific metrics: for docs/metrics.md. */
  public static List<MetricDef> all() {
    List<MetricDef> all = new ArrayList<>(common());
    all.addAll(org.hpcstatus.exporter.health.kinds.Kinds.metrics());
    return all;
  }
}
