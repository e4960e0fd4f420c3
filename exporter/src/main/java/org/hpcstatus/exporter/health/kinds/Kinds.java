package org.hpcstatus.exporter.health.kinds;

import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Kind;

/** The registry of service-check kinds: adding a kind is one file declaring its {@code KIND} and one line here. */
public final class Kinds {
  private Kinds() {}

  public static final List<Kind<?>> ALL = List.of(
      PostgresCheck.KIND,
      InfluxDbCheck.KIND,
      MqttCheck.KIND,
      KeycloakCheck.KIND,
      RedisCheck.KIND,
      RabbitMqCheck.KIND,
      MinioCheck.KIND,
      FilesystemCheck.KIND,
      HttpCheck.KIND,
      TcpCheck.KIND,
      SqlCheck.KIND);

  /** The kind called {@code name}, or null. */
  public static Kind<?> byName(String name) {
    for (Kind<?> k : ALL) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    return null;
  }

  public static List<String> names() {
    return ALL.stream().map(Kind::name).toList();
  }

  /** True if some kind takes {@code key} as one of its own options. */
  public static boolean anyOptionKey(String key) {
    return ALL.stream().anyMatch(k -> k.optionKeys().contains(key));
  }

  /** Every kind-specific metric, in registry order (for docs/metrics.md). */
  public static List<MetricDef> metrics() {
    List<MetricDef> all = new ArrayList<>();
    ALL.forEach(k -> all.addAll(k.metrics()));
    return all;
  }
}
