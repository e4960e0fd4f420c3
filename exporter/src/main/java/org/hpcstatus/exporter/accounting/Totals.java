package org.hpcstatus.exporter.accounting;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Exact all-time aggregates plus daily rollups, as persisted in the state file. Only whole numbers
 * (seconds, KiB-seconds, counts), so sums are exact and independent of the order jobs arrive in: the
 * same set of jobs always gives equal {@code Totals}, which is what the idempotency and crash tests check.
 *
 * <p>Arrays indexed by state use {@link JobState}'s declaration order, which is therefore append-only.
 */
public final class Totals {

  /** Queue-wait histogram bounds (seconds): 1 min … 7 days; +Inf is implicit. */
  public static final double[] WAIT_BOUNDS = {60, 300, 600, 1800, 3600, 7200, 14400, 28800, 43200, 86400,
      172800, 345600, 604800};
  /** Daily rollups older than this many days are dropped (the widest window is 365d). */
  public static final int KEEP_DAYS = 370;

  /** Usage of one (user, account). */
  public static final class Usage {
    public long[] jobs = new long[JobState.ALL.length];
    public long cpuSeconds;
    public long gpuSeconds;
    public long memoryKibSeconds;

    @JsonIgnore
    public long jobCount() {
      long n = 0;
      for (long j : jobs) {
        n += j;
      }
      return n;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Usage u && java.util.Arrays.equals(jobs, u.jobs) && cpuSeconds == u.cpuSeconds
          && gpuSeconds == u.gpuSeconds && memoryKibSeconds == u.memoryKibSeconds;
    }

    @Override
    public int hashCode() {
      return Objects.hash(java.util.Arrays.hashCode(jobs), cpuSeconds, gpuSeconds, memoryKibSeconds);
    }
  }

  /** Per-partition job counts and queue-wait histogram (non-cumulative buckets, last = +Inf). */
  public static final class PartitionUsage {
    public long[] jobs = new long[JobState.ALL.length];
    public long[] wait = new long[WAIT_BOUNDS.length + 1];
    public long waitSumSeconds;

    @Override
    public boolean equals(Object o) {
      return o instanceof PartitionUsage p && java.util.Arrays.equals(jobs, p.jobs)
          && java.util.Arrays.equals(wait, p.wait) && waitSumSeconds == p.waitSumSeconds;
    }

    @Override
    public int hashCode() {
      return Objects.hash(java.util.Arrays.hashCode(jobs), java.util.Arrays.hashCode(wait), waitSumSeconds);
    }
  }

  /** Index of the daily rollup columns. */
  public static final int D_JOBS = 0;
  public static final int D_FAILED = 1;
  public static final int D_CPU = 2;
  public static final int D_GPU = 3;

  /** user → account → usage. */
  public Map<String, Map<String, Usage>> users = new HashMap<>();
  public Map<String, PartitionUsage> partitions = new HashMap<>();
  /** UTC day (days since epoch, of the job's End) → user → {jobs, failed, cpuSeconds, gpuSeconds}. */
  public TreeMap<Long, Map<String, long[]>> daily = new TreeMap<>();

  // one-entry caches for the hot path (consecutive sacct lines mostly share day and partition)
  private transient long lastDay = Long.MIN_VALUE;
  private transient Map<String, long[]> lastDayMap;

  /** Adds one job. The caller guarantees it has not been added before (dedupe). */
  public void add(JobRecord r) {
    int s = r.state().ordinal();
    Usage u = users.computeIfAbsent(r.user(), k -> new HashMap<>()).computeIfAbsent(r.account(), k -> new Usage());
    long cpu = r.cpuSeconds();
    long gpu = r.gpuSeconds();
    u.jobs[s]++;
    u.cpuSeconds += cpu;
    u.gpuSeconds += gpu;
    u.memoryKibSeconds += r.memoryKibSeconds();

    PartitionUsage p = partitions.computeIfAbsent(r.partition(), k -> new PartitionUsage());
    p.jobs[s]++;
    long w = r.waitSeconds();
    if (w >= 0) {
      p.wait[bucket(w)]++;
      p.waitSumSeconds += w;
    }

    long day = Math.floorDiv(r.end(), 86400L);
    Map<String, long[]> dm;
    if (day == lastDay) {
      dm = lastDayMap;
    } else {
      dm = daily.computeIfAbsent(day, k -> new HashMap<>());
      lastDay = day;
      lastDayMap = dm;
    }
    long[] d = dm.computeIfAbsent(r.user(), k -> new long[4]);
    d[D_JOBS]++;
    if (r.state().failure) {
      d[D_FAILED]++;
    }
    d[D_CPU] += cpu;
    d[D_GPU] += gpu;
  }

  static int bucket(long waitSeconds) {
    for (int i = 0; i < WAIT_BOUNDS.length; i++) {
      if (waitSeconds <= WAIT_BOUNDS[i]) {
        return i;
      }
    }
    return WAIT_BOUNDS.length;
  }

  /** Drops daily rollups older than {@link #KEEP_DAYS} before {@code today}. */
  public void pruneDaily(long today) {
    daily.headMap(today - KEEP_DAYS).clear();
    lastDay = Long.MIN_VALUE;
    lastDayMap = null;
  }

  /** All jobs counted. */
  public long jobCount() {
    long n = 0;
    for (var accounts : users.values()) {
      for (Usage u : accounts.values()) {
        n += u.jobCount();
      }
    }
    return n;
  }

  /** Equal aggregates (daily rollups compared by value). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Totals t) || !users.equals(t.users) || !partitions.equals(t.partitions)
        || !daily.keySet().equals(t.daily.keySet())) {
      return false;
    }
    for (var e : daily.entrySet()) {
      Map<String, long[]> a = e.getValue();
      Map<String, long[]> b = t.daily.get(e.getKey());
      if (!a.keySet().equals(b.keySet())) {
        return false;
      }
      for (var ue : a.entrySet()) {
        if (!java.util.Arrays.equals(ue.getValue(), b.get(ue.getKey()))) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(users, partitions, daily.keySet());
  }
}
