package org.hpcstatus.exporter.status;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Metric snapshots indexed by exposed name ({@code _total} and {@code _info} included, as in
 * docs/metrics.md): the status page reads exactly the numbers a scrape would show.
 */
final class MetricIndex {

  /** One data point: its labels and value (1 for info metrics); {@code buckets} for histograms only. */
  record Point(Labels labels, double value, ClassicHistogramBuckets buckets) {
    String label(String name) {
      String v = labels.get(name);
      return v == null ? "" : v;
    }
  }

  private final Map<String, List<Point>> byName = new HashMap<>();

  MetricIndex(Iterable<MetricSnapshot> snapshots) {
    this(snapshots, null);
  }

  /** Indexes only the families named in {@code wanted} (all when null): per-node families are skipped cheaply. */
  MetricIndex(Iterable<MetricSnapshot> snapshots, java.util.Set<String> wanted) {
    for (MetricSnapshot s : snapshots) {
      String name = s.getMetadata().getPrometheusName();
      String exposed = s instanceof CounterSnapshot ? name + "_total" : s instanceof InfoSnapshot ? name + "_info" : name;
      if (wanted != null && !wanted.contains(exposed)) {
        continue;
      }
      List<Point> points = new ArrayList<>();
      if (s instanceof GaugeSnapshot g) {
        g.getDataPoints().forEach(p -> points.add(new Point(p.getLabels(), p.getValue(), null)));
      } else if (s instanceof CounterSnapshot c) {
        name += "_total";
        c.getDataPoints().forEach(p -> points.add(new Point(p.getLabels(), p.getValue(), null)));
      } else if (s instanceof InfoSnapshot i) {
        name += "_info";
        i.getDataPoints().forEach(p -> points.add(new Point(p.getLabels(), 1, null)));
      } else if (s instanceof HistogramSnapshot h) {
        h.getDataPoints().forEach(p -> points.add(new Point(p.getLabels(), p.getCount(), p.getClassicBuckets())));
      }
      byName.computeIfAbsent(name, k -> new ArrayList<>()).addAll(points);
    }
  }

  List<Point> all(String name) {
    return byName.getOrDefault(name, List.of());
  }

  /** Points whose labels match every given name=value pair. */
  List<Point> where(String name, String... labelValuePairs) {
    List<Point> out = new ArrayList<>();
    for (Point p : all(name)) {
      boolean ok = true;
      for (int i = 0; i + 1 < labelValuePairs.length; i += 2) {
        if (!labelValuePairs[i + 1].equals(p.label(labelValuePairs[i]))) {
          ok = false;
          break;
        }
      }
      if (ok) {
        out.add(p);
      }
    }
    return out;
  }

  /** The value of the single point matching, or null when there is none. */
  Double value(String name, String... labelValuePairs) {
    List<Point> p = where(name, labelValuePairs);
    return p.isEmpty() ? null : p.get(0).value();
  }

  double valueOr(double dflt, String name, String... labelValuePairs) {
    Double v = value(name, labelValuePairs);
    return v == null ? dflt : v;
  }

  /**
   * The median of a classic histogram (linear interpolation inside the bucket, as PromQL's
   * histogram_quantile does), or null without observations. Bucket counts are per bucket, not cumulative.
   */
  static Double median(ClassicHistogramBuckets b) {
    if (b == null || b.isEmpty()) {
      return null;
    }
    long total = 0;
    for (int i = 0; i < b.size(); i++) {
      total += b.getCount(i);
    }
    if (total == 0) {
      return null;
    }
    double rank = total / 2.0;
    long seen = 0;
    double lower = 0;
    for (int i = 0; i < b.size(); i++) {
      long c = b.getCount(i);
      double upper = b.getUpperBound(i);
      if (seen + c >= rank && c > 0) {
        if (Double.isInfinite(upper)) {
          return lower; // as histogram_quantile: the highest finite bound
        }
        return lower + (upper - lower) * (rank - seen) / c;
      }
      seen += c;
      if (!Double.isInfinite(upper)) {
        lower = upper;
      }
    }
    return lower;
  }
}
