package org.hpcstatus.exporter.accounting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which users get series of their own. A user is shown once they have at least {@code min_jobs}
 * finished jobs, are not on {@code exclude_users} (opt-out), and fit under the {@code top_users} cap
 * (ranked by all-time CPU-seconds when several qualify at once). Admission is sticky: a shown user stays
 * shown (unless they opt out), so per-user counters never vanish and reappear. Everyone else is summed
 * into {@code user="other"}, so cluster totals stay exact.
 */
public final class Visibility {
  public static final String OTHER = "other";

  private Visibility() {}

  /** Updates {@code state.visibleUsers} from the current totals and config. */
  public static void admit(AccountingState state, AccountingConfig config) {
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

  /** The label value for {@code user}. */
  public static String label(AccountingState state, String user) {
    return state.visibleUsers.contains(user) ? user : OTHER;
  }
}
