package org.hpcstatus.exporter;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.accounting.Accounting;
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
  private final ExporterCollector collector;
  private volatile Accounting accounting;

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
    config.accounting().validate();
    this.collector = new ExporterCollector(new ExporterCollector.Part(poller::snapshots, poller::generation),
        new ExporterCollector.Part(healthChecks::snapshots, healthChecks::generation));
    registry.register(collector);
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

  /**
   * Starts background polling and, when enabled, accounting (sacct ingest). Accounting takes the state
   * directory's lock, so it only runs in the long-lived {@code serve}, never in print-metrics or probe.
   */
  public Exporter start() {
    poller.start();
    healthChecks.start();
    Accounting a = Accounting.create(config.accounting(), cluster,
        config.slurm().binDir() == null ? null : Path.of(config.slurm().binDir()), config.slurm().maxOutputBytes(),
        self);
    if (a != null) {
      accounting = a.start();
      collector.add(new ExporterCollector.Part(a::snapshots, a::generation));
    }
    return this;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** The registry's single collector; other parts (health checks, accounting) add themselves here. */
  public ExporterCollector collector() {
    return collector;
  }

  /**
   * Starts the HTTP server: {@code /metrics} from the encoded-exposition cache, {@code /} a status page,
   * {@code /-/healthy} (client_java). {@code host} null binds all interfaces; port 0 picks a free one.
   */
  public io.prometheus.metrics.exporter.httpserver.HTTPServer serve(String host, int port) throws java.io.IOException {
    // without TCP_NODELAY the JDK server's header and body writes meet the client's delayed ACK: +40 ms
    // per scrape of a small body (measured). Read once, when the JDK's HTTP server is first used.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    var metrics = new org.hpcstatus.exporter.core.MetricsEndpoint(registry, collector);
    // client_java's own handler moves aside: /metrics is served from the cache
    var b = io.prometheus.metrics.exporter.httpserver.HTTPServer.builder().port(port).registry(registry)
        .metricsHandlerPath("/metrics-uncached")
        .defaultHandler(ex -> {
          String path = ex.getRequestURI().getPath();
          if (path.equals("/metrics")) {
            metrics.handle(ex);
            return;
          }
          byte[] body = org.hpcstatus.exporter.cli.ServeCommand.landingPage(this)
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          ex.sendResponseHeaders(path.equals("/") ? 200 : 404, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    if (host != null) {
      b.hostname(host);
    }
    return b.buildAndStart();
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
    Accounting a = accounting;
    if (a != null) {
      a.close();
    }
  }
}
