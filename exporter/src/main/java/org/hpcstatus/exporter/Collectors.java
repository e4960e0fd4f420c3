package org.hpcstatus.exporter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hpcstatus.exporter.accounting.AccountingMetrics;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.config.Durations;
import org.hpcstatus.exporter.core.Collector;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Poller;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.health.HealthChecks;
import org.hpcstatus.exporter.slurm.controller.ControllerCollector;
import org.hpcstatus.exporter.slurm.fairshare.FairshareCollector;
import org.hpcstatus.exporter.slurm.jobs.JobsCollector;
import org.hpcstatus.exporter.slurm.licenses.LicensesCollector;
import org.hpcstatus.exporter.slurm.nodes.NodesCollector;
import org.hpcstatus.exporter.slurm.partitions.PartitionsCollector;
import org.hpcstatus.exporter.slurm.reservations.ReservationsCollector;
import org.hpcstatus.exporter.slurm.scheduler.SchedulerCollector;
import org.hpcstatus.exporter.status.StatusMetrics;

/**
 * The collector table: every collector the exporter has, whether it is on by default, and how often it
 * polls. Config ({@code collectors.<name>.enabled/interval}) overrides both. Default intervals keep
 * slurmctld load under 20 RPC/min: the fast state (nodes, partitions, jobs: 4 RPCs) every 15 s, the
 * slow-changing sources every one to five minutes (measured by RpcBench, see docs/performance.md).
 */
public final class Collectors {

  /**
   * One row of the table: {@code source} is the command the collector runs (shown by {@code probe} and in
   * docs/configuration.md), {@code rpcs} what one run costs slurmctld.
   */
  public record Entry(String name, boolean enabledByDefault, Duration defaultInterval,
                      Function<Config, Collector> factory, String source, String rpcs) {}

  public static final List<Entry> TABLE = List.of(
      new Entry("nodes", true, Duration.ofSeconds(15), c -> new NodesCollector(), "scontrol -d -o show nodes",
          "2 (NODE_INFO, PARTITION_INFO: scontrol loads partitions to print `Partitions=`)"),
      new Entry("partitions", true, Duration.ofSeconds(15), c -> new PartitionsCollector(),
          "scontrol -o show partitions", "0 (reuses the node list of `nodes`), and 1 PARTITION_INFO a minute"),
      new Entry("jobs", true, Duration.ofSeconds(15),
          c -> new JobsCollector(c.jobs().topUsers(), c.jobs().topAccounts(), c.jobs().excludeUsers()),
          "squeue -a -r -h -O …", "2 (JOB_INFO, PARTITION_INFO)"),
      new Entry("scheduler", true, Duration.ofSeconds(60), c -> new SchedulerCollector(), "sdiag", "1"),
      new Entry("fairshare", true, Duration.ofMinutes(5),
          c -> new FairshareCollector(c.fairshare().topAccounts(), c.fairshare().topUsers(),
              c.jobs().excludeUsers()), "sshare -a -P -l", "1"),
      new Entry("reservations", true, Duration.ofMinutes(5), c -> new ReservationsCollector(),
          "scontrol -o show reservations", "1"),
      new Entry("licenses", true, Duration.ofMinutes(5), c -> new LicensesCollector(), "scontrol -o show licenses",
          "1"),
      new Entry("controller", true, Duration.ofSeconds(60), c -> new ControllerCollector(), "scontrol ping",
          "1 per controller"));

  private Collectors() {}

  /** {@code collectors:} of the config: unknown names and intervals under 1 s are errors naming their path. */
  public static void validate(Map<String, Config.CollectorSettings> settings) {
    for (var e : settings.entrySet()) {
      Entry entry = byName(e.getKey());
      if (entry == null) {
        throw new ConfigException("/collectors/" + e.getKey(), "unknown collector; known: "
            + TABLE.stream().map(Entry::name).toList());
      }
      Duration interval = e.getValue() == null ? null : e.getValue().interval();
      if (interval != null && interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new ConfigException("/collectors/" + e.getKey() + "/interval", "must be at least 1s");
      }
    }
  }

  /** The row of this collector, or null. */
  public static Entry byName(String name) {
    for (Entry e : TABLE) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    return null;
  }

  /** Whether the config turns this collector on (its own switch, else the table's default). */
  public static boolean isEnabled(Config config, Entry e) {
    Config.CollectorSettings s = config.collectors().get(e.name());
    return s == null || s.enabled() == null ? e.enabledByDefault() : s.enabled();
  }

  /** The collector's poll interval under this config. */
  public static Duration interval(Config config, Entry e) {
    Config.CollectorSettings s = config.collectors().get(e.name());
    return s == null || s.interval() == null ? e.defaultInterval() : s.interval();
  }

  /** The enabled collectors with their intervals (of a validated config: see {@link ConfigLoader}). */
  public static List<Poller.Scheduled> enabled(Config config) {
    List<Poller.Scheduled> out = new ArrayList<>();
    for (Entry e : TABLE) {
      if (isEnabled(config, e)) {
        out.add(new Poller.Scheduled(e.factory().apply(config), interval(config, e)));
      }
    }
    return out;
  }

  /** The collector table of docs/configuration.md (kept equal by {@code ConfigurationDocTest}). */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder("| collector | on by default | default interval | command | RPCs to slurmctld per run |\n"
        + "|---|---|---|---|---|\n");
    for (Entry e : TABLE) {
      sb.append("| `").append(e.name()).append("` | ").append(e.enabledByDefault() ? "yes" : "no").append(" | ")
          .append(Durations.format(e.defaultInterval())).append(" | `").append(e.source()).append("` | ")
          .append(e.rpcs().replace("|", "\\|")).append(" |\n");
    }
    return sb.toString();
  }

  /** Every metric the exporter can emit: the source of docs/metrics.md. */
  public static Map<String, List<MetricDef>> catalog() {
    Map<String, List<MetricDef>> m = new LinkedHashMap<>();
    Config defaults = Config.defaults();
    for (Entry e : TABLE) {
      m.put(e.name(), e.factory().apply(defaults).metrics());
    }
    m.put("accounting", AccountingMetrics.metrics());
    List<MetricDef> self = new ArrayList<>(Poller.metrics());
    self.addAll(SelfMetrics.metrics());
    self.addAll(org.hpcstatus.exporter.core.ConfigReloadMetrics.metrics());
    m.put("exporter", self);
    m.put("services", HealthChecks.metrics());
    m.put("status page", StatusMetrics.metrics());
    m.put("web", org.hpcstatus.exporter.web.security.WebMetrics.metrics());
    return m;
  }
}
