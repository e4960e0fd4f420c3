package org.hpcstatus.exporter;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.hpcstatus.exporter.accounting.Accounting;
import org.hpcstatus.exporter.accounting.AccountingConfig;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.core.ClusterName;
import org.hpcstatus.exporter.core.CommandRunner;
import org.hpcstatus.exporter.core.Poller;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.core.SourceCache;
import org.hpcstatus.exporter.health.HealthChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the exporter that a config reload replaces, built by {@link Exporter} from one config: the
 * Slurm runner, source cache and poller; the service checks; accounting with its sacct runner. A reload
 * builds a successor with {@link #next}: a part whose settings did not change is taken over as it runs
 * (its state, history and accounting lock intact), the others are built new from the new config.
 */
final class Workers {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);
  private static final AtomicLong IDS = new AtomicLong();

  /** What accounting's runner and engine are built from: unchanged, the running accounting is kept. */
  private record AccountingKey(AccountingConfig accounting, String binDir, long maxOutputBytes) {
    static AccountingKey of(Config c) {
      return new AccountingKey(c.accounting(), c.slurm().binDir(), c.slurm().maxOutputBytes());
    }
  }

  /** Changes with every instance: part of the parts' generation, so a swap always invalidates the cache. */
  final long id = IDS.incrementAndGet();
  final Config config;
  final CommandRunner runner;
  final SourceCache sources;
  final Poller poller;
  final HealthChecks healthChecks;
  private final ClusterName cluster;
  private final SelfMetrics self;
  private CommandRunner sacctRunner;
  /** Accounting of this config: null until {@link #startAccounting} (or when off). */
  private volatile Accounting accounting;
  /** Whether {@link #accounting} is inherited (then it already runs). */
  private boolean accountingInherited;
  /** The predecessor's last accounting metrics, shown until this one's accounting renders its first. */
  private volatile List<MetricSnapshot> handedOver = List.of();

  private Workers(Config config, Workers previous, ClusterName cluster, SelfMetrics self) {
    this.config = config;
    this.cluster = cluster;
    this.self = self;
    if (previous != null && slurmKey(previous.config).equals(slurmKey(config))) {
      runner = previous.runner;
      sources = previous.sources;
      poller = previous.poller;
    } else {
      Path binDir = config.slurm().binDir() == null ? null : Path.of(config.slurm().binDir());
      runner = new CommandRunner(binDir, config.slurm().commandTimeout(), config.slurm().maxOutputBytes(), self);
      sources = new SourceCache(runner, self, Clock.systemUTC());
      poller = new Poller(Collectors.enabled(config), sources, cluster, self);
    }
    healthChecks = previous != null && previous.config.services().equals(config.services()) ? previous.healthChecks
        : new HealthChecks(config.services(), cluster::get);
    // an accounting that auto mode turned off (no sacct, state directory unusable) is decided again: fixed now?
    if (previous != null && AccountingKey.of(previous.config).equals(AccountingKey.of(config))
        && (previous.accounting != null || Boolean.FALSE.equals(config.accounting().enabled()))) {
      sacctRunner = previous.sacctRunner;
      accounting = previous.accounting;
      accountingInherited = true;
    }
  }

  private static List<Object> slurmKey(Config c) {
    return List.of(c.slurm(), c.collectors(), c.jobs(), c.fairshare());
  }

  /** The workers of the first config (nothing runs until {@link #start}). */
  static Workers first(Config config, ClusterName cluster, SelfMetrics self) {
    return new Workers(config, null, cluster, self);
  }

  /**
   * The successor for a reload to {@code config}: unchanged parts are this one's, the rest new (not
   * started). Accounting is decided now, so a reload that cannot run it fails before anything changes.
   *
   * @throws ConfigException if the new config's accounting cannot run here while it is enabled or running
   */
  Workers next(Config config) {
    Workers n = new Workers(config, this, cluster, self);
    try {
      if (!n.accountingInherited) {
        n.accounting = n.accountingService(accounting != null);
        n.handedOver = accounting == null ? List.of() : accounting.snapshots();
      }
    } catch (RuntimeException e) {
      n.closeExcept(this);
      throw e;
    }
    return n;
  }

  /** Starts everything (the first config of {@code serve}). */
  void start() {
    poller.start();
    healthChecks.start();
    accounting = accountingService(false);
    startAccounting();
  }

  /** Starts the parts a reload built new, except accounting (which waits for its predecessor to stop). */
  void startNewParts(Workers previous) {
    if (poller != previous.poller) {
      poller.start();
    }
    if (healthChecks != previous.healthChecks) {
      healthChecks.start();
    }
  }

  /** Whether the parts built new have produced their first results (a reload swaps them in then). */
  boolean warm(Workers previous) {
    return (poller == previous.poller || poller.allRan())
        && (healthChecks == previous.healthChecks || healthChecks.status().stream().allMatch(HealthChecks.Status::ran));
  }

  /** How long a reload waits for {@link #warm}: every new run is bounded by these timeouts. */
  Duration warmUpLimit() {
    Duration longest = config.slurm().commandTimeout();
    for (var s : config.services()) {
      longest = s.timeout().compareTo(longest) > 0 ? s.timeout() : longest;
    }
    return longest.multipliedBy(3).plusSeconds(5);
  }

  /** Starts accounting if it is this config's own (an inherited one runs already). */
  void startAccounting() {
    Accounting a = accounting;
    if (a != null && !accountingInherited) {
      a.start();
    }
  }

  /** The accounting metrics (the predecessor's last ones until the new accounting rendered its own). */
  List<MetricSnapshot> accountingSnapshots() {
    Accounting a = accounting;
    if (a == null) {
      return List.of();
    }
    List<MetricSnapshot> s = a.snapshots();
    return s.isEmpty() ? handedOver : s;
  }

  long accountingGeneration() {
    Accounting a = accounting;
    return a == null ? 0 : a.generation();
  }

  Accounting accounting() {
    return accounting;
  }

  /** The runner for sacct: its own timeout and output cap (built once). */
  synchronized CommandRunner sacctRunner() {
    if (sacctRunner == null) {
      AccountingConfig acc = config.accounting();
      Path binDir = config.slurm().binDir() == null ? null : Path.of(config.slurm().binDir());
      sacctRunner = new CommandRunner(binDir, acc.sacctTimeout(),
          AccountingConfig.sacctOutputCap(config.slurm().maxOutputBytes()), self);
    }
    return sacctRunner;
  }

  /**
   * The accounting service (not started), or null when accounting is off: with {@code enabled} unset
   * (auto) a missing sacct or unusable state directory turns it off with a warning — except in a reload
   * while accounting runs ({@code running}), which never turns it off by itself.
   *
   * @throws ConfigException with {@code enabled: true} (or {@code running}) when accounting cannot run here
   */
  Accounting accountingService(boolean running) {
    AccountingConfig acc = config.accounting();
    if (Boolean.FALSE.equals(acc.enabled())) {
      return null;
    }
    String problem = accountingProblem(acc);
    if (problem != null) {
      if (Boolean.TRUE.equals(acc.enabled())) {
        throw new ConfigException("/accounting/enabled", "accounting is enabled but " + problem);
      }
      if (running) {
        throw new ConfigException("/accounting/state_dir", "accounting is running but could not run with the new"
            + " config: " + problem + " (set accounting.enabled: false to turn it off)");
      }
      LOG.warn("accounting disabled: {} (set accounting.enabled: false to silence, or fix and restart)", problem);
      return null;
    }
    return Accounting.create(acc, cluster, sacctRunner(), self);
  }

  /** Why accounting cannot run here (no sacct, state directory not usable), or null. */
  private String accountingProblem(AccountingConfig acc) {
    if (sacctRunner().locate("sacct").isEmpty()) {
      return "sacct not found" + (config.slurm().binDir() != null ? " in " + config.slurm().binDir() : " on PATH");
    }
    Path dir = Path.of(acc.stateDir());
    try {
      Files.createDirectories(dir);
      return Files.isWritable(dir) ? null : "state directory " + dir + " is not writable";
    } catch (IOException e) {
      return "cannot create state directory " + dir + ": " + e.getMessage();
    }
  }

  /**
   * Stops every part that {@code other} does not use (null: all). Accounting's close returns only after
   * its last step ended and its state lock is released, so a successor can open the directory after.
   */
  void closeExcept(Workers other) {
    if (other == null || poller != other.poller) {
      poller.close();
    }
    if (other == null || healthChecks != other.healthChecks) {
      healthChecks.close();
    }
    Accounting a = accounting;
    if (a != null && (other == null || a != other.accounting)) {
      a.close();
    }
  }
}
