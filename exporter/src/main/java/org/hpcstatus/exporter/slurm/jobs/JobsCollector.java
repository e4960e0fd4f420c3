package org.hpcstatus.exporter.slurm.jobs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hpcstatus.exporter.core.CollectContext;
import org.hpcstatus.exporter.core.Collector;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.SlurmSources;

/**
 * The job queue from one {@code squeue} call (JOB_INFO + PARTITION_INFO): jobs by state, partition,
 * normalised pending reason, QOS, and per user/account with a configured top-N (the rest, and opted-out
 * users, fold into {@code other}, so totals stay exact).
 *
 * <p>A job pending in several partitions ({@code -p a,b}) counts once in {@code slurm_jobs} and in
 * every partition it waits for in {@code slurm_partition_jobs}.
 */
public final class JobsCollector implements Collector {
  public static final String OTHER = "other";

  public static final MetricDef JOBS = MetricDef.gauge("slurm_jobs",
      "Jobs in the queue by state (each job and array task once).", "state").polled();
  public static final MetricDef JOB_CPUS = MetricDef.gauge("slurm_job_cpus",
      "CPUs of queued jobs by state (allocated for running, requested for pending).", "state").polled();
  public static final MetricDef JOB_GPUS = MetricDef.gauge("slurm_job_gpus",
      "GPUs of queued jobs by state (allocated for running, requested for pending; typed+untyped counted once).",
      "state").polled();
  public static final MetricDef PARTITION_JOBS = MetricDef.gauge("slurm_partition_jobs",
      "Jobs by partition and state; a job pending in several partitions counts in each of them.",
      "partition", "state").polled();
  public static final MetricDef PENDING_REASON = MetricDef.gauge("slurm_jobs_pending",
      "Pending jobs by normalised reason (ReqNodeNotAvail, Resources, Priority, Dependency, …).", "reason").polled();
  public static final MetricDef QOS_JOBS = MetricDef.gauge("slurm_qos_jobs",
      "Jobs by QOS and state.", "qos", "state").polled();
  public static final MetricDef USER_JOBS = MetricDef.gauge("slurm_user_jobs",
      "Jobs per user and state; users beyond the top-N or opted out are summed as user=\"other\".",
      "user", "state").polled();
  public static final MetricDef USER_CPUS = MetricDef.gauge("slurm_user_cpus",
      "CPUs of jobs per user and state (top-N users, rest as \"other\").", "user", "state").polled();
  public static final MetricDef USER_GPUS = MetricDef.gauge("slurm_user_gpus",
      "GPUs of jobs per user and state (top-N users, rest as \"other\").", "user", "state").polled();
  public static final MetricDef ACCOUNT_JOBS = MetricDef.gauge("slurm_account_jobs",
      "Jobs per account and state; accounts beyond the top-N are summed as account=\"other\".",
      "account", "state").polled();
  public static final MetricDef ACCOUNT_CPUS = MetricDef.gauge("slurm_account_cpus",
      "CPUs of jobs per account and state (top-N accounts, rest as \"other\").", "account", "state").polled();
  public static final MetricDef ACCOUNT_GPUS = MetricDef.gauge("slurm_account_gpus",
      "GPUs of jobs per account and state (top-N accounts, rest as \"other\").", "account", "state").polled();
  public static final MetricDef OLDEST_PENDING = MetricDef.gauge("slurm_partition_oldest_pending_submit_timestamp_seconds",
      "Submit time of the oldest pending job per partition (queue wait = time() - this).", "partition").polled();

  private final int topUsers;
  private final int topAccounts;
  private final Set<String> excluded;

  public JobsCollector(int topUsers, int topAccounts, List<String> excludeUsers) {
    this.topUsers = topUsers;
    this.topAccounts = topAccounts;
    this.excluded = Set.copyOf(excludeUsers);
  }

  @Override
  public String name() {
    return "jobs";
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(JOBS, JOB_CPUS, JOB_GPUS, PARTITION_JOBS, PENDING_REASON, QOS_JOBS, USER_JOBS, USER_CPUS,
        USER_GPUS, ACCOUNT_JOBS, ACCOUNT_CPUS, ACCOUNT_GPUS, OLDEST_PENDING);
  }

  @Override
  public void collect(CollectContext ctx, Out out) throws Exception {
    write(ctx.get(SlurmSources.JOBS), out);
  }

  /** Pure: jobs → families. */
  public void write(List<Job> jobs, Out out) {
    Out.Family byState = out.family(JOBS);
    Out.Family cpus = out.family(JOB_CPUS);
    Out.Family gpus = out.family(JOB_GPUS);
    for (String s : JobStates.COMMON) {
      byState.set(0, s);
      cpus.set(0, s);
      gpus.set(0, s);
    }
    Out.Family part = out.family(PARTITION_JOBS);
    Out.Family reasons = out.family(PENDING_REASON);
    Out.Family qos = out.family(QOS_JOBS);
    Out.Family oldest = out.family(OLDEST_PENDING);
    Map<String, Double> oldestByPart = new HashMap<>();

    Set<String> users = topN(jobs, true, topUsers);
    Set<String> accounts = topN(jobs, false, topAccounts);
    Out.Family uJobs = out.family(USER_JOBS);
    Out.Family uCpus = out.family(USER_CPUS);
    Out.Family uGpus = out.family(USER_GPUS);
    Out.Family aJobs = out.family(ACCOUNT_JOBS);
    Out.Family aCpus = out.family(ACCOUNT_CPUS);
    Out.Family aGpus = out.family(ACCOUNT_GPUS);

    for (Job j : jobs) {
      String st = j.state();
      byState.add(1, st);
      cpus.add(j.cpus(), st);
      gpus.add(j.gpus(), st);
      for (String p : j.partitions()) {
        part.add(1, p, st);
        if (st.equals("pending") && j.submitTime() != null) {
          oldestByPart.merge(p, (double) j.submitTime(), Math::min);
        }
      }
      if (st.equals("pending")) {
        reasons.add(1, j.reason());
      }
      qos.add(1, j.qos().isEmpty() ? "none" : j.qos(), st);
      String u = users.contains(j.user()) ? j.user() : OTHER;
      uJobs.add(1, u, st);
      uCpus.add(j.cpus(), u, st);
      uGpus.add(j.gpus(), u, st);
      String a = accounts.contains(j.account()) ? j.account() : OTHER;
      aJobs.add(1, a, st);
      aCpus.add(j.cpus(), a, st);
      aGpus.add(j.gpus(), a, st);
    }
    oldestByPart.forEach((p, t) -> oldest.set(t, p));
  }

  /**
   * The N biggest users (or accounts) by CPUs of running jobs, then by number of jobs, then by name
   * (stable across scrapes). Opted-out users never qualify.
   */
  private Set<String> topN(List<Job> jobs, boolean byUser, int n) {
    Map<String, long[]> score = new HashMap<>();
    for (Job j : jobs) {
      String k = byUser ? j.user() : j.account();
      if (byUser && excluded.contains(k)) {
        continue;
      }
      long[] s = score.computeIfAbsent(k, x -> new long[2]);
      if (j.state().equals("running")) {
        s[0] += j.cpus();
      }
      s[1]++;
    }
    if (score.size() <= n) {
      Set<String> all = new HashSet<>(score.keySet());
      all.remove(OTHER);
      return all;
    }
    List<Map.Entry<String, long[]>> list = new ArrayList<>(score.entrySet());
    list.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
        .thenComparingLong(e -> -e.getValue()[1])
        .thenComparing(Map.Entry::getKey));
    Set<String> top = new HashSet<>();
    for (int i = 0; i < n && i < list.size(); i++) {
      top.add(list.get(i).getKey());
    }
    top.remove(OTHER);
    return top;
  }
}
