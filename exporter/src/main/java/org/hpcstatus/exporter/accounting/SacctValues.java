package org.hpcstatus.exporter.accounting;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.hpcstatus.exporter.slurm.common.KeyValues;
import org.hpcstatus.exporter.slurm.common.SlurmValues;

/**
 * Pure byte-level readers of sacct field values (integers, timestamps, AllocTRES GPUs and memory, ReqMem),
 * with the exact semantics of {@link SlurmValues}: the common shapes are parsed by hand, anything unusual
 * goes through {@link SlurmValues} itself.
 */
final class SacctValues {

  private SacctValues() {}

  private static String text(byte[] b, int from, int to) {
    return new String(b, from, Math.max(0, to - from), StandardCharsets.UTF_8);
  }

  /** Non-negative decimal integer in {@code [from, to)}, or -1. */
  static long digits(byte[] s, int from, int to) {
    if (from >= to || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = s[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** {@code YYYY-MM-DDTHH:MM:SS} (UTC) to epoch seconds, or {@code Long.MIN_VALUE} if not exactly that shape. */
  static long fastTimestamp(byte[] s, int from, int to) {
    if (to - from != 19 || s[from + 4] != '-' || s[from + 7] != '-' || s[from + 10] != 'T'
        || s[from + 13] != ':' || s[from + 16] != ':') {
      return Long.MIN_VALUE;
    }
    long y = digits(s, from, from + 4);
    long mo = digits(s, from + 5, from + 7);
    long d = digits(s, from + 8, from + 10);
    long h = digits(s, from + 11, from + 13);
    long mi = digits(s, from + 14, from + 16);
    long se = digits(s, from + 17, from + 19);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > monthDays(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59
        || se < 0 || se > 59) {
      return Long.MIN_VALUE; // e.g. 2026-02-30 is not a date: the slow path says so
    }
    return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  }

  private static long monthDays(long y, long m) {
    if (m == 2) {
      return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28;
    }
    return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
  static long daysFromCivil(long y, long m, long d) {
    y -= m <= 2 ? 1 : 0;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }

  private static final byte[] GPU = "gres/gpu".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MEM = "mem=".getBytes(StandardCharsets.US_ASCII);

  /** Index of the TRES item starting with {@code key} in {@code [from, to)}, or -1. */
  private static int item(byte[] b, int from, int to, byte[] key, int searchFrom) {
    byte k0 = key[0];
    for (int i = searchFrom; i + key.length <= to; i++) {
      if (b[i] == k0 && (i == from || b[i - 1] == ',') && Arrays.equals(b, i, i + key.length, key, 0, key.length)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * GPUs in AllocTRES, same rule as {@link SlurmValues#gpus}: the untyped {@code gres/gpu=N} wins, typed
   * {@code gres/gpu:TYPE=N} are summed only without it. Unusual values (suffixes) go through
   * {@link SlurmValues} itself.
   */
  static long gpus(byte[] b, int from, int to) {
    int i = item(b, from, to, GPU, from);
    if (i < 0) {
      return 0;
    }
    long typed = 0;
    while (i >= 0) {
      int k = i + GPU.length;
      if (k < to && (b[k] == '=' || b[k] == ':')) {
        int eq = k;
        while (eq < to && b[eq] != '=' && b[eq] != ',') {
          eq++;
        }
        int end = eq;
        while (end < to && b[end] != ',') {
          end++;
        }
        long v = eq < to && b[eq] == '=' ? digits(b, eq + 1, end) : -1;
        if (v < 0) {
          return SlurmValues.gpus(SlurmValues.tres(text(b, from, to)));
        }
        if (b[k] == '=') {
          return v;
        }
        typed += v;
      }
      i = item(b, from, to, GPU, i + 1);
    }
    return typed;
  }

  /** {@code mem=} of AllocTRES in bytes, or -1 if absent. */
  static long allocatedMemory(byte[] b, int from, int to) {
    int i = item(b, from, to, MEM, from);
    return i < 0 ? -1 : memoryAt(b, i, to);
  }

  private static boolean startsWith(byte[] b, int i, int to, byte[] key) {
    return i + key.length <= to && Arrays.equals(b, i, i + key.length, key, 0, key.length);
  }

  /**
   * {@link #gpus} and {@link #allocatedMemory} of AllocTRES {@code [from, to)} with one pass over its items
   * (the GPU rule only runs when there is a {@code gres/gpu} item at all): returns the memory, or -1, and puts
   * the GPU count into {@code gpusOut[0]}.
   */
  static long gpusAndMemory(byte[] b, int from, int to, long[] gpusOut) {
    int gpu = -1;
    int mem = -1;
    for (int i = from; i < to && (gpu < 0 || mem < 0); i++) { // i: the start of an item
      byte x = b[i];
      if (x == 'g' && gpu < 0 && startsWith(b, i, to, GPU)) {
        gpu = i;
      } else if (x == 'm' && mem < 0 && startsWith(b, i, to, MEM)) {
        mem = i;
      }
      while (i < to && b[i] != ',') {
        i++;
      }
    }
    gpusOut[0] = gpu < 0 ? 0 : gpus(b, from, to);
    return mem < 0 ? -1 : memoryAt(b, mem, to);
  }

  /** The memory of the {@code mem=} item starting at {@code i}, in bytes, or -1. */
  private static long memoryAt(byte[] b, int i, int to) {
    int v = i + MEM.length;
    int end = v;
    while (end < to && b[end] != ',') {
      end++;
    }
    // common case: integer + binary unit
    int last = end - 1;
    if (last >= v) {
      long n = digits(b, v, b[last] >= '0' && b[last] <= '9' ? end : last);
      if (n >= 0) {
        long mult = switch (b[last]) {
          case 'K', 'k' -> 1L << 10;
          case 'G', 'g' -> 1L << 30;
          case 'T', 't' -> 1L << 40;
          case 'P', 'p' -> 1L << 50;
          default -> b[last] >= '0' && b[last] <= '9' || b[last] == 'M' || b[last] == 'm' ? 1L << 20 : -1;
        };
        if (mult > 0 && n <= (1L << 53) / mult) { // larger: SlurmValues' double arithmetic decides, as elsewhere
          return n * mult;
        }
      }
    }
    Long bytes = SlurmValues.memoryBytes(text(b, v, end));
    return bytes == null ? -1 : bytes;
  }

  /**
   * ReqMem in bytes for the whole job. Before Slurm 21.08 the value ends in {@code c} (per CPU) or
   * {@code n} (per node): {@code 4000Mc} with 4 CPUs is 16000 MiB, {@code 1.50Gn} on 2 nodes is 3 GiB.
   */
  static long requestedMemory(String reqMem, long cpus, long nodes) {
    if (KeyValues.isNull(reqMem)) {
      return -1;
    }
    String t = reqMem.strip();
    long mult = 1;
    char last = t.charAt(t.length() - 1);
    if (last == 'c' || last == 'n') {
      mult = last == 'c' ? Math.max(cpus, 1) : Math.max(nodes, 1);
      t = t.substring(0, t.length() - 1);
    }
    if (t.isEmpty()) {
      return -1;
    }
    Long b = SlurmValues.memoryBytes(t);
    return b == null ? -1 : b * mult;
  }
}
