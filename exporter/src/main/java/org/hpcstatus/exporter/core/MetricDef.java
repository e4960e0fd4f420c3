package org.hpcstatus.exporter.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One metric family in the exporter's catalog: the single place where a name, its type, help text and
 * label names are written down. Collectors emit only through their {@code MetricDef}s, and
 * {@code docs/metrics.md} is generated from the catalog, so the two cannot drift apart.
 *
 * <p>{@code name} is the name as it appears in the exposition (counters end in {@code _total}, info
 * metrics in {@code _info}). {@code labels} excludes {@code cluster}, which every metric carries.
 */
public record MetricDef(String name, Type type, String help, List<String> labels, boolean cached) {

  public enum Type { GAUGE, COUNTER, INFO, HISTOGRAM }

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final List<String> FORBIDDEN_LABELS = List.of("job", "instance", "cluster", "le");

  public MetricDef {
    labels = List.copyOf(labels);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad metric name " + name);
    }
    if (!(name.startsWith("slurm_") || name.startsWith("service_") || name.startsWith("hpcstatus_"))) {
      throw new IllegalArgumentException(name + ": prefix must be slurm_, service_ or hpcstatus_");
    }
    if (type == Type.COUNTER && !name.endsWith("_total")) {
      throw new IllegalArgumentException(name + ": counters end in _total");
    }
    if (type != Type.COUNTER && name.endsWith("_total")) {
      throw new IllegalArgumentException(name + ": only counters end in _total");
    }
    if (type == Type.INFO && !name.endsWith("_info")) {
      throw new IllegalArgumentException(name + ": info metrics end in _info");
    }
    for (String l : labels) {
      if (FORBIDDEN_LABELS.contains(l)) {
        throw new IllegalArgumentException(name + ": label " + l + " is reserved");
      }
    }
  }

  public static MetricDef gauge(String name, String help, String... labels) {
    return new MetricDef(name, Type.GAUGE, help, List.of(labels), false);
  }

  public static MetricDef counter(String name, String help, String... labels) {
    return new MetricDef(name, Type.COUNTER, help, List.of(labels), false);
  }

  public static MetricDef info(String name, String help, String... labels) {
    return new MetricDef(name, Type.INFO, help, List.of(labels), false);
  }

  public static MetricDef histogram(String name, String help, String... labels) {
    return new MetricDef(name, Type.HISTOGRAM, help, List.of(labels), false);
  }

  /** The same metric, marked as served from the background poller's last result. */
  public MetricDef polled() {
    return new MetricDef(name, type, help, labels, true);
  }

  /** HELP text as exposed: polled metrics say that they are cached. */
  public String exposedHelp() {
    return cached ? help + " (cached: refreshed by the background poller, not per scrape)" : help;
  }

  /** Name handed to client_java builders, which add the {@code _total}/{@code _info} suffix themselves. */
  public String baseName() {
    if (type == Type.COUNTER) {
      return name.substring(0, name.length() - "_total".length());
    }
    if (type == Type.INFO) {
      return name.substring(0, name.length() - "_info".length());
    }
    return name;
  }

  /** All label names in exposition order: {@code cluster} first. */
  public List<String> allLabels() {
    var all = new java.util.ArrayList<String>(labels.size() + 1);
    all.add("cluster");
    all.addAll(labels);
    return all;
  }
}
