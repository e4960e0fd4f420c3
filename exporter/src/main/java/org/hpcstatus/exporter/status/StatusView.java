package org.hpcstatus.exporter.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.status.StatusSnapshot.State;

/**
 * Everything one page render needs, computed once per update by {@link StatusHub} and shared by the
 * HTML page, the SSE stream, the JSON API, the feed and the badges (so they never disagree).
 */
public record StatusView(long nowMillis, Level overall, List<ClusterView> clusters, Age clustersAge,
                         List<ServiceView> services, Age servicesAge, List<Outage> active, List<Outage> upcoming,
                         List<Outage> past, String outagesFileError, String notice, Map<String, String> sources) {

  public Instant now() {
    return Instant.ofEpochMilli(nowMillis);
  }

  /** The banner: Statuspage's levels, with maintenance between operational and degraded. */
  public enum Level {
    OPERATIONAL("operational", "All systems operational"),
    MAINTENANCE("maintenance", "Maintenance in progress"),
    DEGRADED("degraded", "Degraded performance"),
    PARTIAL("partial", "Partial outage"),
    MAJOR("major", "Major outage");

    public final String label;
    public final String text;

    Level(String label, String text) {
      this.label = label;
      this.text = text;
    }
  }

  /**
   * How fresh a section's data is: {@code fresh} (≤ 2 intervals), {@code stale} (amber, > 2),
   * {@code old} (red, > 5) or {@code never} (no success yet); {@code source} is the worst source.
   */
  public record Age(String level, double seconds, String source) {
    public static final Age NONE = new Age("fresh", 0, null);

    public static Age of(double nowSeconds, double lastSuccess, double interval, String source) {
      if (lastSuccess <= 0) {
        return new Age("never", Double.POSITIVE_INFINITY, source);
      }
      double age = Math.max(0, nowSeconds - lastSuccess);
      double n = interval <= 0 ? 0 : age / interval;
      return new Age(n > 5 ? "old" : n > 2 ? "stale" : "fresh", age, source);
    }

    int rank() {
      return switch (level) {
        case "never" -> 3;
        case "old" -> 2;
        case "stale" -> 1;
        default -> 0;
      };
    }

    /** The worse of two (by level, then by age). */
    public Age worst(Age o) {
      if (o.rank() != rank()) {
        return o.rank() > rank() ? o : this;
      }
      return o.seconds > seconds ? o : this;
    }
  }

  /** A cluster with its derived state, freshness and maintenance. */
  public record ClusterView(StatusSnapshot.Cluster cluster, State state, long sinceMillis, Age age,
                            double uptime24h, double uptime7d, double uptime30d, List<History.Bucket> days) {}

  /** A service tile: measured state, since when, uptime, and the outages declared for it. */
  public record ServiceView(StatusSnapshot.Service service, long sinceMillis, double uptime24h, double uptime7d,
                            double uptime30d, List<History.Bucket> days, List<Outage> outages) {}
}
