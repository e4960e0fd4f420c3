package org.hpcstatus.exporter.slurm.reservations;

import java.util.List;

/** One reservation from {@code scontrol -o show reservations}; times in epoch seconds. */
public record Reservation(String name, String state, List<String> flags, String partition, Long start, Long end,
                          long nodes, long cores, String users, String accounts) {
  public boolean isMaint() {
    return flags.contains("MAINT");
  }
}
