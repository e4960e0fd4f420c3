package org.hpcstatus.exporter.slurm.reservations;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.common.KeyValues;
import org.hpcstatus.exporter.slurm.common.SlurmValues;

/** Pure parser of {@code scontrol -o show reservations}. */
public final class ReservationsParser {
  private ReservationsParser() {}

  public static Parsed<List<Reservation>> parse(String output) {
    Parsed.Errors errors = new Parsed.Errors();
    List<Reservation> out = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.isBlank() || line.startsWith("No reservations in the system")) {
        continue;
      }
      if (!line.startsWith("ReservationName=")) {
        errors.add("not a reservation record", line);
        continue;
      }
      Map<String, String> kv = KeyValues.parse(line);
      String name = kv.get("ReservationName");
      if (name == null || name.isEmpty()) {
        errors.add("reservation without name", line);
        continue;
      }
      String flags = kv.get("Flags");
      List<String> flagList = KeyValues.isNull(flags) ? List.of() : List.copyOf(Arrays.asList(flags.split(",")));
      Long nodes = SlurmValues.parseLong(kv.get("NodeCnt"));
      Long cores = SlurmValues.parseLong(kv.get("CoreCnt"));
      String state = kv.get("State");
      out.add(new Reservation(name, KeyValues.isNull(state) ? "unknown" : state.toLowerCase(Locale.ROOT), flagList,
          KeyValues.isNull(kv.get("PartitionName")) ? "" : kv.get("PartitionName"),
          SlurmValues.timestamp(kv.get("StartTime")), SlurmValues.timestamp(kv.get("EndTime")),
          nodes == null ? 0 : nodes, cores == null ? 0 : cores,
          KeyValues.isNull(kv.get("Users")) ? "" : kv.get("Users"),
          KeyValues.isNull(kv.get("Accounts")) ? "" : kv.get("Accounts"),
          KeyValues.isNull(kv.get("Nodes")) ? "" : nodeList(kv.get("Nodes"))));
    }
    return Parsed.of(List.copyOf(out), errors);
  }

  /** A metric label stays small: host lists longer than 256 characters end in "…". */
  static String nodeList(String nodes) {
    return nodes.length() <= 256 ? nodes : nodes.substring(0, 255) + "…";
  }
}
