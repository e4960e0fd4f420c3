package org.hpcstatus.exporter.slurm.partitions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.common.KeyValues;
import org.hpcstatus.exporter.slurm.common.SlurmValues;

/** Pure parser of {@code scontrol -o show partitions}. */
public final class PartitionsParser {
  private PartitionsParser() {}

  public static Parsed<List<Partition>> parse(String output) {
    Parsed.Errors errors = new Parsed.Errors();
    List<Partition> out = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.isBlank() || line.startsWith("No partitions in the system")) {
        continue;
      }
      if (!line.startsWith("PartitionName=")) {
        errors.add("not a partition record", line);
        continue;
      }
      Map<String, String> kv = KeyValues.parse(line);
      String name = kv.get("PartitionName");
      String state = kv.get("State");
      if (name == null || name.isEmpty() || KeyValues.isNull(state)) {
        errors.add("partition without name or state", line);
        continue;
      }
      Long cpus = SlurmValues.parseLong(kv.get("TotalCPUs"));
      Long nodes = SlurmValues.parseLong(kv.get("TotalNodes"));
      out.add(new Partition(name, state.toLowerCase(Locale.ROOT), "YES".equals(kv.get("Default")),
          cpus == null ? 0 : cpus, nodes == null ? 0 : nodes, timeLimitSeconds(kv.get("MaxTime"))));
    }
    return Parsed.of(List.copyOf(out), errors);
  }

  /**
   * Slurm time limits: {@code UNLIMITED}/{@code INFINITE} → null, {@code [D-]HH:MM:SS}, {@code MM:SS},
   * {@code MM}, {@code D-HH}, {@code D-HH:MM}.
   */
  public static Long timeLimitSeconds(String s) {
    if (KeyValues.isNull(s) || s.equalsIgnoreCase("UNLIMITED") || s.equalsIgnoreCase("INFINITE")) {
      return null;
    }
    try {
      long days = 0;
      String rest = s.strip();
      int dash = rest.indexOf('-');
      boolean hasDays = dash > 0;
      if (hasDays) {
        days = Long.parseLong(rest.substring(0, dash));
        rest = rest.substring(dash + 1);
      }
      String[] p = rest.split(":");
      long h = 0;
      long m = 0;
      long sec = 0;
      if (hasDays) {
        h = Long.parseLong(p[0]);
        m = p.length > 1 ? Long.parseLong(p[1]) : 0;
        sec = p.length > 2 ? Long.parseLong(p[2]) : 0;
      } else if (p.length == 3) {
        h = Long.parseLong(p[0]);
        m = Long.parseLong(p[1]);
        sec = Long.parseLong(p[2]);
      } else if (p.length == 2) {
        m = Long.parseLong(p[0]);
        sec = Long.parseLong(p[1]);
      } else {
        m = Long.parseLong(p[0]);
      }
      return ((days * 24 + h) * 60 + m) * 60 + sec;
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return null;
    }
  }
}
