package org.hpcstatus.exporter.status;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A declared outage or maintenance window (from the outages file, the API, or a Slurm MAINT
 * reservation). Affects a cluster, a service, or both. Past its expected end, or once resolved, it is
 * shown as ended.
 */
public record Outage(String id, String cluster, String service, Severity severity, String title,
                     String description, Instant start, Instant expectedEnd, List<Update> updates, boolean resolved,
                     Instant resolvedAt, Origin origin, String nodes) {

  public Outage {
    updates = updates == null ? List.of() : List.copyOf(updates);
  }

  /** Statuspage's vocabulary, mildest first. */
  public enum Severity {
    MAINTENANCE, DEGRADED, PARTIAL, MAJOR;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where the declaration came from: only API ones can be changed through the API. */
  public enum Origin {
    API, FILE, SLURM;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where an outage is in its life at a given instant. */
  public enum Phase {
    UPCOMING("upcoming", "scheduled"), ACTIVE("active", "in progress"), ENDED("ended", "completed");

    public final String label;
    public final String maintenanceText;

    Phase(String label, String maintenanceText) {
      this.label = label;
      this.maintenanceText = maintenanceText;
    }
  }

  /** One timeline entry. */
  public record Update(Instant at, String message) {}

  public Phase phase(Instant now) {
    if (resolved || (expectedEnd != null && !expectedEnd.isAfter(now))) {
      return Phase.ENDED;
    }
    return start != null && start.isAfter(now) ? Phase.UPCOMING : Phase.ACTIVE;
  }

  /** When it ended (resolution or expected end), or null while not ended. */
  public Instant endedAt(Instant now) {
    if (phase(now) != Phase.ENDED) {
      return null;
    }
    return resolved && resolvedAt != null ? resolvedAt : expectedEnd;
  }

  public boolean isMaintenance() {
    return severity == Severity.MAINTENANCE;
  }
}
