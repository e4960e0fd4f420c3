package org.hpcstatus.exporter.accounting;

import java.nio.charset.StandardCharsets;
import org.hpcstatus.exporter.slurm.common.SlurmValues;

/**
 * sacct timestamps ({@code SLURM_TIME_FORMAT=standard}, UTC) to epoch seconds on the hot path: the
 * {@code 2026-11-23T19:29:09} shape is read by hand, and since a month of output has only a few dozen
 * distinct dates, their day numbers sit in a small direct-mapped cache keyed by the date's 10 bytes;
 * anything else goes through {@link SlurmValues#timestamp}. Reads 8 bytes at {@code from}.
 */
final class Timestamps {
  private final long[] dateKeys = new long[128];
  private final int[] dateKeys2 = new int[128];
  private final long[] dateDays = new long[128];

  /** Two decimal digits at {@code i}, or -1. */
  private static int two(byte[] b, int i) {
    int h = b[i] - '0';
    int l = b[i + 1] - '0';
    return h < 0 || h > 9 || l < 0 || l > 9 ? -1 : h * 10 + l;
  }

  /** {@code [from, to)} as epoch seconds, or -1 (not a time: None, Unknown …). */
  long epochSeconds(byte[] b, int from, int to) {
    if (to - from == 19 && b[from + 10] == 'T' && b[from + 13] == ':' && b[from + 16] == ':') {
      long d8 = (long) Names.LONGS.get(b, from);
      int d2 = (b[from + 8] & 0xff) | (b[from + 9] & 0xff) << 8;
      long h = (d8 ^ d2) * 0x9E3779B97F4A7C15L;
      int slot = (int) (h >>> 57); // 0..127
      int hh = two(b, from + 11);
      int mi = two(b, from + 14);
      int se = two(b, from + 17);
      if (hh >= 0 && hh <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59) {
        if (dateKeys[slot] == d8 && dateKeys2[slot] == d2 + 1) {
          return dateDays[slot] * 86400 + hh * 3600 + mi * 60 + se;
        }
        long t = SacctValues.fastTimestamp(b, from, to);
        if (t != Long.MIN_VALUE) {
          dateKeys[slot] = d8;
          dateKeys2[slot] = d2 + 1; // never 0, so an empty slot cannot match
          dateDays[slot] = Math.floorDiv(t, 86400L);
          return t;
        }
      }
    }
    Long slow = SlurmValues.timestamp(text(b, from, to));
    return slow == null ? -1 : slow;
  }

  private static String text(byte[] b, int from, int to) {
    return new String(b, from, Math.max(0, to - from), StandardCharsets.UTF_8);
  }
}
