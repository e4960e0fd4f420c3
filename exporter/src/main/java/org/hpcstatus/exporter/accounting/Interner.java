package org.hpcstatus.exporter.accounting;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Canonical Strings for byte ranges (user, account, partition, state …): a sacct month repeats a few
 * thousand distinct values millions of times, so the parser decodes each once and then only hashes and
 * compares bytes. The canonical String also caches its hashCode, which makes the later HashMap lookups
 * cheap. Bounded: beyond {@link #MAX} distinct values it stops caching and just decodes.
 */
final class Interner {
  static final int MAX = 1 << 16;

  private byte[][] keys = new byte[1024][];
  private String[] values = new String[1024];
  private int size;

  String get(byte[] b, int from, int to) {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    h ^= h >>> 16;
    int mask = keys.length - 1;
    int i = h & mask;
    int len = to - from;
    while (true) {
      byte[] k = keys[i];
      if (k == null) {
        break;
      }
      if (k.length == len && Arrays.equals(k, 0, len, b, from, to)) {
        return values[i];
      }
      i = (i + 1) & mask;
    }
    String s = new String(b, from, len, StandardCharsets.UTF_8);
    if (size >= MAX) {
      return s;
    }
    keys[i] = Arrays.copyOfRange(b, from, to);
    values[i] = s;
    if (++size * 2 > keys.length) {
      grow();
    }
    return s;
  }

  private void grow() {
    byte[][] oldK = keys;
    String[] oldV = values;
    keys = new byte[oldK.length * 2][];
    values = new String[oldK.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < oldK.length; j++) {
      byte[] k = oldK[j];
      if (k == null) {
        continue;
      }
      int h = 1;
      for (byte x : k) {
        h = 31 * h + x;
      }
      h ^= h >>> 16;
      int i = h & mask;
      while (keys[i] != null) {
        i = (i + 1) & mask;
      }
      keys[i] = k;
      values[i] = oldV[j];
    }
  }
}
