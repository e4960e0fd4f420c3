package org.hpcstatus.exporter;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.config.Config;
import org.hpcstatus.exporter.core.ClusterName;
import org.hpcstatus.exporter.core.CommandException;
import org.hpcstatus.exporter.core.CommandRunner;
import org.hpcstatus.exporter.core.ExporterCollector;
import org.hpcstatus.exporter.core.Poller;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.core.SourceCache;
import org.hpcstatus.exporter.health.HealthChecks;
import org.hpcstatus.exporter.slurm.common.ScontrolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires one exporter instance from a config: runner, sources, collectors, poller, registry. */
public final class Exporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);

  private final Config config;
  private final SelfMetrics self = new SelfMetrics();
  private final CommandRunner runner;
  private final SourceCache sources;
  private final ClusterName cluster;
  private final Poller poller;
  private final PrometheusRegistry registry;
  private final HealthChecks healthChecks;

  public Exporter(Config config) {
    this(config, new PrometheusRegistry());
  }

  public Exporter(Config config, PrometheusRegistry registry) {
    this.config = config;
    this.runner = new CommandRunner(config.slurm().binDir() == null ? null : Path.of(config.slurm().binDir()),
        config.slurm().commandTimeout(), config.slurm().maxOutputBytes(), self);
    this.sources = new SourceCache(runner, self, Clock.systemUTC());
    this.cluster = new ClusterName(config.cluster(), this::lookupClusterName);
    this.poller = new Poller(Collectors.enabled(config), sources, cluster, self);
    this.healthChecks = new HealthChecks(config.services(), cluster::get);
    this.registry = registry;
    registry.register(new ExporterCollector(poller::snapshots, healthChecks::snapshots));
  }

  private String lookupClusterName() {
    try {
      var r = runner.run("scontrol show config", List.of("scontrol", "show", "config"), false);
      return ScontrolConfig.parse(r.stdout()).get("ClusterName");
    } catch (CommandException e) {
      LOG.warn("cannot read ClusterName from scontrol show config: {}", e.getMessage());
      return null;
    }
  }

  public Exporter start() {
    poller.start();
    healthChecks.start();
    return this;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public Poller poller() {
    return poller;
  }

  /** The service health checks (issue 3): status and history for the status page. */
  public HealthChecks healthChecks() {
    return healthChecks;
  }

  public CommandRunner runner() {
    return runner;
  }

  public SelfMetrics self() {
    return self;
  }

  public Config config() {
    return config;
  }

  public String cluster() {
    return cluster.get();
  }

  public Map<String, String> status() {
    return poller.statusLines();
  }

  @Override
  public void close() {
    poller.close();
    healthChecks.close();
  }
}
