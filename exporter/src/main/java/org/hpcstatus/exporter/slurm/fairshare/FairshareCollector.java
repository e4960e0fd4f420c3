package org.hpcstatus.exporter.slurm.fairshare;

import java.util.List;
import java.util.Set;
import org.hpcstatus.exporter.core.CollectContext;
import org.hpcstatus.exporter.core.Collector;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.SlurmSources;

/**
 * Fair-share from {@code sshare -a -P -l} (one SHARE_INFO RPC, polled slowly). Account rows give
 * LevelFS under Fair Tree, where their FairShare column is empty — we expose what is there rather than a
 * false 0. Per-user rows are capped ({@code max_users}) and skip opted-out users.
 */
public final class FairshareCollector implements Collector {

  public static final MetricDef ACCOUNT_FS = MetricDef.gauge("slurm_account_fairshare",
      "FairShare factor (0–1) of an account, where sshare reports one (not under Fair Tree).", "account").polled();
  public static final MetricDef ACCOUNT_LEVEL_FS = MetricDef.gauge("slurm_account_level_fairshare",
      "LevelFS of an account (Fair Tree): >1 under-served, <1 over-served.", "account").polled();
  public static final MetricDef ACCOUNT_SHARES = MetricDef.gauge("slurm_account_shares_normalized",
      "Normalised shares (0–1) of an account among its siblings.", "account").polled();
  public static final MetricDef ACCOUNT_USAGE = MetricDef.gauge("slurm_account_usage_effective",
      "Effective (decayed, normalised) usage (0–1) of an account.", "account").polled();
  public static final MetricDef ACCOUNT_RAW_USAGE = MetricDef.gauge("slurm_account_usage_raw",
      "Raw decayed usage of an account (TRES-billing-seconds, decayed by PriorityDecayHalfLife).", "account").polled();
  public static final MetricDef USER_FS = MetricDef.gauge("slurm_user_fairshare",
      "FairShare factor (0–1) of a user's association in an account.", "account", "user").polled();
  public static final MetricDef USER_USAGE = MetricDef.gauge("slurm_user_usage_effective",
      "Effective usage (0–1) of a user's association in an account.", "account", "user").polled();

  private final int maxUsers;
  private final Set<String> excluded;

  public FairshareCollector(int maxUsers, List<String> excludeUsers) {
    this.maxUsers = maxUsers;
    this.excluded = Set.copyOf(excludeUsers);
  }

  @Override
  public String name() {
    return "fairshare";
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(ACCOUNT_FS, ACCOUNT_LEVEL_FS, ACCOUNT_SHARES, ACCOUNT_USAGE, ACCOUNT_RAW_USAGE, USER_FS, USER_USAGE);
  }

  @Override
  public void collect(CollectContext ctx, Out out) throws Exception {
    write(ctx.get(SlurmSources.SSHARE), out);
  }

  public void write(List<ShareRow> rows, Out out) {
    out.declare(ACCOUNT_FS);
    out.declare(ACCOUNT_LEVEL_FS);
    int users = 0;
    for (ShareRow r : rows) {
      if (r.isAccount()) {
        set(out, ACCOUNT_FS, r.fairShare(), r.account());
        set(out, ACCOUNT_LEVEL_FS, r.levelFs(), r.account());
        set(out, ACCOUNT_SHARES, r.normShares(), r.account());
        set(out, ACCOUNT_USAGE, r.effectiveUsage(), r.account());
        set(out, ACCOUNT_RAW_USAGE, r.rawUsage(), r.account());
      } else if (!excluded.contains(r.user()) && users < maxUsers) {
        users++;
        set(out, USER_FS, r.fairShare(), r.account(), r.user());
        set(out, USER_USAGE, r.effectiveUsage(), r.account(), r.user());
      }
    }
  }

  private static void set(Out out, MetricDef def, Double v, String... labels) {
    if (v != null) {
      out.family(def).set(v, labels);
    }
  }
}
