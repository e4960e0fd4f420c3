package org.hpcstatus.exporter;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.accounting.AccountingConfig;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.config.ListenAddress;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.status.StatusConfig;

/**
 * The exporter's configuration (YAML, snake_case keys). Every field has a default, so an empty file —
 * or no file — gives a working exporter. See docs/configuration.md.
 */
public record Config(
    String cluster,
    Web web,
    Slurm slurm,
    Map<String, CollectorSettings> collectors,
    Jobs jobs,
    Fairshare fairshare,
    AccountingConfig accounting,
    List<ServiceCheckConfig> services,
    StatusConfig status) {

  public Config {
    cluster = cluster == null ? "" : cluster;
    web = web == null ? new Web(null, null) : web;
    slurm = slurm == null ? new Slurm(null, null, null) : slurm;
    collectors = collectors == null ? Map.of() : new LinkedHashMap<>(collectors);
    jobs = jobs == null ? new Jobs(null, null, null) : jobs;
    fairshare = (fairshare == null ? new Fairshare(null, null) : fairshare).resolve(jobs);
    accounting = accounting == null ? AccountingConfig.defaults() : accounting;
    services = services == null ? List.of() : List.copyOf(services);
    status = status == null ? StatusConfig.defaults() : status;
  }

  /**
   * Checks the top-level keys, {@code web} and {@code slurm} and {@code jobs} (values that parse but make
   * no sense); the other parts validate themselves (see {@link ConfigLoader#validate}). Errors name their
   * YAML path.
   */
  public Config validate() {
    ListenAddress.parse("/web/listen_address", web.listenAddress());
    for (int i = 0; i < web.publicPaths().size(); i++) {
      String p = web.publicPaths().get(i);
      if (p == null || !p.startsWith("/")) {
        throw new ConfigException("/web/public_paths/" + i, "a route path starting with /, e.g. \"/\"");
      }
    }
    if (slurm.commandTimeout().isZero() || slurm.commandTimeout().isNegative()) {
      throw new ConfigException("/slurm/command_timeout", "must be greater than 0");
    }
    if (slurm.maxOutputBytes() <= 0) {
      throw new ConfigException("/slurm/max_output_bytes", "must be greater than 0");
    }
    if (jobs.topUsers() < 0) {
      throw new ConfigException("/jobs/top_users", "must be 0 or more");
    }
    if (jobs.topAccounts() < 0) {
      throw new ConfigException("/jobs/top_accounts", "must be 0 or more");
    }
    if (fairshare.topAccounts() < 0) {
      throw new ConfigException("/fairshare/top_accounts", "must be 0 or more");
    }
    if (fairshare.topUsers() < 0) {
      throw new ConfigException("/fairshare/top_users", "must be 0 or more");
    }
    return this;
  }

  /** The same config listening on {@code address} (the {@code --web.listen-address} flag). */
  public Config withListenAddress(String address) {
    return new Config(cluster, new Web(address, web.publicPaths()), slurm, collectors, jobs, fairshare, accounting, services,
        status);
  }

  public static Config defaults() {
    return new Config(null, null, null, null, null, null, null, null, null);
  }

  /**
   * Web server. {@code public_paths}: routes that stay open to everyone when a web config file
   * ({@code --web.config.file}) sets {@code basic_auth_users}, e.g. {@code ["/"]} for the status page;
   * routes that write (access AUTHENTICATED) can never be listed.
   */
  public record Web(@JsonProperty("listen_address") String listenAddress,
                    @JsonProperty("public_paths") List<String> publicPaths) {
    public Web {
      listenAddress = listenAddress == null ? ":9850" : listenAddress;
      publicPaths = publicPaths == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(publicPaths));
    }
  }

  /** How Slurm's commands are run. */
  public record Slurm(
      @JsonProperty("bin_dir") String binDir,
      @JsonProperty("command_timeout") Duration commandTimeout,
      @JsonProperty("max_output_bytes") Long maxOutputBytes) {
    public Slurm {
      binDir = binDir == null || binDir.isBlank() ? null : binDir;
      commandTimeout = commandTimeout == null ? Duration.ofSeconds(10) : commandTimeout;
      maxOutputBytes = maxOutputBytes == null ? 256L * 1024 * 1024 : maxOutputBytes;
    }
  }

  /** Per-collector switch and poll interval; absent fields take the collector table's defaults. */
  public record CollectorSettings(Boolean enabled, Duration interval) {}

  /** Cardinality limits for per-user / per-account job series. */
  public record Jobs(
      @JsonProperty("top_users") Integer topUsers,
      @JsonProperty("top_accounts") Integer topAccounts,
      @JsonProperty("exclude_users") List<String> excludeUsers) {
    public Jobs {
      topUsers = topUsers == null ? 50 : topUsers;
      topAccounts = topAccounts == null ? 50 : topAccounts;
      excludeUsers = excludeUsers == null ? List.of() : List.copyOf(excludeUsers);
    }
  }

  /**
   * Cardinality limits for the fair-share collector's per-account and per-user series (sshare). Beyond the
   * caps rows are dropped, not summed: the values are ratios. {@code top_users} absent: 10 × {@code jobs.top_users}
   * (what it was before it had a key of its own).
   */
  public record Fairshare(
      @JsonProperty("top_accounts") Integer topAccounts,
      @JsonProperty("top_users") Integer topUsers) {
    public static final int DEFAULT_TOP_ACCOUNTS = 200;

    public Fairshare {
      topAccounts = topAccounts == null ? DEFAULT_TOP_ACCOUNTS : topAccounts;
    }

    Fairshare resolve(Jobs jobs) {
      return topUsers != null ? this : new Fairshare(topAccounts, jobs.topUsers() * 10);
    }
  }
}
