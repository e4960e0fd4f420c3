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

  /** Open addressing, 4 longs per slot: first 8 bytes, next 8 bytes, length, id + 1 (0 = empty). */
  private long[] table = new long[4 * 1024];
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
    long[] t = table;
    int mask = (t.length >> 2) - 1;
    int i = hash(a, c, b, from + 16, to) & mask;
    while (true) {
      int k = i << 2;
      long id1 = t[k + 3];
      if (id1 == 0) {
        return add(b, from, to, a, c, k);
      }
      if (t[k] == a && t[k + 1] == c && t[k + 2] == len
          && (len <= 16 || Arrays.equals(bytes[(int) id1 - 1], 16, len, b, from + 16, to))) {
        return (int) id1 - 1;
      }
      i = (i + 1) & mask;
    }
  }

  private int add(byte[] b, int from, int to, long a, long c, int k) {
    int id = size++;
    if (id == bytes.length) {
      bytes = Arrays.copyOf(bytes, id * 2);
      strings = Arrays.copyOf(strings, id * 2);
    }
    bytes[id] = Arrays.copyOfRange(b, from, to);
    strings[id] = new String(b, from, to - from, StandardCharsets.UTF_8);
    table[k] = a;
    table[k + 1] = c;
    table[k + 2] = to - from;
    table[k + 3] = id + 1;
    if (size * 2 > table.length >> 2) {
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
    long[] old = table;
    table = new long[old.length * 2];
    int mask = (table.length >> 2) - 1;
    for (int k = 0; k < old.length; k += 4) {
      if (old[k + 3] != 0) {
        int i = hash(old[k], old[k + 1], bytes[(int) old[k + 3] - 1], 16, (int) old[k + 2]) & mask;
        while (table[(i << 2) + 3] != 0) {
          i = (i + 1) & mask;
        }
        System.arraycopy(old, k, table, i << 2, 4);
      }
    }
  }
}
