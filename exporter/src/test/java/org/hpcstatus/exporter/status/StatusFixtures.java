package org.hpcstatus.exporter.status;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.hpcstatus.exporter.Collectors;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;

/** Metric snapshots shaped exactly as the exporter's collectors emit them (defs from the real catalog). */
final class StatusFixtures {
  private StatusFixtures() {}

  static MetricDef def(String name) {
    for (List<MetricDef> defs : Collectors.catalog().values()) {
      for (MetricDef d : defs) {
        if (d.name().equals(name)) {
          return d;
        }
      }
    }
    throw new IllegalArgumentException("not in the catalog: " + name);
  }

  /** A small cluster "testbed": 5 nodes (1 down, 1 drained), partition debug, a MAINT reservation. */
  static List<MetricSnapshot> cluster(String cluster, double nowSeconds, boolean controllerUp) {
    Out o = new Out(cluster);
    o.family(def("slurm_nodes")).set(3, "idle").set(1, "allocated").set(1, "down");
    o.family(def("slurm_nodes_flagged")).set(1, "drain").set(0, "maint");
    o.family(def("slurm_cpus")).set(8, "allocated").set(20, "total");
    o.family(def("slurm_memory_bytes")).set(4L << 30, "allocated").set(20L << 30, "total");
    o.family(def("slurm_partition_info")).set(1, "debug", "up", "true");
    o.family(def("slurm_partition_nodes_usage")).set(1, "debug", "allocated").set(3, "debug", "idle")
        .set(1, "debug", "other");
    o.family(def("slurm_partition_jobs")).set(2, "debug", "running").set(3, "debug", "pending");
    o.family(def("slurm_partition_oldest_pending_submit_timestamp_seconds")).set(nowSeconds - 600, "debug");
    // waits: 10 jobs at ≤ 60 s, 10 at (60, 300]: median = 60 s
    o.histogram(def("slurm_job_wait_seconds"), new double[] {60, 300, 3600})
        .addBuckets(new long[] {10, 10, 0, 0}, 2000, "debug");
    o.family(def("slurm_reservation_info")).set(1, "maint_window", "active", "MAINT,SPEC_NODES", "", "true", "cn[1-2]");
    o.family(def("slurm_reservation_start_timestamp_seconds")).set(nowSeconds - 60, "maint_window");
    o.family(def("slurm_reservation_end_timestamp_seconds")).set(nowSeconds + 3600, "maint_window");
    o.family(def("slurm_reservation_nodes")).set(2, "maint_window");
    o.family(def("slurm_controller_up")).set(controllerUp ? 1 : 0, "primary", "ctl");
    for (String c : List.of("nodes", "partitions", "jobs", "reservations", "controller")) {
      o.family(def("hpcstatus_collector_success")).set(1, c);
      o.family(def("hpcstatus_collector_interval_seconds")).set(15, c);
      o.family(def("hpcstatus_collector_last_success_timestamp_seconds")).set(nowSeconds - 5, c);
    }
    return o.build();
  }

  /** Service checks: {@code states} as service:up|degraded|down|unknown. */
  static List<MetricSnapshot> services(String cluster, double nowSeconds, String... states) {
    Out o = new Out(cluster);
    for (String s : states) {
      String[] p = s.split(":");
      String name = p[0];
      o.family(def("service_check_interval_seconds")).set(1, name, "tcp");
      if (p[1].equals("unknown")) {
        continue;
      }
      o.family(def("service_up")).set(p[1].equals("down") ? 0 : 1, name, "tcp");
      o.family(def("service_check_success")).set(p[1].equals("up") ? 1 : 0, name, "tcp");
      o.family(def("service_check_duration_seconds")).set(0.012, name, "tcp");
      o.family(def("service_last_check_timestamp_seconds")).set(nowSeconds - 0.5, name, "tcp");
    }
    return o.build();
  }

  /** A StatusSource whose metrics a test sets. */
  static final class Source implements StatusSource {
    final AtomicReference<List<MetricSnapshot>> metrics = new AtomicReference<>(List.of());
    final AtomicLong generation = new AtomicLong();
    final Clock clock;

    Source(Clock clock) {
      this.clock = clock;
    }

    void set(List<MetricSnapshot> a, List<MetricSnapshot> b) {
      List<MetricSnapshot> all = new ArrayList<>(a);
      all.addAll(b);
      metrics.set(all);
      generation.incrementAndGet();
    }

    @Override
    public StatusSnapshot snapshot() {
      return MetricsStatusSource.build(new MetricIndex(metrics.get()), clock.millis(),
          s -> s.equals("redis") ? new MetricsStatusSource.LastFailure("refused", "connection refused", 0) : null);
    }

    @Override
    public long generation() {
      return generation.get();
    }
  }

  /** A clock a test moves. */
  static final class MutableClock extends Clock {
    final AtomicLong millis;

    MutableClock(long millis) {
      this.millis = new AtomicLong(millis);
    }

    void advance(long ms) {
      millis.addAndGet(ms);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }
  }

  static final Set<String> SERVICES = Set.of("mqtt", "redis", "pg", "lustre");
}
