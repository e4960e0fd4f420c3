package org.hpcstatus.exporter.slurm.common;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses GRES strings as scontrol/sinfo print them and returns GPU counts by type. Handles
 * {@code gpu:4}, {@code gpu:8(S:0-1)}, {@code gpu:a100:2(S:0)}, {@code gpu:(null):3(IDX:0-7)},
 * {@code gpu:tesla:0(IDX:N/A)}, {@code gpu:A30:4(IDX:0-3),gpu:Q6K:4(IDX:0-3)}, {@code (null)}, and
 * ignores non-GPU GRES ({@code mps:100}, {@code shard:8}). Untyped GPUs get the type {@value #UNTYPED}.
 */
public final class Gres {
  public static final String UNTYPED = "none";

  private Gres() {}

  /** GPU count by type, or {@code null} if the string is malformed. */
  public static Map<String, Long> gpusByType(String gres) {
    Map<String, Long> m = new LinkedHashMap<>();
    if (KeyValues.isNull(gres)) {
      return m;
    }
    for (String raw : SlurmValues.splitTopLevel(gres)) {
      String item = raw.strip();
      if (item.isEmpty()) {
        continue;
      }
      if (item.equals("(null)")) {
        continue;
      }
      item = item.replace(":(null):", ":" + UNTYPED + ":");
      int paren = item.lastIndexOf('(');
      if (paren == 0 || (paren > 0 && !item.endsWith(")"))) {
        return null;
      }
      if (paren > 0) {
        item = item.substring(0, paren); // drop (S:0-1) / (IDX:0,2)
      }
      String[] parts = item.split(":", -1);
      if (!parts[0].equals("gpu")) {
        continue;
      }
      String type = UNTYPED;
      Long count;
      if (parts.length == 1) {
        count = 1L;
      } else if (parts.length == 2) {
        count = SlurmValues.countValue(parts[1]);
        if (count == null) { // gpu:a100 (type, implicit count 1)
          type = parts[1];
          count = 1L;
        }
      } else if (parts.length == 3) {
        type = parts[1].equals("(null)") || parts[1].isEmpty() ? UNTYPED : parts[1];
        count = SlurmValues.countValue(parts[2]);
      } else {
        return null;
      }
      if (count == null || count < 0) {
        return null;
      }
      m.merge(type, count, Long::sum);
    }
    return m;
  }

  public static long total(Map<String, Long> byType) {
    long s = 0;
    for (long v : byType.values()) {
      s += v;
    }
    return s;
  }
}
