package org.hpcstatus.exporter.web.security;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;

/** Metrics of the web layer's security: failed authentications and whether the last web-config reload worked. */
public final class WebMetrics {
  public static final MetricDef AUTH_FAILURES = MetricDef.counter("hpcstatus_web_auth_failures_total",
      "HTTP requests or TLS handshakes refused by the web-config security, by reason (missing_credentials, "
          + "malformed_credentials, invalid_credentials, client_certificate).", "reason");
  public static final MetricDef RELOAD_SUCCESS = MetricDef.gauge("hpcstatus_web_config_last_reload_successful",
      "1 if the web config file (--web.config.file) and its TLS files were loaded on the last change, "
          + "0 if the last change was refused and the previous config is still in use.");

  static final List<String> REASONS = List.of("missing_credentials", "malformed_credentials", "invalid_credentials",
      "client_certificate");

  private final Map<String, LongAdder> failures = new LinkedHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean reloadOk = true;

  public WebMetrics() {
    REASONS.forEach(r -> failures.put(r, new LongAdder()));
  }

  public static List<MetricDef> metrics() {
    return List.of(AUTH_FAILURES, RELOAD_SUCCESS);
  }

  void authFailure(String reason) {
    LongAdder a = failures.get(reason);
    if (a == null) {
      throw new IllegalArgumentException("unknown reason " + reason);
    }
    a.increment();
    generation.incrementAndGet();
  }

  void reload(boolean ok) {
    if (reloadOk != ok) {
      reloadOk = ok;
      generation.incrementAndGet();
    }
  }

  public long authFailures(String reason) {
    return failures.get(reason).sum();
  }

  public boolean lastReloadSuccessful() {
    return reloadOk;
  }

  /** Changes whenever {@link #snapshots} may have (for the exposition cache). */
  public long generation() {
    return generation.get();
  }

  public List<MetricSnapshot> snapshots(String cluster) {
    Out out = new Out(cluster);
    Out.Family f = out.family(AUTH_FAILURES);
    failures.forEach((reason, n) -> f.set(n.sum(), reason));
    out.family(RELOAD_SUCCESS).set(reloadOk ? 1 : 0);
    return out.build();
  }
}
