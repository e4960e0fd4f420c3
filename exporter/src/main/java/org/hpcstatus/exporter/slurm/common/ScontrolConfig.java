package org.hpcstatus.exporter.slurm.common;

import java.util.LinkedHashMap;
import java.util.Map;

/** Pure parser of {@code scontrol show config}: {@code ClusterName             = testbed} lines. */
public final class ScontrolConfig {
  private ScontrolConfig() {}

  public static Map<String, String> parse(String output) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String k = line.substring(0, eq).strip();
      if (k.isEmpty() || k.contains(" ")) {
        continue;
      }
      m.putIfAbsent(k, line.substring(eq + 1).strip());
    }
    return m;
  }
}
