package org.hpcstatus.exporter.accounting;

import java.util.Locale;

/**
 * Terminal job states as counted by accounting. {@code CANCELLED by 1234} is {@link #CANCELLED}, which
 * is not a failure; the failure states are FAILED, NODE_FAIL, OUT_OF_MEMORY, TIMEOUT, PREEMPTED,
 * BOOT_FAIL and DEADLINE.
 */
public enum JobState {
  COMPLETED(false),
  CANCELLED(false),
  FAILED(true),
  TIMEOUT(true),
  OUT_OF_MEMORY(true),
  NODE_FAIL(true),
  PREEMPTED(true),
  BOOT_FAIL(true),
  DEADLINE(true);

  public static final JobState[] ALL = values();

  public final boolean failure;
  public final String label;

  JobState(boolean failure) {
    this.failure = failure;
    this.label = name().toLowerCase(Locale.ROOT);
  }

  /**
   * The terminal state of sacct's {@code State} column, or {@code null} for a non-terminal or unknown
   * state (RUNNING, PENDING, REQUEUED, …). A trailing {@code +} (truncated value) is ignored.
   */
  public static JobState parse(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    switch (s) {
      case "COMPLETED": return COMPLETED;
      case "CANCELLED": return CANCELLED;
      case "FAILED": return FAILED;
      case "TIMEOUT": return TIMEOUT;
      case "OUT_OF_MEMORY": return OUT_OF_MEMORY;
      case "NODE_FAIL": return NODE_FAIL;
      case "PREEMPTED": return PREEMPTED;
      case "BOOT_FAIL": return BOOT_FAIL;
      case "DEADLINE": return DEADLINE;
      default: break;
    }
    String t = s.strip();
    if (t.endsWith("+")) {
      t = t.substring(0, t.length() - 1);
    }
    t = t.toUpperCase(Locale.ROOT);
    if (t.startsWith("CANCELLED")) { // "CANCELLED by 1234"
      return CANCELLED;
    }
    return switch (t) {
      case "COMPLETED", "CD" -> COMPLETED;
      case "CA" -> CANCELLED;
      case "FAILED", "F" -> FAILED;
      case "TIMEOUT", "TO" -> TIMEOUT;
      case "OUT_OF_MEMORY", "OOM" -> OUT_OF_MEMORY;
      case "NODE_FAIL", "NF" -> NODE_FAIL;
      case "PREEMPTED", "PR" -> PREEMPTED;
      case "BOOT_FAIL", "BF" -> BOOT_FAIL;
      case "DEADLINE", "DL" -> DEADLINE;
      default -> null;
    };
  }
}
