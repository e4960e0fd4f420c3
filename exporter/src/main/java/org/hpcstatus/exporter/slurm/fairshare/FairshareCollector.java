package org.hpcstatus.exporter.slurm.fairshare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
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
 * false 0.
 *
 * <p>Cardinality is bounded by config ({@code fairshare.top_accounts}, {@code fairshare.top_users}): the
 * accounts with the most raw usage keep their series, the rest are <em>dropped</em> — every account metric
 * is a ratio (or, for raw usage, part of a hierarchy where parents already include their children), so an
 * {@code account="other"} sum would mean nothing. User associations are shown only under shown accounts,
 * ranked by raw usage, at most {@code top_users} of them, never for opted-out users. What the caps hide is
 * counted ({@link #HIDDEN_ACCOUNTS}, {@link #HIDDEN_USERS}), so operators see a cap bite.
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
  public static final MetricDef HIDDEN_ACCOUNTS = MetricDef.gauge("hpcstatus_fairshare_hidden_accounts",
      "Accounts in sshare without series of their own (beyond fairshare.top_accounts by raw usage; dropped, "
          + "not summed).").polled();
  public static final MetricDef HIDDEN_USERS = MetricDef.gauge("hpcstatus_fairshare_hidden_users",
      "User associations in sshare without series (beyond fairshare.top_users by raw usage, under a hidden "
          + "account, or opted out via jobs.exclude_users).").polled();

  /** Most raw usage first, then by name, so the cut is deterministic. */
  private static final Comparator<ShareRow> BY_USAGE = Comparator
      .comparingDouble((ShareRow r) -> r.rawUsage() == null || r.rawUsage().isNaN() ? 0 : -r.rawUsage())
      .thenComparing(ShareRow::account).thenComparing(ShareRow::user);

  private final int topAccounts;
  private final int topUsers;
  private final Set<String> excluded;

  public FairshareCollector(int topAccounts, int topUsers, List<String> excludeUsers) {
    this.topAccounts = topAccounts;
    this.topUsers = topUsers;
    this.excluded = Set.copyOf(excludeUsers);
  }

  @Override
  public String name() {
    return "fairshare";
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(ACCOUNT_FS, ACCOUNT_LEVEL_FS, ACCOUNT_SHARES, ACCOUNT_USAGE, ACCOUNT_RAW_USAGE, USER_FS, USER_USAGE,
        HIDDEN_ACCOUNTS, HIDDEN_USERS);
  }

  @Override
  public void collect(CollectContext ctx, Out out) throws Exception {
    write(ctx.get(SlurmSources.SSHARE), out);
  }

  public void write(List<ShareRow> rows, Out out) {
    out.declare(ACCOUNT_FS);
    out.declare(ACCOUNT_LEVEL_FS);
    List<ShareRow> accounts = new ArrayList<>();
    List<ShareRow> users = new ArrayList<>();
    Set<String> accountNames = new HashSet<>();
    for (ShareRow r : rows) {
      if (r.isAccount()) {
        if (accountNames.add(r.account())) {
          accounts.add(r);
        }
      } else {
        users.add(r);
      }
    }
    accounts.sort(BY_USAGE);
    Set<String> shown = new HashSet<>();
    for (ShareRow r : accounts.subList(0, Math.min(topAccounts, accounts.size()))) {
      shown.add(r.account());
      set(out, ACCOUNT_FS, r.fairShare(), r.account());
      set(out, ACCOUNT_LEVEL_FS, r.levelFs(), r.account());
      set(out, ACCOUNT_SHARES, r.normShares(), r.account());
      set(out, ACCOUNT_USAGE, r.effectiveUsage(), r.account());
      set(out, ACCOUNT_RAW_USAGE, r.rawUsage(), r.account());
    }
    // sshare -a prints every account's own row before its users: a user row is shown only under a shown account
    List<ShareRow> eligible = new ArrayList<>();
    for (ShareRow r : users) {
      if (shown.contains(r.account()) && !excluded.contains(r.user())) {
        eligible.add(r);
      }
    }
    eligible.sort(BY_USAGE);
    Set<List<String>> seen = new HashSet<>();
    int shownUsers = 0;
    for (ShareRow r : eligible) {
      if (shownUsers == topUsers) {
        break;
      }
      if (seen.add(List.of(r.account(), r.user()))) {
        shownUsers++;
        set(out, USER_FS, r.fairShare(), r.account(), r.user());
        set(out, USER_USAGE, r.effectiveUsage(), r.account(), r.user());
      }
    }
    out.family(HIDDEN_ACCOUNTS).set(accounts.size() - shown.size());
    out.family(HIDDEN_USERS).set(users.size() - shownUsers);
  }

  private static void set(Out out, MetricDef def, Double v, String... labels) {
    if (v != null) {
      out.family(def).set(v, labels);
    }
  }
}
