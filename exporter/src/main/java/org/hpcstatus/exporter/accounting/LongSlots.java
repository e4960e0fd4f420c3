package org.hpcstatus.exporter.accounting;

import java.util.Arrays;

/** Open-addressing map from a long key to a dense slot number 0, 1, 2 … (first-seen order); no boxing. */
final class LongSlots {
  private long[] keys = new long[256];
  private int[] slots = new int[256]; // slot + 1, 0 = empty
  private long[] byslot = new long[64];
  private int size;

  int size() {
    return size;
  }

  /** The key of slot {@code s}. */
  long key(int s) {
    return byslot[s];
  }

  /** The slot of {@code key}, adding it if new. */
  int slot(long key) {
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (true) {
      int s = slots[i];
      if (s == 0) {
        return add(key, i);
      }
      if (keys[i] == key) {
        return s - 1;
      }
      i = (i + 1) & mask;
    }
  }

  private static int mix(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  private int add(long key, int i) {
    int s = size++;
    keys[i] = key;
    slots[i] = s + 1;
    if (s == byslot.length) {
      byslot = Arrays.copyOf(byslot, s * 2);
    }
    byslot[s] = key;
    if (size * 2 > keys.length) {
      long[] ok = keys;
      int[] os = slots;
      keys = new long[ok.length * 2];
      slots = new int[ok.length * 2];
      int mask = keys.length - 1;
      for (int j = 0; j < ok.length; j++) {
        if (os[j] != 0) {
          int k = mix(ok[j]) & mask;
          while (slots[k] != 0) {
            k = (k + 1) & mask;
          }
          keys[k] = ok[j];
          slots[k] = os[j];
        }
      }
    }
    return s;
  }
}
