package org.hpcstatus.exporter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.core.ConfigReloadMetrics;
import org.hpcstatus.exporter.web.ReloadHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reload of the config file (SIGHUP, {@code POST /-/reload}): load and validate it; build the successor
 * of the running {@link Workers} (parts with unchanged settings are taken over as they run); start its new
 * parts and wait until they have their first results, so /metrics never has a gap; swap it in; stop what
 * the old config ran and no longer needs; then start a new accounting, after the old one released its
 * state lock (exactly once: docs/accounting.md). Any error before the swap leaves the running config
 * untouched. One reload at a time.
 *
 * <p>{@code cluster}, {@code web} and {@code status} need a restart (the cluster label and accounting
 * state directory, the listener and route table, the status page's state files and routes): a change is
 * logged and the running values are kept.
 */
final class ConfigReload {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);
  private static final long WAIT_STEP_MILLIS = 20;

  private final AtomicReference<Workers> current;
  private final ConfigReloadMetrics metrics;
  private volatile Supplier<Config> source;
  private boolean closed; // guarded by this

  ConfigReload(AtomicReference<Workers> current, ConfigReloadMetrics metrics, Supplier<Config> source) {
    this.current = current;
    this.metrics = metrics;
    this.source = source;
  }

  /** Where a reload reads the config from (serve: the --config file with the command-line flags applied). */
  void source(Supplier<Config> s) {
    this.source = s;
  }

  /** Reloads now; {@code trigger} ("SIGHUP", "POST /-/reload") is for the log. */
  synchronized ReloadHandler.Outcome reload(String trigger) {
    if (closed) {
      return new ReloadHandler.Outcome(503, "the exporter is stopping");
    }
    Workers old = current.get();
    Workers next;
    List<String> restartOnly = new ArrayList<>();
    try {
      Config merged = keepRestartOnly(old.config, source.get(), restartOnly);
      next = old.next(merged);
    } catch (ConfigException e) {
      return failed(trigger, 400, e.getMessage());
    } catch (RuntimeException e) {
      LOG.debug("config reload failed", e);
      return failed(trigger, 500, e.toString());
    }
    if (!restartOnly.isEmpty()) {
      LOG.warn("config reload: {} changed but {} a restart of the exporter; the running values are kept",
          String.join(", ", restartOnly), restartOnly.size() == 1 ? "needs" : "need");
    }
    next.startNewParts(old);
    awaitFirstResults(next, old);
    current.set(next);
    old.closeExcept(next);
    next.startAccounting();
    metrics.reloaded(true, System.currentTimeMillis());
    LOG.info("config reloaded ({}): {}", trigger, changes(old, next));
    return new ReloadHandler.Outcome(200, "config reloaded" + (restartOnly.isEmpty() ? ""
        : "; needs a restart to apply: " + String.join(", ", restartOnly) + " (running values kept)"));
  }

  private ReloadHandler.Outcome failed(String trigger, int status, String why) {
    metrics.reloaded(false, System.currentTimeMillis());
    LOG.error("config reload ({}) failed, the previous config keeps running: {}", trigger, why);
    return new ReloadHandler.Outcome(status, "config not reloaded, the previous config keeps running: " + why);
  }

  /** The loaded config with the running values of the keys that need a restart; their changes into {@code changed}. */
  static Config keepRestartOnly(Config running, Config loaded, List<String> changed) {
    if (!running.cluster().equals(loaded.cluster())) {
      changed.add("/cluster");
    }
    if (!running.web().equals(loaded.web())) {
      changed.add("/web");
    }
    if (!running.status().equals(loaded.status())) {
      changed.add("/status");
    }
    return new Config(running.cluster(), running.web(), loaded.slurm(), loaded.collectors(), loaded.jobs(),
        loaded.fairshare(), loaded.accounting(), loaded.services(), running.status());
  }

  /** Waits (bounded by the new runs' timeouts) until the parts built new have results to serve. */
  private static void awaitFirstResults(Workers next, Workers old) {
    long deadline = System.nanoTime() + next.warmUpLimit().toNanos();
    boolean interrupted = false;
    while (!next.warm(old)) {
      if (System.nanoTime() - deadline > 0 || interrupted) {
        LOG.warn("config reload: not every new collector or check has a first result yet; swapping in anyway");
        break;
      }
      try {
        Thread.sleep(WAIT_STEP_MILLIS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static String changes(Workers old, Workers next) {
    List<String> parts = new ArrayList<>();
    if (next.poller != old.poller) {
      parts.add("collectors restarted (" + String.join(", ", next.poller.statusLines().keySet()) + ")");
    }
    if (next.healthChecks != old.healthChecks) {
      parts.add("service checks restarted (" + next.healthChecks.configs().size() + ")");
    }
    if (next.accounting() != old.accounting()) {
      parts.add("accounting " + (next.accounting() == null ? "off" : "restarted"));
    }
    return parts.isEmpty() ? "no change" : String.join("; ", parts);
  }

  /** No reload after this (the exporter is closing); waits for a running one to finish. */
  synchronized void close() {
    closed = true;
  }
}
