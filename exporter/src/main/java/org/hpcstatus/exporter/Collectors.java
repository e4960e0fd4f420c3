package org.hpcstatus.exporter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hpcstatus.exporter.accounting.AccountingMetrics;
import org.hpcstatus.exporter.config.Config;
import org.hpcstatus.exporter.config.ConfigException;
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

  /** One row of the table. */
  public record Entry(String name, boolean enabledByDefault, Duration defaultInterval,
                      Function<Config, Collector> factory, String source) {}

  public static final List<Entry> TABLE = List.of(
      new Entry("nodes", true, Duration.ofSeconds(15), c -> new NodesCollector(), "scontrol -d -o show nodes"),
      new Entry("partitions", true, Duration.ofSeconds(15), c -> new PartitionsCollector(),
          "scontrol -o show partitions (+ the nodes source)"),
      new Entry("jobs", true, Duration.ofSeconds(15),
          c -> new JobsCollector(c.jobs().topUsers(), c.jobs().topAccounts(), c.jobs().excludeUsers()),
          "squeue -a -r -h -O …"),
      new Entry("scheduler", true, Duration.ofSeconds(60), c -> new SchedulerCollector(), "sdiag"),
      new Entry("fairshare", true, Duration.ofMinutes(5),
          c -> new FairshareCollector(c.jobs().topUsers() * 10, c.jobs().excludeUsers()), "sshare -a -P -l"),
      new Entry("reservations", true, Duration.ofMinutes(5), c -> new ReservationsCollector(),
          "scontrol -o show reservations"),
      new Entry("licenses", true, Duration.ofMinutes(5), c -> new LicensesCollector(), "scontrol -o show licenses"),
      new Entry("controller", true, Duration.ofSeconds(60), c -> new ControllerCollector(), "scontrol ping"));

  private Collectors() {}

  /** The enabled collectors with their intervals; unknown names in config are errors naming their path. */
  public static List<Poller.Scheduled> enabled(Config config) {
    Map<String, Entry> byName = new LinkedHashMap<>();
    TABLE.forEach(e -> byName.put(e.name(), e));
    for (String name : config.collectors().keySet()) {
      if (!byName.containsKey(name)) {
        throw new ConfigException("/collectors/" + name, "unknown collector; known: " + byName.keySet());
      }
    }
    List<Poller.Scheduled> out = new ArrayList<>();
    for (Entry e : TABLE) {
      Config.CollectorSettings s = config.collectors().get(e.name());
      boolean on = s == null || s.enabled() == null ? e.enabledByDefault() : s.enabled();
      Duration interval = s == null || s.interval() == null ? e.defaultInterval() : s.interval();
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new ConfigException("/collectors/" + e.name() + "/interval", "must be at least 1s");
      }
      if (on) {
        out.add(new Poller.Scheduled(e.factory().apply(config), interval));
      }
    }
    return out;
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
    m.put("exporter", self);
    m.put("services", HealthChecks.metrics());
    m.put("status page", StatusMetrics.metrics());
    return m;
  }
}
