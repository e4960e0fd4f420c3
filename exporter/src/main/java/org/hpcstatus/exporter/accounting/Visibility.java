package org.hpcstatus.exporter.accounting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which users get series of their own. A user is shown once they have at least {@code min_jobs}
 * finished jobs, are not on {@code exclude_users} (opt-out), and fit under the {@code top_users} cap
 * (ranked by all-time CPU-seconds when several qualify at once). Admission is sticky: a shown user stays
 * shown (unless they opt out), so per-user counters never vanish and reappear. Everyone else is summed
 * into {@code user="other"}, so cluster totals stay exact.
 *
 * <p>Accounts likewise: the first {@code top_accounts} accounts (by all-time CPU-seconds when several come at
 * once; no minimum) are shown, stickily; the rest are {@code account="other"}. Only labels change — the
 * totals keep every (user, account) — so a changed cap needs no migration of the state.
 */
public final class Visibility {
  public static final String OTHER = "other";

  private Visibility() {}

  /** Updates {@code state.visibleUsers} and {@code state.visibleAccounts} from the current totals and config. */
  public static void admit(AccountingState state, AccountingConfig config) {
    admitUsers(state, config);
    admitAccounts(state, config);
  }

  private static void admitUsers(AccountingState state, AccountingConfig config) {
    Set<String> excluded = new HashSet<>(config.excludeUsers());
    state.visibleUsers.removeIf(excluded::contains);
    state.visibleUsers.remove(OTHER);
    if (state.visibleUsers.size() >= config.topUsers()) {
      return;
    }
    List<Map.Entry<String, long[]>> candidates = new ArrayList<>();
    for (var e : state.totals.users.entrySet()) {
      String u = e.getKey();
      if (state.visibleUsers.contains(u) || excluded.contains(u) || u.equals(OTHER)) {
        continue;
      }
      long jobs = 0;
      long cpu = 0;
      for (Totals.Usage usage : e.getValue().values()) {
        jobs += usage.jobCount();
        cpu += usage.cpuSeconds;
      }
      if (jobs >= config.minJobs()) {
        candidates.add(Map.entry(u, new long[] {cpu, jobs}));
      }
    }
    candidates.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
        .thenComparingLong(e -> -e.getValue()[1]).thenComparing(Map.Entry::getKey));
    for (var c : candidates) {
      if (state.visibleUsers.size() >= config.topUsers()) {
        break;
      }
      state.visibleUsers.add(c.getKey());
    }
  }

  /** Admits accounts into {@code state.visibleAccounts} (created if null) up to {@code top_accounts}. */
  static void admitAccounts(AccountingState state, AccountingConfig config) {
    if (state.visibleAccounts == null) {
      state.visibleAccounts = new LinkedHashSet<>();
    }
    Set<String> shown = state.visibleAccounts;
    shown.remove(OTHER);
    if (shown.size() >= config.topAccounts()) {
      return;
    }
    Map<String, long[]> candidates = new HashMap<>();
    for (Map<String, Totals.Usage> accounts : state.totals.users.values()) {
      for (var e : accounts.entrySet()) {
        if (!shown.contains(e.getKey()) && !e.getKey().equals(OTHER)) {
          long[] c = candidates.computeIfAbsent(e.getKey(), k -> new long[2]);
          c[0] += e.getValue().cpuSeconds;
          c[1] += e.getValue().jobCount();
        }
      }
    }
    List<Map.Entry<String, long[]>> ranked = new ArrayList<>(candidates.entrySet());
    ranked.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
        .thenComparingLong(e -> -e.getValue()[1]).thenComparing(Map.Entry::getKey));
    for (var c : ranked) {
      if (shown.size() >= config.topAccounts()) {
        break;
      }
      shown.add(c.getKey());
    }
  }

  /** The label value for {@code account} (a state not admitted yet, {@code visibleAccounts} null, shows all). */
  public static String accountLabel(AccountingState state, String account) {
    return state.visibleAccounts == null || state.visibleAccounts.contains(account) && !account.equals(OTHER)
        ? account : OTHER;
  }

  /** The label value for {@code user}. */
  public static String label(AccountingState state, String user) {
    return state.visibleUsers.contains(user) ? user : OTHER;
  }
}
