package org.hpcstatus.exporter.core;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds client_java snapshots from {@link MetricDef}s. Values with the same label values are
 * aggregated ({@link Family#add}) or replaced ({@link Family#set}), so collectors can count into a
 * family without keeping their own maps, and no snapshot ever holds duplicate label sets. Every data
 * point gets the {@code cluster} label.
 */
public final class Out {

  private final String cluster;
  private final Map<String, Object> families = new LinkedHashMap<>();

  public Out(String cluster) {
    this.cluster = cluster;
  }

  public String cluster() {
    return cluster;
  }

  public Family family(MetricDef def) {
    if (def.type() == MetricDef.Type.HISTOGRAM) {
      throw new IllegalArgumentException(def.name() + " is a histogram; use histogram()");
    }
    Object f = families.computeIfAbsent(def.name(), k -> new Family(def));
    if (!(f instanceof Family fam) || fam.def != def) {
      throw new IllegalStateException("metric " + def.name() + " defined twice");
    }
    return fam;
  }

  public Histogram histogram(MetricDef def, double[] upperBounds) {
    Object f = families.computeIfAbsent(def.name(), k -> new Histogram(def, upperBounds));
    if (!(f instanceof Histogram h)) {
      throw new IllegalStateException("metric " + def.name() + " defined twice");
    }
    return h;
  }

  /** Declares a family so that it appears (possibly empty of data points) in the output. */
  public void declare(MetricDef def) {
    if (def.type() == MetricDef.Type.HISTOGRAM) {
      throw new IllegalArgumentException("declare histograms with histogram()");
    }
    family(def);
  }

  public List<MetricSnapshot> build() {
    List<MetricSnapshot> out = new ArrayList<>(families.size());
    for (Object f : families.values()) {
      if (f instanceof Family fam) {
        out.add(fam.build());
      } else {
        out.add(((Histogram) f).build());
      }
    }
    return out;
  }

  private Labels labels(MetricDef def, List<String> values) {
    String[] names = new String[values.size() + 1];
    String[] vals = new String[values.size() + 1];
    names[0] = "cluster";
    vals[0] = cluster;
    for (int i = 0; i < values.size(); i++) {
      names[i + 1] = def.labels().get(i);
      String v = values.get(i);
      vals[i + 1] = v == null ? "" : v;
    }
    return Labels.of(names, vals);
  }

  private static List<String> key(MetricDef def, String[] labelValues) {
    if (labelValues.length != def.labels().size()) {
      throw new IllegalArgumentException(def.name() + " takes labels " + def.labels() + ", got "
          + Arrays.toString(labelValues));
    }
    return Arrays.asList(labelValues.clone());
  }

  /** Something values can be added to by label values (a family, or a family with fixed leading labels). */
  public interface Adder {
    void add(double v, String... labelValues);
  }

  /** A gauge, counter or info family. */
  public final class Family implements Adder {
    private final MetricDef def;
    private final Map<List<String>, double[]> points = new LinkedHashMap<>();

    private Family(MetricDef def) {
      this.def = def;
    }

    /** Adds {@code v} to the data point with these label values (created at 0). */
    @Override
    public void add(double v, String... labelValues) {
      points.computeIfAbsent(key(def, labelValues), k -> new double[1])[0] += v;
    }

    /** A view that adds with {@code prefix} as the first label values. */
    public Adder prefixed(String... prefix) {
      return (v, rest) -> {
        String[] all = java.util.Arrays.copyOf(prefix, prefix.length + rest.length);
        System.arraycopy(rest, 0, all, prefix.length, rest.length);
        add(v, all);
      };
    }

    /** Sets the data point with these label values to {@code v}. */
    public Family set(double v, String... labelValues) {
      points.computeIfAbsent(key(def, labelValues), k -> new double[1])[0] = v;
      return this;
    }

    public boolean isEmpty() {
      return points.isEmpty();
    }

    MetricSnapshot build() {
      switch (def.type()) {
        case GAUGE -> {
          var b = GaugeSnapshot.builder().name(def.baseName()).help(def.exposedHelp());
          points.forEach((k, v) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(labels(def, k)).value(v[0]).build()));
          return b.build();
        }
        case COUNTER -> {
          var b = CounterSnapshot.builder().name(def.baseName()).help(def.exposedHelp());
          points.forEach((k, v) -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
              .labels(labels(def, k)).value(v[0]).build()));
          return b.build();
        }
        case INFO -> {
          var b = InfoSnapshot.builder().name(def.baseName()).help(def.exposedHelp());
          points.forEach((k, v) -> b.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
              .labels(labels(def, k)).build()));
          return b.build();
        }
        default -> throw new IllegalStateException();
      }
    }
  }

  /** A classic histogram family; observations or pre-aggregated buckets per label set. */
  public final class Histogram {
    private final MetricDef def;
    private final double[] bounds;
    private final Map<List<String>, HistogramData> points = new LinkedHashMap<>();

    private Histogram(MetricDef def, double[] upperBounds) {
      this.def = def;
      double[] b = upperBounds;
      if (b.length == 0 || b[b.length - 1] != Double.POSITIVE_INFINITY) {
        b = Arrays.copyOf(b, b.length + 1);
        b[b.length - 1] = Double.POSITIVE_INFINITY;
      }
      this.bounds = b;
    }

    public Histogram observe(double v, String... labelValues) {
      HistogramData d = points.computeIfAbsent(key(def, labelValues), k -> new HistogramData(bounds.length));
      d.sum += v;
      for (int i = 0; i < bounds.length; i++) {
        if (v <= bounds[i]) {
          d.counts[i]++;
          break;
        }
      }
      return this;
    }

    /** Adds pre-bucketed data: {@code counts[i]} observations fell into bucket i (not cumulative). */
    public Histogram addBuckets(long[] counts, double sum, String... labelValues) {
      HistogramData d = points.computeIfAbsent(key(def, labelValues), k -> new HistogramData(bounds.length));
      if (counts.length != bounds.length) {
        throw new IllegalArgumentException(def.name() + ": expected " + bounds.length + " buckets");
      }
      for (int i = 0; i < counts.length; i++) {
        d.counts[i] += counts[i];
      }
      d.sum += sum;
      return this;
    }

    public double[] bounds() {
      return bounds.clone();
    }

    MetricSnapshot build() {
      var b = HistogramSnapshot.builder().name(def.name()).help(def.exposedHelp());
      points.forEach((k, d) -> b.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
          .labels(labels(def, k))
          .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, d.counts.clone()))
          .sum(d.sum)
          .build()));
      return b.build();
    }
  }

  private static final class HistogramData {
    final long[] counts;
    double sum;

    HistogramData(int n) {
      counts = new long[n];
    }
  }
}
