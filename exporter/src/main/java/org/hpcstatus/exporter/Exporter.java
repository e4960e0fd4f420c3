package org.hpcstatus.exporter;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
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
import org.hpcstatus.exporter.core.ConfigReloadMetrics;
import org.hpcstatus.exporter.core.ExporterCollector;
import org.hpcstatus.exporter.core.Poller;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.health.HealthChecks;
import org.hpcstatus.exporter.slurm.common.ScontrolConfig;
import org.hpcstatus.exporter.web.MetricsHandler;
import org.hpcstatus.exporter.web.ReloadHandler;
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
 *
 * <p>The config-dependent background work ({@link Workers}: runners, poller, service checks, accounting)
 * sits behind one reference that a {@link #reload} swaps (see {@link ConfigReload}); the registry, the
 * route handlers, the cluster name and the self-metrics stay, and read the current workers through it.
 */
public final class Exporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);

  private final SelfMetrics self = new SelfMetrics();
  private final ClusterName cluster;
  private final AtomicReference<Workers> workers = new AtomicReference<>();
  private final ConfigReloadMetrics reloadMetrics = new ConfigReloadMetrics(System.currentTimeMillis());
  private final ConfigReload reload;
  private final PrometheusRegistry registry;
  private final ExporterCollector collector;
  /** The web config of the running server (none until {@link #serve} is given one): its metrics are exposed. */
  private volatile WebSecurity webSecurity = WebSecurity.none();
  private volatile boolean closed;
  private Thread clusterLookup;
  private org.hpcstatus.exporter.status.StatusPage statusPage;
  private boolean lookupFailedBefore;

  public Exporter(Config config) {
    this(config, new PrometheusRegistry());
  }

  public Exporter(Config config, PrometheusRegistry registry) {
    this.cluster = new ClusterName(config.cluster(), this::lookupClusterName);
    this.workers.set(Workers.first(config, cluster, self));
    this.reload = new ConfigReload(workers, reloadMetrics, () -> config);
    this.registry = registry;
    // each part reads the current workers: a reload swaps them, the parts stay (generation: see Workers.id)
    this.collector = new ExporterCollector(
        new ExporterCollector.Part(() -> w().poller.snapshots(), () -> (w().id << 40) ^ w().poller.generation()),
        new ExporterCollector.Part(() -> w().healthChecks.snapshots(),
            () -> (w().id << 40) ^ w().healthChecks.generation()),
        new ExporterCollector.Part(() -> w().accountingSnapshots(), () -> (w().id << 40) ^ w().accountingGeneration()),
        new ExporterCollector.Part(() -> reloadMetrics.snapshots(cluster.get()), reloadMetrics::generation));
    collector.add(new ExporterCollector.Part(() -> webSecurity.metrics().snapshots(cluster.get()),
        () -> 31L * System.identityHashCode(webSecurity) + webSecurity.metrics().generation()));
    registry.register(collector);
  }

  /** The current workers (swapped by a reload). */
  private Workers w() {
    return workers.get();
  }

  /** The one lookup of Slurm's ClusterName (every command and part asks {@link #clusterName()}). */
  private String lookupClusterName() {
    try {
      var r = w().runner.run("scontrol show config", List.of("scontrol", "show", "config"), false);
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
    if (config().status().enabled()) {
      statusPage().start();
    }
    w().start();
    return this;
  }

  /**
   * Where {@link #reload} reads the config (serve: the {@code --config} file with the flags applied); by
   * default the config this exporter was built with.
   */
  public Exporter reloadFrom(Supplier<Config> source) {
    reload.source(source);
    return this;
  }

  /**
   * Reloads the config (SIGHUP, {@code POST /-/reload}): a good one is swapped in without a gap in /metrics,
   * a bad one keeps the running config and sets {@code hpcstatus_config_last_reload_successful} to 0. See
   * {@link ConfigReload}, docs/configuration.md "Reloading".
   */
  public ReloadHandler.Outcome reload(String trigger) {
    return reload.reload(trigger);
  }

  public ConfigReloadMetrics reloadMetrics() {
    return reloadMetrics;
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

  /** The runner for sacct: its own timeout and output cap (built once per config). */
  public CommandRunner sacctRunner() {
    return w().sacctRunner();
  }

  /**
   * The accounting service of {@code serve} (not started), or null when accounting is off: with
   * {@code enabled} unset (auto) a missing sacct or unusable state directory turns it off with a warning.
   *
   * @throws ConfigException with {@code enabled: true} when accounting cannot run here
   */
  Accounting accountingService() {
    return w().accountingService(false);
  }

  /** The accounting engine over one cluster's state ({@code backfill}), paced by the sacct rate limit. */
  public AccountingEngine accountingEngine(StateStore store) throws IOException {
    AccountingConfig acc = config().accounting();
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
        Route.exact("/-/healthy", ex -> Responses.text(ex, 200, "Exporter is healthy.\n")).access(Route.Access.PUBLIC),
        Route.exact("/-/reload", new ReloadHandler(() -> reload("POST /-/reload"))).access(Route.Access.AUTHENTICATED)
            .executor(WebServer.pool("reload", 1))));
    if (config().status().enabled()) {
      routes.addAll(org.hpcstatus.exporter.status.StatusRoutes.table(statusPage()));
    } else {
      routes.add(Route.exact("/", new StatusPage(this::clusterForPage, () -> w().poller.statusLines(),
          () -> w().healthChecks.status())));
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
          this::lastFailure, () -> w().healthChecks.configs().stream().map(c -> c.name()).toList())
          .withExporterState(this::notReady, () -> w().poller.statusLines());
      Supplier<java.util.Set<String>> names = () -> java.util.Set.copyOf(
          w().healthChecks.configs().stream().map(c -> c.name()).toList());
      Config config = config();
      if (config.status().stateDir() == null) {
        LOG.warn("status.state_dir is not set: the status page's uptime history and the outages declared through"
            + " its API are kept in memory only (a restart empties them)");
      }
      statusPage = new org.hpcstatus.exporter.status.StatusPage(config.status(), source, names, cluster::get,
          Clock.systemUTC());
      collector.add(new ExporterCollector.Part(statusPage::snapshots, statusPage::generation));
    }
    return statusPage;
  }

  /** The last failed check of a service (its reason and message), or null. */
  private org.hpcstatus.exporter.status.MetricsStatusSource.LastFailure lastFailure(String service) {
    HealthChecks.HistoryEntry last;
    try {
      last = w().healthChecks.status(service).lastFailure();
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
    return WebServer.builder().listen(host, port).routes(WebAccess.withPublicPaths(routes(), config().web().publicPaths()))
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

  /** The current config's poller (a reload may replace it). */
  public Poller poller() {
    return w().poller;
  }

  /** The service health checks of the current config: status and history for the status page. */
  public HealthChecks healthChecks() {
    return w().healthChecks;
  }

  public CommandRunner runner() {
    return w().runner;
  }

  public SelfMetrics self() {
    return self;
  }

  /** The running config (after a reload: the reloaded one, with the values that need a restart kept). */
  public Config config() {
    return w().config;
  }

  /** The cluster label (resolve() looks it up, blocking; get() never blocks). */
  public ClusterName clusterName() {
    return cluster;
  }

  public String cluster() {
    return cluster.get();
  }

  public Map<String, String> status() {
    return w().poller.statusLines();
  }

  @Override
  public void close() {
    closed = true;
    reload.close(); // waits for a running reload: nothing starts after this
    Thread t;
    synchronized (this) {
      t = clusterLookup;
    }
    if (t != null) {
      t.interrupt();
    }
    w().closeExcept(null);
    org.hpcstatus.exporter.status.StatusPage sp;
    synchronized (this) {
      sp = statusPage;
    }
    if (sp != null) {
      sp.close();
    }
  }
}
