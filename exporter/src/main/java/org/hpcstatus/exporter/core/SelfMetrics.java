package org.hpcstatus.exporter.core;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The exporter's metrics about itself: command durations and failures, parse errors, build info.
 * Per-collector success/duration/last-success come from the {@link Poller}, which owns that state.
 */
public final class SelfMetrics {

  public static final MetricDef COMMAND_DURATION = MetricDef.histogram("hpcstatus_command_duration_seconds",
      "Wall time of external commands run by the exporter (Slurm CLI calls), by command.", "command");
  public static final MetricDef COMMAND_FAILURES = MetricDef.counter("hpcstatus_command_failures_total",
      "External commands that failed, by command and reason (not_found, timeout, exit_code, output_too_large, io_error, parse: the reader of a streamed output failed).",
      "command", "reason");
  public static final MetricDef PARSE_ERRORS = MetricDef.counter("hpcstatus_parse_errors_total",
      "Lines or records of command output that could not be parsed and were skipped, by collector.", "collector");
  public static final MetricDef BUILD_INFO = MetricDef.info("hpcstatus_exporter_build_info",
      "Version and source revision of the running exporter.", "version", "revision");

  static final double[] COMMAND_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  private final Map<String, CommandStats> commands = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> failures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> parseErrors = new ConcurrentHashMap<>();
  private final String version;
  private final String revision;

  public SelfMetrics() {
    Properties p = new Properties();
    try (InputStream in = SelfMetrics.class.getResourceAsStream("/hpcstatus-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException ignored) {
      // build info stays "unknown"
    }
    this.version = clean(p.getProperty("version"));
    this.revision = clean(p.getProperty("revision"));
  }

  private static String clean(String s) {
    return s == null || s.isBlank() || s.startsWith("${") ? "unknown" : s.trim();
  }

  public String version() {
    return version;
  }

  public static List<MetricDef> metrics() {
    return List.of(COMMAND_DURATION, COMMAND_FAILURES, PARSE_ERRORS, BUILD_INFO);
  }

  void commandFinished(String command, Duration d, CommandException.Reason failure) {
    commands.computeIfAbsent(command, k -> new CommandStats()).observe(d.toNanos() / 1e9);
    if (failure != null) {
      failures.computeIfAbsent(List.of(command, failure.label), k -> new LongAdder()).increment();
    }
  }

  public void parseErrors(String collector, int n) {
    LongAdder a = parseErrors.computeIfAbsent(collector, k -> new LongAdder());
    a.add(n);
  }

  /** Makes the parse-error series exist at 0 for a collector, so rate() works from the start. */
  public void registerCollector(String collector) {
    parseErrors.computeIfAbsent(collector, k -> new LongAdder());
  }

  public long parseErrorCount(String collector) {
    LongAdder a = parseErrors.get(collector);
    return a == null ? 0 : a.sum();
  }

  public long failureCount(String command, String reason) {
    LongAdder a = failures.get(List.of(command, reason));
    return a == null ? 0 : a.sum();
  }

  void emit(Out out) {
    out.family(BUILD_INFO).set(1, version, revision);
    Out.Histogram h = out.histogram(COMMAND_DURATION, COMMAND_BUCKETS);
    commands.forEach((cmd, s) -> s.emit(h, cmd));
    Out.Family f = out.family(COMMAND_FAILURES);
    failures.forEach((k, v) -> f.set(v.sum(), k.get(0), k.get(1)));
    Out.Family p = out.family(PARSE_ERRORS);
    parseErrors.forEach((k, v) -> p.set(v.sum(), k));
  }

  private static final class CommandStats {
    final AtomicLongArray buckets = new AtomicLongArray(COMMAND_BUCKETS.length + 1);
    final DoubleAdder sum = new DoubleAdder();

    void observe(double seconds) {
      int i = 0;
      while (i < COMMAND_BUCKETS.length && seconds > COMMAND_BUCKETS[i]) {
        i++;
      }
      buckets.incrementAndGet(i);
      sum.add(seconds);
    }

    void emit(Out.Histogram h, String cmd) {
      long[] c = new long[buckets.length()];
      for (int i = 0; i < c.length; i++) {
        c[i] = buckets.get(i);
      }
      h.addBuckets(c, sum.sum(), cmd);
    }
  }
}
