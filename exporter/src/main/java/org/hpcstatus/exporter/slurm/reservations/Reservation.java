package org.hpcstatus.exporter.slurm.reservations;

import java.util.List;

/** One reservation from {@code scontrol -o show reservations}; times in epoch seconds, nodeList as Slurm prints it (cn[1-4]). */
public record Reservation(String name, String state, List<String> flags, String partition, Long start, Long end,
                          long nodes, long cores, String users, String accounts, String nodeList) {
  public boolean isMaint() {
    return flags.contains("MAINT");
  }
}
