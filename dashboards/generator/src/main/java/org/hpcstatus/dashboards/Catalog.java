package org.hpcstatus.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.hpcstatus.exporter.Collectors;
import org.hpcstatus.exporter.core.MetricDef;

/**
 * The names a dashboard or rule expression may use: every series name the exporter's catalog can expose
 * (histograms as {@code _bucket}/{@code _sum}/{@code _count}, counters and info metrics under their
 * exposed names) plus the recording rules defined in {@code alerts/} (every {@code *.yaml} below it except
 * {@code alerts/tests/}).
 */
public final class Catalog {

  private final Map<String, MetricDef> series;
  private final Set<String> recordingRules;

  private Catalog(Map<String, MetricDef> series, Set<String> recordingRules) {
    this.series = Collections.unmodifiableMap(series);
    this.recordingRules = Collections.unmodifiableSet(recordingRules);
  }

  /** The exporter's catalog and the recording rules under {@code alertsDir} (which may be absent). */
  public static Catalog load(Path alertsDir) {
    return new Catalog(exposedSeries(), recordingRules(alertsDir));
  }

  /** The exporter's catalog only, without recording rules. */
  public static Catalog exporterOnly() {
    return new Catalog(exposedSeries(), new LinkedHashSet<>());
  }

  /** Exposed series names of every catalog metric, mapped to its definition. */
  public static Map<String, MetricDef> exposedSeries() {
    Map<String, MetricDef> out = new LinkedHashMap<>();
    for (List<MetricDef> defs : Collectors.catalog().values()) {
      for (MetricDef d : defs) {
        for (String name : exposedNames(d)) {
          out.put(name, d);
        }
      }
    }
    return out;
  }

  /** The series names one definition appears under in the exposition. */
  public static List<String> exposedNames(MetricDef d) {
    if (d.type() == MetricDef.Type.HISTOGRAM) {
      return List.of(d.name() + "_bucket", d.name() + "_sum", d.name() + "_count");
    }
    return List.of(d.name());
  }

  /** Names recorded by {@code record:} rules in the rule files below {@code alertsDir}. */
  public static Set<String> recordingRules(Path alertsDir) {
    Set<String> out = new LinkedHashSet<>();
    if (!Files.isDirectory(alertsDir)) {
      return out;
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(alertsDir)) {
      walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(p -> !alertsDir.relativize(p).toString().startsWith("tests"))
          .sorted()
          .forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path f : files) {
      try {
        JsonNode root = yaml.readTree(f.toFile());
        if (root == null) {
          continue;
        }
        for (JsonNode group : root.path("groups")) {
          for (JsonNode rule : group.path("rules")) {
            if (rule.hasNonNull("record")) {
              out.add(rule.get("record").asText());
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read rule file " + f, e);
      }
    }
    return out;
  }

  /** Every exposed catalog series name. */
  public Set<String> metrics() {
    return series.keySet();
  }

  public Set<String> recordingRules() {
    return recordingRules;
  }

  /** True if {@code name} is an exposed catalog series or a recording rule. */
  public boolean contains(String name) {
    return series.containsKey(name) || recordingRules.contains(name);
  }

  /** The definition behind an exposed series name, or null. */
  public MetricDef definition(String name) {
    return series.get(name);
  }

  /**
   * True for series that only make sense rated: counters ({@code _total}) and the {@code _bucket},
   * {@code _sum} and {@code _count} series of histograms.
   */
  public boolean isCounterLike(String name) {
    MetricDef d = series.get(name);
    if (d == null) {
      return name.endsWith("_total");
    }
    return d.type() == MetricDef.Type.COUNTER || d.type() == MetricDef.Type.HISTOGRAM;
  }

  /** Names used in {@code expr} that are neither catalog series nor recording rules. */
  public Set<String> unknownNames(String expr) {
    Set<String> out = new LinkedHashSet<>(PromQl.metricNames(expr));
    out.removeIf(this::contains);
    return out;
  }
}
