package org.hpcstatus.exporter.cli;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.config.Config;
import org.hpcstatus.exporter.health.HealthChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Polls in the background and serves the last results on /metrics. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve /metrics (default).")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin
  CommonOptions options;

  @Override
  public Integer call() throws Exception {
    Config config = options.load();
    ListenAddress addr = ListenAddress.parse("/web/listen_address", config.web().listenAddress());
    Exporter exporter = new Exporter(config);
    // listen first, then start polling: /metrics answers at once (self-metrics, then data as it comes)
    HTTPServer server = exporter.serve(addr.host(), addr.port());
    exporter.start();
    LOG.info("hpc-status-exporter {} serving on {}:{} (cluster={})", exporter.self().version(),
        addr.host() == null ? "*" : addr.host(), server.getPort(), exporter.cluster());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      exporter.close();
      stop.countDown();
    }, "shutdown"));
    stop.await();
    return 0;
  }

  /** Recent failures listed on the status page, newest first, over all services. */
  static final int RECENT_FAILURES = 50;

  public static String landingPage(Exporter exporter) {
    StringBuilder sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\">"
        + "<title>hpc-status-exporter</title></head><body>")
        .append("<h1>hpc-status-exporter</h1><p>cluster: ").append(esc(exporter.cluster()))
        .append("</p><p><a href=\"/metrics\">/metrics</a></p><h2>Collectors</h2><ul>");
    exporter.status().forEach((k, v) -> sb.append("<li>").append(esc(k)).append(": ").append(esc(v)).append("</li>"));
    sb.append("</ul>");
    if (!exporter.healthChecks().isEmpty()) {
      services(sb, exporter.healthChecks().status());
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
