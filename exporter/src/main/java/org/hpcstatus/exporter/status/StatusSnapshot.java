package org.hpcstatus.exporter.status;

import java.util.List;
import java.util.Map;

/**
 * What the status page shows, as read from the exporter at one instant: immutable, built by a
 * {@link StatusSource}. Times are epoch seconds (as in the metrics) unless a name says millis; a
 * {@code null} number means "not known" (the metric is absent), never zero.
 */
public record StatusSnapshot(long takenAtMillis, List<Cluster> clusters, List<Service> services, String notice,
                             Map<String, String> sources) {

  /**
   * {@code notice}: why the cluster data cannot be shown yet (e.g. the cluster name is not known), or
   * null; {@code sources}: each data source's last result in words ("jobs: ok", the error otherwise).
   */
  public StatusSnapshot {
    clusters = List.copyOf(clusters);
    services = List.copyOf(services);
    sources = sources == null ? Map.of() : new java.util.LinkedHashMap<>(sources);
  }

  public StatusSnapshot(long takenAtMillis, List<Cluster> clusters, List<Service> services) {
    this(takenAtMillis, clusters, services, null, null);
  }

  /** Measured state of a service check. */
  public enum State {
    UP("up", "Operational"), DEGRADED("degraded", "Degraded"), DOWN("down", "Down"), UNKNOWN("unknown", "Unknown");

    public final String label;
    public final String text;

    State(String label, String text) {
      this.label = label;
      this.text = text;
    }
  }

  /** One Slurm cluster. */
  public record Cluster(String name, Boolean controllerUp, Map<String, Long> nodesByState, long nodesTotal,
                        long drained, long down, Alloc cpus, Alloc gpus, Alloc memoryBytes,
                        List<Partition> partitions, List<Reservation> reservations, List<Freshness> freshness) {
    public Cluster {
      nodesByState = Map.copyOf(nodesByState);
      partitions = List.copyOf(partitions);
      reservations = List.copyOf(reservations);
      freshness = List.copyOf(freshness);
    }
  }

  /** Allocated out of total (CPUs, GPUs, bytes); {@code null} when the cluster does not report it. */
  public record Alloc(double allocated, double total) {
    public double ratio() {
      return total <= 0 ? 0 : Math.min(1, Math.max(0, allocated / total));
    }
  }

  /** One row of the partitions table. */
  public record Partition(String name, String state, long nodesUp, long nodesTotal, long running, long pending,
                          Double oldestPendingSubmit, Double typicalWaitSeconds) {}

  /** A Slurm reservation; {@code maint} when it carries the MAINT flag. */
  public record Reservation(String name, String state, boolean maint, Double start, Double end, long nodes,
                            String nodeList, String partition) {}

  /** Last success and interval of one data source (a collector or a check), for "updated N s ago". */
  public record Freshness(String source, double lastSuccess, double intervalSeconds) {}

  /** One configured service check. */
  public record Service(String name, String kind, State state, Double latencySeconds, String lastFailureReason,
                        String lastFailureMessage, Double lastCheck, double intervalSeconds) {}
}
