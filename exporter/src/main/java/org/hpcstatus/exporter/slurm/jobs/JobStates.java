package org.hpcstatus.exporter.slurm.jobs;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Slurm job states: compact codes ({@code PD}, {@code R}) and long names both map to lowercase names. */
public final class JobStates {
  private JobStates() {}

  /** States exposed at 0 even when no job has them. */
  public static final List<String> COMMON = List.of("pending", "running", "suspended", "completing", "configuring");

  private static final Map<String, String> CODES = Map.ofEntries(
      Map.entry("PD", "pending"), Map.entry("R", "running"), Map.entry("S", "suspended"),
      Map.entry("CG", "completing"), Map.entry("CD", "completed"), Map.entry("CF", "configuring"),
      Map.entry("CA", "cancelled"), Map.entry("F", "failed"), Map.entry("TO", "timeout"),
      Map.entry("PR", "preempted"), Map.entry("NF", "node_fail"), Map.entry("OOM", "out_of_memory"),
      Map.entry("BF", "boot_fail"), Map.entry("DL", "deadline"), Map.entry("RD", "resv_del_hold"),
      Map.entry("RF", "requeue_fed"), Map.entry("RH", "requeue_hold"), Map.entry("RQ", "requeued"),
      Map.entry("RS", "resizing"), Map.entry("RV", "revoked"), Map.entry("SI", "signaling"),
      Map.entry("SE", "special_exit"), Map.entry("SO", "stage_out"), Map.entry("ST", "stopped"));

  /** Normalised state name, or {@code null} if the text is not a job state. */
  public static String normalise(String s) {
    if (s == null) {
      return null;
    }
    String t = s.strip();
    if (t.isEmpty()) {
      return null;
    }
    String code = CODES.get(t);
    if (code != null) {
      return code;
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.startsWith("cancelled")) { // "CANCELLED by 1234"
      return "cancelled";
    }
    if (CODES.containsValue(lower)) {
      return lower;
    }
    return null;
  }
}
