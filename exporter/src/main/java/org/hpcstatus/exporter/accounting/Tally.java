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

  // consecutive rows mostly repeat these
  private long lastPair = Long.MIN_VALUE;
  private int lastPairSlot;
  private long lastDayKey = Long.MIN_VALUE;
  private int lastDaySlot;

  /** Adds one job; names are {@link Names} ids. */
  void add(int user, int account, int partition, JobState state, long submit, long start, long end, long elapsed,
           long cpus, long gpus, long memoryBytes) {
    int s = state.ordinal();
    long cpu = cpus * elapsed;
    long gpu = gpus * elapsed;

    long pk = ((long) user << 32) | (account & 0xFFFF_FFFFL);
    int p = pk == lastPair ? lastPairSlot : pairSlot(pk);
    int u = p * (STATES + 3);
    usage[u + s]++;
    usage[u + STATES] += cpu;
    usage[u + STATES + 1] += gpu;
    usage[u + STATES + 2] += (memoryBytes / 1024) * elapsed;

    int q = partitions.slot(partition);
    if ((q + 1) * (STATES + BUCKETS + 1) > parts.length) {
      parts = Arrays.copyOf(parts, parts.length * 2);
    }
    int b = q * (STATES + BUCKETS + 1);
    parts[b + s]++;
    if (start >= 0 && submit >= 0) {
      long w = Math.max(0, start - submit);
      parts[b + STATES + Totals.bucket(w)]++;
      parts[b + STATES + BUCKETS] += w;
    }

    long dk = (Math.floorDiv(end, 86400L) << 32) | (user & 0xFFFF_FFFFL);
    int d = dk == lastDayKey ? lastDaySlot : daySlot(dk);
    int x = d * 4;
    daily[x + Totals.D_JOBS]++;
    if (state.failure) {
      daily[x + Totals.D_FAILED]++;
    }
    daily[x + Totals.D_CPU] += cpu;
    daily[x + Totals.D_GPU] += gpu;
  }

  private int pairSlot(long pk) {
    int p = pairs.slot(pk);
    if ((p + 1) * (STATES + 3) > usage.length) {
      usage = Arrays.copyOf(usage, usage.length * 2);
    }
    lastPair = pk;
    lastPairSlot = p;
    return p;
  }

  private int daySlot(long dk) {
    int d = days.slot(dk);
    if ((d + 1) * 4 > daily.length) {
      daily = Arrays.copyOf(daily, daily.length * 2);
    }
    lastDayKey = dk;
    lastDaySlot = d;
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
