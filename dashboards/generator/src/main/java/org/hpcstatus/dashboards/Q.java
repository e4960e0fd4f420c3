package org.hpcstatus.dashboards;

import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;

/**
 * PromQL fragments built from catalog definitions, so every metric name in a dashboard is a
 * {@link MetricDef} constant: renaming a metric breaks the build, not a panel.
 */
public final class Q {

  /** Grafana's range for rate/irate/increase: at least four scrape intervals. */
  public static final String RATE_INTERVAL = "$__rate_interval";
  public static final String CLUSTER = "cluster=~\"$cluster\"";

  private Q() {}

  /** {@code name{cluster=~"$cluster", extra…}}. */
  public static String sel(MetricDef m, String... matchers) {
    return selector(m.name(), matchers);
  }

  /** A histogram's {@code _bucket} series. */
  public static String bucket(MetricDef m, String... matchers) {
    return selector(histogram(m) + "_bucket", matchers);
  }

  public static String sum(MetricDef m, String... matchers) {
    return selector(histogram(m) + "_sum", matchers);
  }

  public static String count(MetricDef m, String... matchers) {
    return selector(histogram(m) + "_count", matchers);
  }

  private static String histogram(MetricDef m) {
    if (m.type() != MetricDef.Type.HISTOGRAM) {
      throw new IllegalArgumentException(m.name() + " is not a histogram");
    }
    return m.name();
  }

  private static String selector(String name, String... matchers) {
    List<String> all = new ArrayList<>();
    all.add(CLUSTER);
    all.addAll(List.of(matchers));
    return name + "{" + String.join(", ", all) + "}";
  }

  /** {@code rate(<selector>[$__rate_interval])}. */
  public static String rate(String selector) {
    return "rate(" + selector + "[" + RATE_INTERVAL + "])";
  }

  public static String increase(String selector) {
    return "increase(" + selector + "[" + RATE_INTERVAL + "])";
  }

  /** {@code histogram_quantile(q, sum by (le, <by>) (rate(<bucket>[$__rate_interval])))}. */
  public static String quantile(double q, MetricDef histogram, String by, String... matchers) {
    String group = by == null || by.isEmpty() ? "le" : "le, " + by;
    return "histogram_quantile(" + q + ", sum by (" + group + ") (" + rate(bucket(histogram, matchers)) + "))";
  }

  /**
   * A grouped count that may be empty, completed with one zero sample whose {@code label} is "none" when it
   * is empty ({@code or on ()}) but {@code presence} has series: the panel shows "none 0" while the source
   * reports, and its no-value text (not a false 0) while the exporter or collector is down.
   */
  public static String orNone(String expr, String label, String presence) {
    return expr + " or on () label_replace(count(" + presence + ") * 0, \"" + label + "\", \"none\", \"\", \"\")";
  }

  /** A count that may be empty, completed with 0 while {@code presence} has series. */
  public static String orZero(String expr, String presence) {
    return expr + " or count(" + presence + ") * 0";
  }

  /** A count that may be empty, completed with {@code vector(0)} (for sources that may be legitimately off). */
  public static String orZero(String expr) {
    return expr + " or vector(0)";
  }

  /** Series present while an exporter of a selected cluster is scraped. */
  public static String exporterUp() {
    return sel(org.hpcstatus.exporter.core.SelfMetrics.BUILD_INFO);
  }

  /** Series present while the named collector's last run succeeded. */
  public static String collectorOk(String collector) {
    return sel(org.hpcstatus.exporter.core.Poller.SUCCESS, "collector=\"" + collector + "\"") + " == 1";
  }
}
