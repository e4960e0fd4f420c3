package org.hpcstatus.exporter.accounting;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The aggregates of one sacct call, kept in int-keyed flat arrays while the output streams in (no map
 * lookup by String, no object per row), then added to {@link Totals} in one go by {@link #mergeInto}. The
 * sums are the same as adding each job to {@code Totals} one by one: whole numbers, order-independent.
 * A call that fails is simply dropped with its tally.
 */
final class Tally {
  private static final int STATES = JobState.ALL.length;
  private static final int BUCKETS = Totals.WAIT_BOUNDS.length + 1;

  /** (user, account) → jobs by state, then cpu-s, gpu-s, memory KiB-s. */
  private final LongSlots pairs = new LongSlots();
  private long[] usage = new long[64 * (STATES + 3)];
  /** partition → jobs by state, wait buckets, wait sum. */
  private final LongSlots partitions = new LongSlots();
  private long[] parts = new long[8 * (STATES + BUCKETS + 1)];
  /** (UTC day, user) → jobs, failed, cpu-s, gpu-s. */
  private final LongSlots days = new LongSlots();
  private long[] daily = new long[256 * 4];

  // per name id (user or partition): the slot used last, so most rows need no hash lookup at all
  private int[] userAccount = new int[0]; // account id + 1
  private int[] userPairSlot = new int[0];
  private long[] userDay = new long[0]; // day + 1
  private int[] userDaySlot = new int[0];
  private int[] partitionSlot = new int[0]; // slot + 1

  /** Adds one job; names are {@link Names} ids. */
  void add(int user, int account, int partition, JobState state, long submit, long start, long end, long elapsed,
           long cpus, long gpus, long memoryBytes) {
    int s = state.ordinal();
    long cpu = cpus * elapsed;
    long gpu = gpus * elapsed;

    if (user >= userAccount.length || partition >= partitionSlot.length) {
      grow(Math.max(user, partition) + 1);
    }
    int p = userAccount[user] == account + 1 ? userPairSlot[user] : pairSlot(user, account);
    int u = p * (STATES + 3);
    usage[u + s]++;
    usage[u + STATES] += cpu;
    usage[u + STATES + 1] += gpu;
    usage[u + STATES + 2] += (memoryBytes / 1024) * elapsed;

    int q = partitionSlot[partition] - 1;
    if (q < 0) {
      q = partitions.slot(partition);
      partitionSlot[partition] = q + 1;
      if ((q + 1) * (STATES + BUCKETS + 1) > parts.length) {
        parts = Arrays.copyOf(parts, parts.length * 2);
      }
    }
    int b = q * (STATES + BUCKETS + 1);
    parts[b + s]++;
    if (start >= 0 && submit >= 0) {
      long w = Math.max(0, start - submit);
      parts[b + STATES + Totals.bucket(w)]++;
      parts[b + STATES + BUCKETS] += w;
    }

    long day = Math.floorDiv(end, 86400L);
    int d = userDay[user] == day + 1 ? userDaySlot[user] : daySlot(user, day);
    int x = d * 4;
    daily[x + Totals.D_JOBS]++;
    if (state.failure) {
      daily[x + Totals.D_FAILED]++;
    }
    daily[x + Totals.D_CPU] += cpu;
    daily[x + Totals.D_GPU] += gpu;
  }

  private void grow(int n) {
    int m = Math.max(n, userAccount.length * 2);
    userAccount = Arrays.copyOf(userAccount, m);
    userPairSlot = Arrays.copyOf(userPairSlot, m);
    userDay = Arrays.copyOf(userDay, m);
    userDaySlot = Arrays.copyOf(userDaySlot, m);
    partitionSlot = Arrays.copyOf(partitionSlot, m);
  }

  private int pairSlot(int user, int account) {
    int p = pairs.slot(((long) user << 32) | (account & 0xFFFF_FFFFL));
    if ((p + 1) * (STATES + 3) > usage.length) {
      usage = Arrays.copyOf(usage, usage.length * 2);
    }
    userAccount[user] = account + 1;
    userPairSlot[user] = p;
    return p;
  }

  private int daySlot(int user, long day) {
    int d = days.slot((day << 32) | (user & 0xFFFF_FFFFL));
    if ((d + 1) * 4 > daily.length) {
      daily = Arrays.copyOf(daily, daily.length * 2);
    }
    userDay[user] = day + 1;
    userDaySlot[user] = d;
    return d;
  }

  /** Adds everything tallied to {@code t}. */
  void mergeInto(Totals t, Names names) {
    for (int p = 0; p < pairs.size(); p++) {
      long k = pairs.key(p);
      Totals.Usage u = t.users.computeIfAbsent(names.name((int) (k >>> 32)), x -> new HashMap<>())
          .computeIfAbsent(names.name((int) k), x -> new Totals.Usage());
      int o = p * (STATES + 3);
      for (int s = 0; s < STATES; s++) {
        u.jobs[s] += usage[o + s];
      }
      u.cpuSeconds += usage[o + STATES];
      u.gpuSeconds += usage[o + STATES + 1];
      u.memoryKibSeconds += usage[o + STATES + 2];
    }
    for (int q = 0; q < partitions.size(); q++) {
      Totals.PartitionUsage pu = t.partitions.computeIfAbsent(names.name((int) partitions.key(q)),
          x -> new Totals.PartitionUsage());
      int o = q * (STATES + BUCKETS + 1);
      for (int s = 0; s < STATES; s++) {
        pu.jobs[s] += parts[o + s];
      }
      for (int w = 0; w < BUCKETS; w++) {
        pu.wait[w] += parts[o + STATES + w];
      }
      pu.waitSumSeconds += parts[o + STATES + BUCKETS];
    }
    for (int d = 0; d < days.size(); d++) {
      long k = days.key(d);
      Map<String, long[]> dm = t.daily.computeIfAbsent(k >> 32, x -> new HashMap<>());
      long[] v = dm.computeIfAbsent(names.name((int) k), x -> new long[4]);
      for (int c = 0; c < 4; c++) {
        v[c] += daily[d * 4 + c];
      }
    }
  }
}
