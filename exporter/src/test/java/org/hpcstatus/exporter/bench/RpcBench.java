package org.hpcstatus.exporter.bench;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.core.CommandRunner;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.slurm.scheduler.Sdiag;
import org.hpcstatus.exporter.slurm.scheduler.SdiagParser;

/**
 * slurmctld RPCs caused by the exporter, read from sdiag's per-message-type table (run as a user
 * that nothing else uses, or on a quiet testbed: the table is global). Two measurements:
 * <ol>
 *   <li>{@code refresh}: N refreshes of the fast state (nodes + partitions + jobs collectors);</li>
 *   <li>{@code steady}: the full default configuration, background-polled for M seconds (after the
 *       start-up round) while a client scrapes /metrics 10 times a second (so scrapes are shown to add
 *       nothing).</li>
 * </ol>
 * Usage: RpcBench [refreshes] [steadySeconds]
 */
public final class RpcBench {
  static final CommandRunner RUN = new CommandRunner(null, Duration.ofSeconds(10), 64 << 20, new SelfMetrics());
  static final List<String> OURS = List.of("REQUEST_NODE_INFO", "REQUEST_PARTITION_INFO", "REQUEST_JOB_INFO",
      "REQUEST_STATS_INFO", "REQUEST_SHARE_INFO", "REQUEST_RESERVATION_INFO", "REQUEST_LICENSE_INFO", "REQUEST_PING",
      "REQUEST_BUILD_INFO");

  static final String USER = System.getProperty("user.name");

  /** RPC counts by message type (global), plus "USER:<me>" = this Unix user's RPCs (exact, if nobody else is it). */
  static Map<String, Long> rpcs() throws Exception {
    Sdiag s = SdiagParser.parse(RUN.run("sdiag", List.of("sdiag"), false).stdout()).value();
    Map<String, Long> m = new TreeMap<>();
    s.rpcByType().forEach((k, v) -> m.put(k, v.count()));
    Sdiag.Rpc mine = s.rpcByUser().get(USER);
    m.put("USER:" + USER, mine == null ? 0 : mine.count());
    return m;
  }

  /** This user's RPCs between two readings, less the one sdiag call of the second reading. */
  static long mine(Map<String, Long> a, Map<String, Long> b) {
    return b.get("USER:" + USER) - a.get("USER:" + USER) - 1;
  }

  static Map<String, Long> diff(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> d = new TreeMap<>();
    b.forEach((k, v) -> {
      long x = v - a.getOrDefault(k, 0L);
      if (x != 0 && OURS.contains(k)) {
        d.put(k, x);
      }
    });
    // each sdiag read is itself one REQUEST_STATS_INFO
    d.merge("REQUEST_STATS_INFO", -1L, Long::sum);
    d.values().removeIf(v -> v == 0);
    return d;
  }

  public static void main(String[] args) throws Exception {
    int refreshes = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int steady = args.length > 1 ? Integer.parseInt(args[1]) : 120;

    String fast = "collectors:\n  nodes: {interval: 1s}\n  partitions: {interval: 1s}\n  jobs: {interval: 1s}\n"
        + "  scheduler: {enabled: false}\n  fairshare: {enabled: false}\n  reservations: {enabled: false}\n"
        + "  licenses: {enabled: false}\n  controller: {enabled: false}\ncluster: bench\n";
    try (Exporter e = new Exporter(ConfigLoader.parse(fast), new PrometheusRegistry())) {
      Map<String, Long> before = rpcs();
      for (int i = 0; i < refreshes; i++) {
        e.poller().runAllOnce();
        Thread.sleep(1100); // past the 1 s freshness, so the next refresh runs the commands again
      }
      Map<String, Long> after = rpcs();
      Map<String, Long> d = diff(before, after);
      System.out.printf(Locale.ROOT, "refresh of nodes+partitions+jobs: %.2f RPCs per refresh by user %s (%d refreshes);"
          + " by type (global) %s%n", mine(before, after) / (double) refreshes, USER, refreshes, d);
    }

    // accounting talks to slurmdbd (sacct), not slurmctld, and needs a writable state dir: off here
    try (Exporter e = new Exporter(ConfigLoader.parse("accounting: {enabled: false}\n"), new PrometheusRegistry())) {
      e.start();
      Thread.sleep(5000); // past the start-up round in which every collector runs once
      Map<String, Long> before = rpcs();
      long end = System.nanoTime() + Duration.ofSeconds(steady).toNanos();
      long scrapes = 0;
      while (System.nanoTime() < end) {
        e.registry().scrape();
        scrapes++;
        Thread.sleep(100);
      }
      e.close();
      Map<String, Long> after = rpcs();
      Map<String, Long> d = diff(before, after);
      System.out.printf(Locale.ROOT, "steady state, default config: %.1f RPCs/min by user %s over %d s with %d scrapes;"
          + " by type (global) %s%n", mine(before, after) * 60.0 / steady, USER, steady, scrapes, d);
    }
  }
}
