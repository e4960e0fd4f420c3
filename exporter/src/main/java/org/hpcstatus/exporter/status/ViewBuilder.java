package org.hpcstatus.exporter.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.hpcstatus.exporter.status.StatusSnapshot.Cluster;
import org.hpcstatus.exporter.status.StatusSnapshot.Service;
import org.hpcstatus.exporter.status.StatusSnapshot.State;
import org.hpcstatus.exporter.status.StatusView.Age;
import org.hpcstatus.exporter.status.StatusView.ClusterView;
import org.hpcstatus.exporter.status.StatusView.Level;
import org.hpcstatus.exporter.status.StatusView.ServiceView;

/** Pure derivations of the page's content from a snapshot, the history and the declared outages. */
final class ViewBuilder {
  static final Duration PAST = Duration.ofDays(30);
  static final long DAY = History.DAY_MILLIS;

  private ViewBuilder() {}

  static String serviceKey(String name) {
    return "service:" + name;
  }

  static String clusterKey(String name) {
    return "cluster:" + name;
  }

  /**
   * A cluster is up when its controller answers, down when it does not, unknown without data or when
   * the controller data is older than 5 intervals.
   */
  static State clusterState(Cluster c, double nowSeconds) {
    if (c.controllerUp() == null) {
      return State.UNKNOWN;
    }
    for (StatusSnapshot.Freshness f : c.freshness()) {
      if (f.source().equals("controller") && Age.of(nowSeconds, f.lastSuccess(), f.intervalSeconds(), "").rank() >= 2) {
        return State.UNKNOWN;
      }
    }
    return c.controllerUp() ? State.UP : State.DOWN;
  }

  /** Slurm reservations with the MAINT flag, as maintenance declarations (read-only, with their nodes). */
  static List<Outage> maintenance(List<Cluster> clusters) {
    List<Outage> out = new ArrayList<>();
    for (Cluster c : clusters) {
      for (StatusSnapshot.Reservation r : c.reservations()) {
        if (!r.maint()) {
          continue;
        }
        Instant start = r.start() == null ? null : Instant.ofEpochSecond(r.start().longValue());
        Instant end = r.end() == null ? null : Instant.ofEpochSecond(r.end().longValue());
        if (start != null && end != null && !end.isAfter(start)) {
          end = null;
        }
        String nodes = r.nodeList() == null || r.nodeList().isEmpty() ? r.nodes() + " nodes" : r.nodeList();
        out.add(new Outage("slurm-" + c.name() + "-" + r.name(), c.name(), null, Outage.Severity.MAINTENANCE,
            "Slurm maintenance reservation " + r.name(),
            "Nodes reserved for maintenance: " + nodes + (r.partition().isEmpty() ? "" : " (partition " + r.partition() + ")")
                + ". Jobs that would overlap the window are not started on these nodes.",
            start, end, List.of(), false, null, Outage.Origin.SLURM, nodes));
      }
    }
    return out;
  }

  static StatusView build(StatusSnapshot snap, History history, List<Outage> outages, String fileError,
                          long nowMillis) {
    Instant now = Instant.ofEpochMilli(nowMillis);
    double nowS = nowMillis / 1000.0;
    List<Outage> active = new ArrayList<>();
    List<Outage> upcoming = new ArrayList<>();
    List<Outage> past = new ArrayList<>();
    for (Outage o : outages) {
      switch (o.phase(now)) {
        case ACTIVE -> active.add(o);
        case UPCOMING -> upcoming.add(o);
        case ENDED -> {
          Instant ended = o.endedAt(now);
          if (ended == null || ended.isAfter(now.minus(PAST))) {
            past.add(o);
          }
        }
      }
    }
    Comparator<Outage> byStart = Comparator.comparing(o -> o.start() == null ? Instant.EPOCH : o.start());
    active.sort(Comparator.comparing((Outage o) -> o.severity()).reversed().thenComparing(byStart));
    upcoming.sort(byStart);
    past.sort(byStart.reversed());

    List<ClusterView> clusters = new ArrayList<>();
    Age clustersAge = Age.NONE;
    for (Cluster c : snap.clusters()) {
      Age age = Age.NONE;
      for (StatusSnapshot.Freshness f : c.freshness()) {
        age = age.worst(Age.of(nowS, f.lastSuccess(), f.intervalSeconds(), f.source()));
      }
      clustersAge = clustersAge.worst(age);
      String key = clusterKey(c.name());
      History.Track t = history.track(key);
      clusters.add(new ClusterView(c, clusterState(c, nowS), t == null ? nowMillis : t.sinceMillis(), age,
          history.uptime(key, DAY, nowMillis), history.uptime(key, 7 * DAY, nowMillis),
          history.uptime(key, 30 * DAY, nowMillis), history.daily(key, 90, nowMillis)));
    }
    List<ServiceView> services = new ArrayList<>();
    Age servicesAge = Age.NONE;
    for (Service s : snap.services()) {
      servicesAge = servicesAge.worst(s.lastCheck() == null ? new Age("never", Double.POSITIVE_INFINITY, s.name())
          : Age.of(nowS, s.lastCheck(), s.intervalSeconds(), s.name()));
      String key = serviceKey(s.name());
      History.Track t = history.track(key);
      List<Outage> mine = active.stream().filter(o -> s.name().equals(o.service())).toList();
      services.add(new ServiceView(s, t == null ? nowMillis : t.sinceMillis(), history.uptime(key, DAY, nowMillis),
          history.uptime(key, 7 * DAY, nowMillis), history.uptime(key, 30 * DAY, nowMillis),
          history.daily(key, 90, nowMillis), mine));
    }
    return new StatusView(nowMillis, overall(clusters, services, active), clusters, clustersAge, services,
        servicesAge, active, upcoming, past, fileError, snap.notice(), snap.sources());
  }

  /**
   * The banner: the worst of the declared outages in progress (their severity), the measured states
   * (a cluster controller down → major; a service down → partial; degraded → degraded), and
   * maintenance in progress when nothing is worse.
   */
  static Level overall(List<ClusterView> clusters, List<ServiceView> services, List<Outage> active) {
    Level l = Level.OPERATIONAL;
    for (Outage o : active) {
      l = max(l, switch (o.severity()) {
        case MAINTENANCE -> Level.MAINTENANCE;
        case DEGRADED -> Level.DEGRADED;
        case PARTIAL -> Level.PARTIAL;
        case MAJOR -> Level.MAJOR;
      });
    }
    for (ClusterView c : clusters) {
      if (c.state() == State.DOWN) {
        l = max(l, Level.MAJOR);
      }
    }
    for (ServiceView s : services) {
      l = max(l, switch (s.service().state()) {
        case DOWN -> Level.PARTIAL;
        case DEGRADED -> Level.DEGRADED;
        default -> Level.OPERATIONAL;
      });
    }
    return l;
  }

  private static Level max(Level a, Level b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }
}
