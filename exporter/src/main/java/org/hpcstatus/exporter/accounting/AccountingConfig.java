package org.hpcstatus.exporter.accounting;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import org.hpcstatus.exporter.config.ConfigException;

/**
 * {@code accounting:} in the YAML config. Every key has a default, so an empty config works.
 *
 * <p>{@code enabled} is tri-state: absent means <em>auto</em> — accounting runs when {@code sacct} is
 * found and the state directory is usable, and is skipped with a warning otherwise; {@code true} makes a
 * missing {@code sacct} or unusable state directory a startup error; {@code false} turns it off.
 */
public record AccountingConfig(
    Boolean enabled,
    @JsonProperty("state_dir") String stateDir,
    Duration interval,
    Duration overlap,
    @JsonProperty("sacct_calls_per_minute") Double sacctCallsPerMinute,
    @JsonProperty("sacct_timeout") Duration sacctTimeout,
    @JsonProperty("max_backoff") Duration maxBackoff,
    @JsonProperty("exclude_users") List<String> excludeUsers,
    @JsonProperty("min_jobs") Integer minJobs,
    @JsonProperty("top_users") Integer topUsers,
    @JsonProperty("top_accounts") Integer topAccounts) {

  public static final String DEFAULT_STATE_DIR = "/var/lib/hpc-status-exporter/accounting";
  /**
   * Output cap of the sacct runner's String API ({@link org.hpcstatus.exporter.core.CommandRunner#run}), or
   * {@code slurm.max_output_bytes} if smaller. Ingest does not use it: it streams sacct's output into the
   * parser ({@code CommandRunner#stream}), so a window of any size is one call and is never split or refetched.
   */
  public static final long SACCT_MAX_OUTPUT_BYTES = 32L << 20;

  public static long sacctOutputCap(long slurmMaxOutputBytes) {
    return Math.min(slurmMaxOutputBytes, SACCT_MAX_OUTPUT_BYTES);
  }

  public AccountingConfig {
    stateDir = stateDir == null || stateDir.isBlank() ? DEFAULT_STATE_DIR : stateDir;
    interval = interval == null ? Duration.ofSeconds(60) : interval;
    overlap = overlap == null ? Duration.ofHours(1) : overlap;
    sacctCallsPerMinute = sacctCallsPerMinute == null ? 2.0 : sacctCallsPerMinute;
    sacctTimeout = sacctTimeout == null ? Duration.ofMinutes(5) : sacctTimeout;
    maxBackoff = maxBackoff == null ? Duration.ofMinutes(10) : maxBackoff;
    excludeUsers = excludeUsers == null ? List.of() : List.copyOf(excludeUsers);
    minJobs = minJobs == null ? 3 : minJobs;
    topUsers = topUsers == null ? 200 : topUsers;
    topAccounts = topAccounts == null ? 200 : topAccounts;
  }

  public static AccountingConfig defaults() {
    return new AccountingConfig(null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Range checks; errors name the YAML path. */
  public AccountingConfig validate() {
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException("/accounting/interval", "must be at least 1s");
    }
    if (overlap.isNegative()) {
      throw new ConfigException("/accounting/overlap", "must not be negative");
    }
    if (!(sacctCallsPerMinute > 0) || sacctCallsPerMinute > 600) {
      throw new ConfigException("/accounting/sacct_calls_per_minute", "must be > 0 and <= 600");
    }
    if (sacctTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException("/accounting/sacct_timeout", "must be at least 1s");
    }
    if (maxBackoff.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException("/accounting/max_backoff", "must be at least 1s");
    }
    if (minJobs < 0) {
      throw new ConfigException("/accounting/min_jobs", "must be 0 or greater");
    }
    if (topUsers < 0) {
      throw new ConfigException("/accounting/top_users", "must be 0 or greater");
    }
    if (topAccounts < 0) {
      throw new ConfigException("/accounting/top_accounts", "must be 0 or greater");
    }
    return this;
  }

  /** Minimum spacing between two sacct calls. */
  public Duration minCallSpacing() {
    return Duration.ofMillis(Math.round(60_000 / sacctCallsPerMinute));
  }
}
