package org.hpcstatus.exporter.status;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.hpcstatus.exporter.status.MetricIndex.Point;
import org.hpcstatus.exporter.status.StatusSnapshot.Alloc;
import org.hpcstatus.exporter.status.StatusSnapshot.Cluster;
import org.hpcstatus.exporter.status.StatusSnapshot.Freshness;
import org.hpcstatus.exporter.status.StatusSnapshot.Partition;
import org.hpcstatus.exporter.status.StatusSnapshot.Reservation;
import org.hpcstatus.exporter.status.StatusSnapshot.Service;
import org.hpcstatus.exporter.status.StatusSnapshot.State;

/**
 * Builds the status snapshot from the exporter's metric snapshots — the very numbers Prometheus
 * scrapes (names as in docs/metrics.md) — plus, where metrics carry no text, the health checks' last
 * failure message. The page therefore never disagrees with /metrics.
 */
public final class MetricsStatusSource implements StatusSource {

  /** The last failure of a check, for its tile; {@code null} when it never failed (in kept history). */
  public record LastFailure(String reason, String message, long atMillis) {}

  /** Where failure messages come from (the health checks' status API); may answer null. */
  @FunctionalInterface
  public interface FailureDetails {
    LastFailure lastFailure(String service);
  }

  /** Every metric family the page reads (MetricsStatusSourceTest: all in the catalog). */
  static final java.util.Set<String> READS = java.util.Set.of("hpcstatus_collector_interval_seconds",
      "hpcstatus_collector_last_success_timestamp_seconds", "hpcstatus_collector_success",
      "service_check_duration_seconds", "service_check_interval_seconds", "service_check_success",
      "service_last_check_timestamp_seconds", "service_up", "slurm_controller_up", "slurm_cpus", "slurm_gpus",
      "slurm_job_wait_seconds", "slurm_memory_bytes", "slurm_nodes", "slurm_nodes_flagged", "slurm_partition_info",
      "slurm_partition_jobs", "slurm_partition_nodes_usage", "slurm_partition_oldest_pending_submit_timestamp_seconds",
      "slurm_reservation_end_timestamp_seconds", "slurm_reservation_info", "slurm_reservation_nodes",
      "slurm_reservation_start_timestamp_seconds");

  /** Collectors whose freshness the cluster section shows. */
  static final List<String> CLUSTER_SOURCES = List.of("nodes", "partitions", "jobs", "reservations", "controller");

  private final Supplier<? extends Iterable<MetricSnapshot>> scrape;
  private final LongSupplier generation;
  private final FailureDetails failures;
  private final Supplier<List<String>> order;
  private Supplier<String> notice = () -> null;
  private Supplier<Map<String, String>> sources = Map::of;

  /** {@code order}: the configured checks' names, in config order (the grid's order); may be null. */
  public MetricsStatusSource(Supplier<? extends Iterable<MetricSnapshot>> scrape, LongSupplier generation,
                             FailureDetails failures, Supplier<List<String>> order) {
    this.scrape = scrape;
    this.generation = generation;
    this.failures = failures == null ? s -> null : failures;
    this.order = order == null ? List::of : order;
  }

  /**
   * Adds why cluster data is not valid yet ({@code notice}, null when it is: the clusters are then left
   * out, their label would be wrong) and each collector's last result in words.
   */
  public MetricsStatusSource withExporterState(Supplier<String> notice, Supplier<Map<String, String>> sources) {
    this.notice = notice;
    this.sources = sources;
    return this;
  }

  @Override
  public long generation() {
    return generation.getAsLong();
  }

  @Override
  public StatusSnapshot snapshot() {
    StatusSnapshot s = build(new MetricIndex(scrape.get(), READS), System.currentTimeMillis(), failures);
    List<String> names = order.get();
    List<Service> sorted = new ArrayList<>(s.services());
    sorted.sort(java.util.Comparator.comparingInt(x -> {
      int i = names.indexOf(x.name());
      return i < 0 ? Integer.MAX_VALUE : i;
    }));
    String why = notice.get();
    return new StatusSnapshot(s.takenAtMillis(), why == null ? s.clusters() : List.of(), sorted, why, sources.get());
  }

  /** Pure: the snapshot these metrics describe at {@code nowMillis}. */
  static StatusSnapshot build(MetricIndex m, long nowMillis, FailureDetails failures) {
    Set<String> clusters = new LinkedHashSet<>();
    for (String name : List.of("hpcstatus_collector_success", "slurm_nodes", "slurm_controller_up")) {
      m.all(name).forEach(p -> clusters.add(p.label("cluster")));
    }
    List<Cluster> out = new ArrayList<>();
    for (String c : clusters) {
      out.add(cluster(m, c));
    }
    return new StatusSnapshot(nowMillis, out, services(m, nowMillis, failures));
  }

  static Cluster cluster(MetricIndex m, String c) {
    // the controller answers when the primary does, or (failover) any slurmctld does
    Boolean controller = null;
    for (Point p : m.where("slurm_controller_up", "cluster", c)) {
      controller = (controller != null && controller) || p.value() > 0;
    }
    Map<String, Long> nodes = new TreeMap<>();
    long total = 0;
    for (Point p : m.where("slurm_nodes", "cluster", c)) {
      nodes.put(p.label("state"), (long) p.value());
      total += (long) p.value();
    }
    long drained = (long) m.valueOr(0, "slurm_nodes_flagged", "cluster", c, "flag", "drain");
    long down = nodes.getOrDefault("down", 0L);
    Map<String, Double> oldest = byLabel(m, "slurm_partition_oldest_pending_submit_timestamp_seconds", c, "partition");
    Map<String, Double> waits = new HashMap<>();
    for (Point p : m.where("slurm_job_wait_seconds", "cluster", c)) {
      Double med = MetricIndex.median(p.buckets());
      if (med != null) {
        waits.put(p.label("partition"), med);
      }
    }
    List<Partition> parts = new ArrayList<>();
    for (Point p : m.where("slurm_partition_info", "cluster", c)) {
      String name = p.label("partition");
      long up = 0;
      long all = 0;
      for (Point u : m.where("slurm_partition_nodes_usage", "cluster", c, "partition", name)) {
        all += (long) u.value();
        if (!u.label("state").equals("other")) {
          up += (long) u.value();
        }
      }
      parts.add(new Partition(name, p.label("state"), up, all,
          (long) m.valueOr(0, "slurm_partition_jobs", "cluster", c, "partition", name, "state", "running"),
          (long) m.valueOr(0, "slurm_partition_jobs", "cluster", c, "partition", name, "state", "pending"),
          oldest.get(name), waits.get(name)));
    }
    List<Reservation> res = new ArrayList<>();
    for (Point p : m.where("slurm_reservation_info", "cluster", c)) {
      String name = p.label("reservation");
      res.add(new Reservation(name, p.label("state"), p.label("maint").equals("true"),
          m.value("slurm_reservation_start_timestamp_seconds", "cluster", c, "reservation", name),
          m.value("slurm_reservation_end_timestamp_seconds", "cluster", c, "reservation", name),
          (long) m.valueOr(0, "slurm_reservation_nodes", "cluster", c, "reservation", name),
          p.label("nodes"), p.label("partition")));
    }
    List<Freshness> fresh = new ArrayList<>();
    for (String src : CLUSTER_SOURCES) {
      Double interval = m.value("hpcstatus_collector_interval_seconds", "cluster", c, "collector", src);
      if (interval != null) {
        fresh.add(new Freshness(src,
            m.valueOr(0, "hpcstatus_collector_last_success_timestamp_seconds", "cluster", c, "collector", src),
            interval));
      }
    }
    return new Cluster(c, controller, nodes, total, drained, down, alloc(m, "slurm_cpus", c),
        alloc(m, "slurm_gpus", c), alloc(m, "slurm_memory_bytes", c), parts, res, fresh);
  }

  private static Alloc alloc(MetricIndex m, String name, String c) {
    Double total = m.value(name, "cluster", c, "state", "total");
    if (total == null) {
      return null;
    }
    return new Alloc(m.valueOr(0, name, "cluster", c, "state", "allocated"), total);
  }

  private static Map<String, Double> byLabel(MetricIndex m, String name, String c, String label) {
    Map<String, Double> out = new HashMap<>();
    m.where(name, "cluster", c).forEach(p -> out.put(p.label(label), p.value()));
    return out;
  }

  /**
   * One entry per configured check (service_check_interval_seconds exists for each from the start).
   * up: service_up 1 and the last check succeeded; degraded: service_up 1 but the last check failed
   * (below failure_threshold); down: service_up 0 after a check ran; unknown: not checked yet, or the
   * last check is older than 5 intervals (the check is stuck: the page must not show it as current).
   */
  static List<Service> services(MetricIndex m, long nowMillis, FailureDetails failures) {
    Map<String, Service> out = new LinkedHashMap<>();
    for (Point p : m.all("service_check_interval_seconds")) {
      String s = p.label("service");
      String k = p.label("kind");
      double interval = p.value();
      Double up = m.value("service_up", "service", s);
      Double ok = m.value("service_check_success", "service", s);
      Double last = m.value("service_last_check_timestamp_seconds", "service", s);
      State state;
      if (up == null || last == null) {
        state = State.UNKNOWN;
      } else if (nowMillis / 1000.0 - last > 5 * interval + 30) {
        state = State.UNKNOWN;
      } else if (up < 1) {
        state = State.DOWN;
      } else {
        state = ok != null && ok >= 1 ? State.UP : State.DEGRADED;
      }
      LastFailure f = failures.lastFailure(s);
      out.putIfAbsent(s, new Service(s, k, state, m.value("service_check_duration_seconds", "service", s),
          f == null ? null : f.reason(), f == null ? null : f.message(), last, interval));
    }
    return new ArrayList<>(out.values());
  }
}
