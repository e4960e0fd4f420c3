package org.hpcstatus.exporter.accounting;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Dense int ids for byte ranges (user, account, partition, state …): a sacct month repeats a few thousand
 * distinct values millions of times, so each is decoded to a String once, and the hot path only hashes a
 * value's first 16 bytes as two longs and compares them (the 1BRC trick; longer values are compared in full).
 * Ids are 0, 1, 2 … in first-seen order, so callers index plain arrays by them.
 *
 * <p>Reads up to 16 bytes past {@code from}: the caller's buffer must have that much slack after its data.
 */
final class Names {
  static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** {@code MASK[n]} keeps the low n bytes of a little-endian long. */
  private static final long[] MASK = new long[9];

  static {
    for (int n = 0; n < 8; n++) {
      MASK[n] = (1L << (8 * n)) - 1;
    }
    MASK[8] = -1L;
  }

  private int[] slots = new int[1024]; // id + 1, 0 = empty
  private long[] w0 = new long[16];
  private long[] w1 = new long[16];
  private int[] lens = new int[16];
  private byte[][] bytes = new byte[16][];
  private String[] strings = new String[16];
  private int size;

  int size() {
    return size;
  }

  String name(int id) {
    return strings[id];
  }

  /** The id of the bytes {@code [from, to)} of {@code b}, adding them if new. */
  int id(byte[] b, int from, int to) {
    int len = to - from;
    long a = (long) LONGS.get(b, from);
    long c = 0;
    if (len <= 8) {
      a &= MASK[len];
    } else {
      c = (long) LONGS.get(b, from + 8);
      if (len < 16) {
        c &= MASK[len - 8];
      }
    }
    int mask = slots.length - 1;
    int i = hash(a, c, b, from + 16, to) & mask;
    while (true) {
      int s = slots[i];
      if (s == 0) {
        return add(b, from, to, a, c, i);
      }
      int id = s - 1;
      if (w0[id] == a && w1[id] == c && lens[id] == len
          && (len <= 16 || Arrays.equals(bytes[id], 16, len, b, from + 16, to))) {
        return id;
      }
      i = (i + 1) & mask;
    }
  }

  private int add(byte[] b, int from, int to, long a, long c, int slot) {
    int id = size++;
    if (id == w0.length) {
      int n = id * 2;
      w0 = Arrays.copyOf(w0, n);
      w1 = Arrays.copyOf(w1, n);
      lens = Arrays.copyOf(lens, n);
      bytes = Arrays.copyOf(bytes, n);
      strings = Arrays.copyOf(strings, n);
    }
    w0[id] = a;
    w1[id] = c;
    lens[id] = to - from;
    bytes[id] = Arrays.copyOfRange(b, from, to);
    strings[id] = new String(b, from, to - from, StandardCharsets.UTF_8);
    slots[slot] = id + 1;
    if (size * 2 > slots.length) {
      rehash();
    }
    return id;
  }

  /** Of the first 16 bytes (as two longs) and, for longer values, the rest {@code [restFrom, restTo)}. */
  private static int hash(long a, long c, byte[] b, int restFrom, int restTo) {
    long h = (a * 0x9E3779B97F4A7C15L) ^ (c * 0xC2B2AE3D27D4EB4FL) ^ (restTo - restFrom);
    for (int i = restFrom; i < restTo; i++) {
      h = h * 31 + b[i];
    }
    return (int) (h ^ (h >>> 29));
  }

  private void rehash() {
    int[] old = slots;
    slots = new int[old.length * 2];
    int mask = slots.length - 1;
    for (int s : old) {
      if (s != 0) {
        int id = s - 1;
        int i = hash(w0[id], w1[id], bytes[id], 16, lens[id]) & mask;
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        slots[i] = s;
      }
    }
  }
}
