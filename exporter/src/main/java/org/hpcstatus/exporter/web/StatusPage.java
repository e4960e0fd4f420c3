package org.hpcstatus.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.hpcstatus.exporter.health.HealthChecks;

/**
 * {@code /}: the server-rendered status page — cluster label, each collector's last result and, when
 * service checks are configured, their state and recent failures. No external assets.
 */
public final class StatusPage implements HttpHandler {
  /** Recent failures listed on the status page, newest first, over all services. */
  static final int RECENT_FAILURES = 50;

  private final Supplier<String> cluster;
  private final Supplier<Map<String, String>> collectors;
  private final Supplier<List<HealthChecks.Status>> services;

  /**
   * {@code cluster} is the label value (or why it is not known yet), {@code collectors} name → last result,
   * {@code services} the service checks (empty: no services section).
   */
  public StatusPage(Supplier<String> cluster, Supplier<Map<String, String>> collectors,
                    Supplier<List<HealthChecks.Status>> services) {
    this.cluster = cluster;
    this.collectors = collectors;
    this.services = services;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    Responses.html(ex, 200, render());
  }

  public String render() {
    StringBuilder sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>hpc-status-exporter</title></head><body>")
        .append("<h1>hpc-status-exporter</h1><p>cluster: ").append(esc(cluster.get()))
        .append("</p><p><a href=\"/metrics\">/metrics</a></p><h2>Collectors</h2><ul>");
    collectors.get().forEach((k, v) -> sb.append("<li>").append(esc(k)).append(": ").append(esc(v)).append("</li>"));
    sb.append("</ul>");
    List<HealthChecks.Status> all = services.get();
    if (!all.isEmpty()) {
      services(sb, all);
    }
    return sb.append("</body></html>").toString();
  }

  /**
   * The service checks (issue 3): one row per check and the recent failures from the in-memory history.
   * Read-only and cheap (copies of at most {@code HealthChecks.HISTORY} entries per check). Shows no
   * targets or credentials: messages are credential-free by construction (see {@code Failures}).
   */
  static void services(StringBuilder sb, List<HealthChecks.Status> all) {
    sb.append("<h2>Services</h2><table border=\"1\" cellpadding=\"3\"><tr><th>service</th><th>kind</th><th>up</th>"
        + "<th>last check (UTC)</th><th>duration</th><th>failures in a row</th><th>last failure</th></tr>");
    List<Object[]> failures = new ArrayList<>();
    for (HealthChecks.Status st : all) {
      HealthChecks.HistoryEntry last = st.last();
      HealthChecks.HistoryEntry lastFailure = null;
      for (HealthChecks.HistoryEntry e : st.history()) {
        if (!e.ok()) {
          lastFailure = e;
          failures.add(new Object[] {st, e});
        }
      }
      sb.append("<tr><td>").append(esc(st.service())).append("</td><td>").append(esc(st.kind())).append("</td><td>")
          .append(!st.ran() ? "not checked yet" : st.up() ? "up" : "<b>DOWN</b>").append("</td><td>")
          .append(last == null ? "" : time(last.startedAtMillis())).append("</td><td>")
          .append(last == null ? "" : String.format(Locale.ROOT, "%.3f s", last.durationSeconds())).append("</td><td>")
          .append(st.consecutiveFailures()).append("</td><td>")
          .append(lastFailure == null ? "" : failure(lastFailure)).append("</td></tr>");
    }
    sb.append("</table><h2>Recent failures</h2>");
    if (failures.isEmpty()) {
      sb.append("<p>none in the kept history</p>");
      return;
    }
    failures.sort(Comparator.comparingLong(
        (Object[] f) -> ((HealthChecks.HistoryEntry) f[1]).startedAtMillis()).reversed());
    sb.append("<table border=\"1\" cellpadding=\"3\"><tr><th>time (UTC)</th><th>service</th><th>kind</th>"
        + "<th>reason: message</th></tr>");
    for (Object[] f : failures.subList(0, Math.min(RECENT_FAILURES, failures.size()))) {
      HealthChecks.Status st = (HealthChecks.Status) f[0];
      HealthChecks.HistoryEntry e = (HealthChecks.HistoryEntry) f[1];
      sb.append("<tr><td>").append(time(e.startedAtMillis())).append("</td><td>").append(esc(st.service()))
          .append("</td><td>").append(esc(st.kind())).append("</td><td>").append(failure(e)).append("</td></tr>");
    }
    sb.append("</table>");
  }

  private static String failure(HealthChecks.HistoryEntry e) {
    return "<b>" + esc(e.reason() == null ? "?" : e.reason().label()) + "</b>: " + esc(e.message())
        + " <small>(" + time(e.startedAtMillis()) + ")</small>";
  }

  private static String time(long epochMillis) {
    return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
        Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
