package org.hpcstatus.exporter;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.accounting.Accounting;
import org.hpcstatus.exporter.accounting.AccountingConfig;
import org.hpcstatus.exporter.accounting.AccountingEngine;
import org.hpcstatus.exporter.accounting.RateLimiter;
import org.hpcstatus.exporter.accounting.SacctSource;
import org.hpcstatus.exporter.accounting.StateStore;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.core.ClusterName;
import org.hpcstatus.exporter.core.CommandException;
import org.hpcstatus.exporter.core.CommandRunner;
import org.hpcstatus.exporter.core.ExporterCollector;
import org.hpcstatus.exporter.core.Poller;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.core.SourceCache;
import org.hpcstatus.exporter.health.HealthChecks;
import org.hpcstatus.exporter.slurm.common.ScontrolConfig;
import org.hpcstatus.exporter.web.MetricsHandler;
import org.hpcstatus.exporter.web.Responses;
import org.hpcstatus.exporter.web.Route;
import org.hpcstatus.exporter.web.StatusPage;
import org.hpcstatus.exporter.web.WebServer;
import org.hpcstatus.exporter.web.security.WebAccess;
import org.hpcstatus.exporter.web.security.WebSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that builds the exporter from a (validated) config — {@code serve}, {@code print-metrics},
 * {@code probe} and {@code backfill} all start here: the command runners, the cluster name, the Slurm
 * poller, the service checks, accounting, the registry and the HTTP route table. Parts a command does not
 * use are not built (accounting only on {@link #start()} or {@link #accountingEngine}).
 */
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
  /** The web config of the running server (none until {@link #serve} is given one): its metrics are exposed. */
  private volatile WebSecurity webSecurity = WebSecurity.none();
  private CommandRunner sacctRunner;
  private volatile Accounting accounting;
  private volatile boolean closed;
  private Thread clusterLookup;
  private org.hpcstatus.exporter.status.StatusPage statusPage;
  private boolean lookupFailedBefore;

  public Exporter(Config config) {
    this(config, new PrometheusRegistry());
  }

  public Exporter(Config config, PrometheusRegistry registry) {
    this.config = config;
    this.runner = new CommandRunner(binDir(), config.slurm().commandTimeout(), config.slurm().maxOutputBytes(), self);
    this.sources = new SourceCache(runner, self, Clock.systemUTC());
    this.cluster = new ClusterName(config.cluster(), this::lookupClusterName);
    this.poller = new Poller(Collectors.enabled(config), sources, cluster, self);
    this.healthChecks = new HealthChecks(config.services(), cluster::get);
    this.registry = registry;
    this.collector = new ExporterCollector(new ExporterCollector.Part(poller::snapshots, poller::generation),
        new ExporterCollector.Part(healthChecks::snapshots, healthChecks::generation));
    collector.add(new ExporterCollector.Part(() -> webSecurity.metrics().snapshots(cluster.get()),
        () -> 31L * System.identityHashCode(webSecurity) + webSecurity.metrics().generation()));
    registry.register(collector);
  }

  private Path binDir() {
    return config.slurm().binDir() == null ? null : Path.of(config.slurm().binDir());
  }

  /** The one lookup of Slurm's ClusterName (every command and part asks {@link #clusterName()}). */
  private String lookupClusterName() {
    try {
      var r = runner.run("scontrol show config", List.of("scontrol", "show", "config"), false);
      return ScontrolConfig.parse(r.stdout()).get("ClusterName");
    } catch (CommandException e) {
      synchronized (this) {
        if (!lookupFailedBefore) {
          LOG.warn("cannot read ClusterName from scontrol show config (retrying; /metrics answers 503 until then,"
              + " or set cluster: in the config): {}", e.getMessage());
        }
        lookupFailedBefore = true;
      }
      return null;
    }
  }

  /**
   * Starts the background work of {@code serve}: the cluster-name lookup (retried until it succeeds),
   * polling, service checks and, when enabled and usable, accounting (which takes the state directory's
   * lock, so it never runs in print-metrics or probe).
   *
   * @throws ConfigException if {@code accounting.enabled: true} but accounting cannot run here
   */
  public Exporter start() {
    startClusterLookup();
    poller.start();
    healthChecks.start();
    if (config.status().enabled()) {
      statusPage().start();
    }
    Accounting a = accountingService();
    if (a != null) {
      accounting = a.start();
      collector.add(new ExporterCollector.Part(a::snapshots, a::generation));
    }
    return this;
  }

  /** Looks the cluster name up now and then every 1, 2, 4 … 60 s until it is known; then the thread ends. */
  private synchronized void startClusterLookup() {
    if (clusterLookup != null || cluster.known()) {
      return;
    }
    clusterLookup = new Thread(() -> {
      long waitMs = 1000;
      while (!closed) {
        cluster.resolve();
        if (cluster.known()) {
          return;
        }
        try {
          Thread.sleep(waitMs);
        } catch (InterruptedException e) {
          return;
        }
        waitMs = Math.min(60_000, waitMs * 2);
      }
    }, "cluster-name");
    clusterLookup.setDaemon(true);
    clusterLookup.start();
  }

  /** The runner for sacct: its own timeout and output cap (built once). */
  public synchronized CommandRunner sacctRunner() {
    if (sacctRunner == null) {
      AccountingConfig acc = config.accounting();
      sacctRunner = new CommandRunner(binDir(), acc.sacctTimeout(),
          AccountingConfig.sacctOutputCap(config.slurm().maxOutputBytes()), self);
    }
    return sacctRunner;
  }

  /**
   * The accounting service of {@code serve} (not started), or null when accounting is off: with
   * {@code enabled} unset (auto) a missing sacct or unusable state directory turns it off with a warning.
   *
   * @throws ConfigException with {@code enabled: true} when accounting cannot run here
   */
  Accounting accountingService() {
    AccountingConfig acc = config.accounting();
    if (Boolean.FALSE.equals(acc.enabled())) {
      return null;
    }
    String problem = accountingProblem(acc);
    if (problem != null) {
      if (Boolean.TRUE.equals(acc.enabled())) {
        throw new ConfigException("/accounting/enabled", "accounting is enabled but " + problem);
      }
      LOG.warn("accounting disabled: {} (set accounting.enabled: false to silence, or fix and restart)", problem);
      return null;
    }
    return Accounting.create(acc, cluster, sacctRunner(), self);
  }

  /** Why accounting cannot run here (no sacct, state directory not usable), or null. */
  private String accountingProblem(AccountingConfig acc) {
    if (sacctRunner().locate("sacct").isEmpty()) {
      return "sacct not found" + (binDir() != null ? " in " + binDir() : " on PATH");
    }
    Path dir = Path.of(acc.stateDir());
    try {
      Files.createDirectories(dir);
      return Files.isWritable(dir) ? null : "state directory " + dir + " is not writable";
    } catch (IOException e) {
      return "cannot create state directory " + dir + ": " + e.getMessage();
    }
  }

  /** The accounting engine over one cluster's state ({@code backfill}), paced by the sacct rate limit. */
  public AccountingEngine accountingEngine(StateStore store) throws IOException {
    AccountingConfig acc = config.accounting();
    return new AccountingEngine(store, SacctSource.of(sacctRunner()), acc, Clock.systemUTC(),
        RateLimiter.realTime(acc.minCallSpacing()));
  }

  /**
   * The route table. One line per route; handlers come from the parts they show (add a route here, with
   * its access rule and, for long-lived responses, its own executor: see {@link Route}).
   */
  public List<Route> routes() {
    List<Route> routes = new java.util.ArrayList<>(List.of(
        Route.exact("/metrics", new MetricsHandler(registry, collector::generation, this::notReady)),
        Route.exact("/-/healthy", ex -> Responses.text(ex, 200, "Exporter is healthy.\n")).access(Route.Access.PUBLIC)));
    if (config.status().enabled()) {
      routes.addAll(org.hpcstatus.exporter.status.StatusRoutes.table(statusPage()));
    } else {
      routes.add(Route.exact("/", new StatusPage(this::clusterForPage, poller::statusLines, healthChecks::status)));
    }
    return routes;
  }

  /**
   * The live status page (built on first use: only {@code serve} has one, so print-metrics and probe never
   * touch its state files). Reads the same snapshots as /metrics, plus the checks' last failure messages.
   */
  public synchronized org.hpcstatus.exporter.status.StatusPage statusPage() {
    if (statusPage == null) {
      var source = new org.hpcstatus.exporter.status.MetricsStatusSource(registry::scrape, collector::generation,
          this::lastFailure, () -> healthChecks.configs().stream().map(c -> c.name()).toList())
          .withExporterState(this::notReady, poller::statusLines);
      java.util.Set<String> names = new java.util.HashSet<>(healthChecks.configs().stream().map(c -> c.name()).toList());
      if (config.status().stateDir() == null) {
        LOG.warn("status.state_dir is not set: the status page's uptime history and the outages declared through"
            + " its API are kept in memory only (a restart empties them)");
      }
      statusPage = new org.hpcstatus.exporter.status.StatusPage(config.status(), source, () -> names, cluster::get,
          Clock.systemUTC());
      collector.add(new ExporterCollector.Part(statusPage::snapshots, statusPage::generation));
    }
    return statusPage;
  }

  /** The last failed check of a service (its reason and message), or null. */
  private org.hpcstatus.exporter.status.MetricsStatusSource.LastFailure lastFailure(String service) {
    HealthChecks.HistoryEntry last;
    try {
      last = healthChecks.status(service).lastFailure();
    } catch (IllegalArgumentException e) {
      return null;
    }
    return last == null ? null : new org.hpcstatus.exporter.status.MetricsStatusSource.LastFailure(
        last.reason() == null ? "unknown" : last.reason().label(), last.message(), last.startedAtMillis());
  }


  /** Why /metrics cannot answer yet, or null. */
  private String notReady() {
    if (cluster.known()) {
      return null;
    }
    return "cluster name not known yet: `scontrol show config` has not answered with a ClusterName;"
        + " the exporter retries (set `cluster:` in the config to skip the lookup)";
  }

  private String clusterForPage() {
    return cluster.known() ? cluster.get() : "not known yet (scontrol show config has not answered)";
  }

  /** Starts the HTTP server with {@link #routes()}. {@code host} null binds all interfaces; port 0 picks one. */
  public WebServer serve(String host, int port) throws IOException {
    return serve(host, port, WebSecurity.none());
  }

  /**
   * As {@link #serve(String, int)}, with the web config file's TLS, basic auth and headers on every route
   * ({@code web.public_paths} stay open) and its metrics in the registry.
   */
  public WebServer serve(String host, int port, WebSecurity security) throws IOException {
    webSecurity = security;
    return WebServer.builder().listen(host, port).routes(WebAccess.withPublicPaths(routes(), config.web().publicPaths()))
        .tls(security.httpsConfigurator())
        .authenticator(security.authenticator(false), security.authenticator(true))
        .filter(security.headersFilter()).start();
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** The registry's single collector; other parts (health checks, accounting) add themselves here. */
  public ExporterCollector collector() {
    return collector;
  }

  public Poller poller() {
    return poller;
  }

  /** The service health checks: status and history for the status page. */
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

  /** The cluster label (resolve() looks it up, blocking; get() never blocks). */
  public ClusterName clusterName() {
    return cluster;
  }

  public String cluster() {
    return cluster.get();
  }

  public Map<String, String> status() {
    return poller.statusLines();
  }

  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = clusterLookup;
    }
    if (t != null) {
      t.interrupt();
    }
    poller.close();
    healthChecks.close();
    org.hpcstatus.exporter.status.StatusPage sp;
    synchronized (this) {
      sp = statusPage;
    }
    if (sp != null) {
      sp.close();
    }
    Accounting a = accounting;
    if (a != null) {
      a.close();
    }
  }
}
