package org.hpcstatus.exporter.slurm.nodes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A node's state as Slurm models it: one base state plus any number of flags. Parses both
 * {@code scontrol}'s compound form ({@code MIXED+DRAIN}, {@code IDLE+DYNAMIC_NORM+MAINTENANCE+RESERVED+PLANNED},
 * {@code DOWN+NOT_RESPONDING}) and {@code sinfo}'s suffix form ({@code idle*}, {@code mix-},
 * {@code alloc+}, {@code drained}, {@code draining@}).
 *
 * <p>Derived flags: {@code drained} (drain flag on a node with no jobs: base idle/down) and
 * {@code draining} (drain flag while jobs still run: base allocated/mixed or completing).
 */
public record NodeState(String base, Set<String> flags) {

  /** Base states, in exposition order. */
  public static final List<String> BASES = List.of("allocated", "mixed", "idle", "down", "future", "unknown", "error");

  /** Flags we always expose (at 0 when no node has them). */
  public static final List<String> FLAGS = List.of("drain", "drained", "draining", "not_responding",
      "powered_down", "powering_up", "powering_down", "power_down", "power_up", "maint", "reboot_requested",
      "reboot_issued", "planned", "completing", "reserved", "fail", "cloud", "dynamic_future", "dynamic_norm",
      "invalid_reg", "power_drain", "blocked");

  public static NodeState parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String[] parts = raw.strip().split("\\+");
    String head = parts[0];
    Set<String> flags = new LinkedHashSet<>();
    // sinfo-style suffix characters on the base word
    int end = head.length();
    while (end > 0 && "*~#!%$@^-+".indexOf(head.charAt(end - 1)) >= 0) {
      flags.add(suffixFlag(head.charAt(end - 1)));
      end--;
    }
    // a trailing '+' splits into an empty last part ("ALLOCATED+" = completing)
    if (raw.strip().endsWith("+")) {
      flags.add("completing");
    }
    String word = head.substring(0, end).toLowerCase(Locale.ROOT);
    String base = switch (word) {
      case "allocated", "alloc", "allocated+" -> "allocated";
      case "mixed", "mix" -> "mixed";
      case "idle" -> "idle";
      case "down" -> "down";
      case "future", "futr" -> "future";
      case "unknown", "unk" -> "unknown";
      case "error" -> "error";
      // sinfo's one-word summaries of flagged states
      case "drained", "drain" -> {
        flags.add("drain");
        yield "idle";
      }
      case "draining", "drng" -> {
        flags.add("drain");
        yield "allocated";
      }
      case "completing", "comp" -> {
        flags.add("completing");
        yield "allocated";
      }
      case "maint" -> {
        flags.add("maint");
        yield "idle";
      }
      case "reserved", "resv" -> {
        flags.add("reserved");
        yield "idle";
      }
      case "planned", "plnd" -> {
        flags.add("planned");
        yield "idle";
      }
      case "fail", "failing" -> {
        flags.add("fail");
        flags.add("drain");
        yield word.equals("fail") ? "idle" : "allocated";
      }
      case "power_down", "powered_down", "powering_down", "powering_up", "pow_dn", "pow_up" -> {
        flags.add(word.startsWith("pow_") ? (word.equals("pow_dn") ? "powered_down" : "powering_up") : word);
        yield "idle";
      }
      case "inval" -> {
        flags.add("invalid_reg");
        yield "down";
      }
      default -> null;
    };
    if (base == null) {
      return null;
    }
    for (int i = 1; i < parts.length; i++) {
      String f = parts[i].strip().toLowerCase(Locale.ROOT);
      if (f.isEmpty()) {
        continue;
      }
      flags.add(switch (f) {
        case "maintenance" -> "maint";
        case "no_respond" -> "not_responding";
        default -> f.replaceAll("[^a-z0-9_]", "_");
      });
    }
    if (flags.contains("drain")) {
      boolean busy = base.equals("allocated") || base.equals("mixed") || flags.contains("completing");
      flags.add(busy ? "draining" : "drained");
    }
    return new NodeState(base, Set.copyOf(flags));
  }

  private static String suffixFlag(char c) {
    return switch (c) {
      case '*' -> "not_responding";
      case '~' -> "powered_down";
      case '#' -> "powering_up";
      case '!' -> "power_down";
      case '%' -> "powering_down";
      case '$' -> "maint";
      case '@' -> "reboot_requested";
      case '^' -> "reboot_issued";
      case '-' -> "planned";
      default -> "completing";
    };
  }

  public boolean has(String flag) {
    return flags.contains(flag);
  }

  /** Flags sorted in the {@link #FLAGS} order, unknown ones last, comma-joined. */
  public String flagsLabel() {
    List<String> sorted = new ArrayList<>();
    for (String f : FLAGS) {
      if (flags.contains(f)) {
        sorted.add(f);
      }
    }
    flags.stream().filter(f -> !FLAGS.contains(f)).sorted().forEach(sorted::add);
    return String.join(",", sorted);
  }

  /**
   * sinfo's NODES(A/I/O/T) classification: allocated if base allocated/mixed or completing, else other
   * if drained or down, else idle.
   */
  public String usage() {
    if (base.equals("allocated") || base.equals("mixed") || flags.contains("completing")) {
      return "allocated";
    }
    return isOther() ? "other" : "idle";
  }

  /** sinfo's %C/%F classification: "other" = drained, draining or down (its CPUs are not schedulable). */
  public boolean isOther() {
    return flags.contains("drain") || base.equals("down");
  }
}
