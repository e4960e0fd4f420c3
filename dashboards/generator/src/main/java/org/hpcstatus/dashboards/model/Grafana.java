package org.hpcstatus.dashboards.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;

/**
 * The part of Grafana's dashboard JSON model (schemaVersion 39, Grafana 10/11) that our dashboards use,
 * as records. Absent (null) fields are left out, except the ones Grafana expects as an explicit
 * {@code null} (dashboard {@code id}, the base threshold step's {@code value}). Maps are written with
 * sorted keys, records in component order, so the output is stable byte for byte.
 */
public final class Grafana {

  public static final int SCHEMA_VERSION = 39;
  /** Every panel and target reads from the dashboard's one datasource variable. */
  public static final Datasource DATASOURCE = new Datasource("prometheus", "${datasource}");

  private Grafana() {}

  public record Datasource(String type, String uid) {}

  public record Dashboard(
      @JsonInclude(JsonInclude.Include.ALWAYS) Integer id,
      String uid,
      String title,
      String description,
      List<String> tags,
      String timezone,
      boolean editable,
      int graphTooltip,
      int fiscalYearStartMonth,
      boolean liveNow,
      String refresh,
      int schemaVersion,
      int version,
      TimeRange time,
      Map<String, Object> timepicker,
      Templating templating,
      Annotations annotations,
      List<Object> links,
      List<Panel> panels) {}

  public record TimeRange(String from, String to) {}

  public record Templating(List<Variable> list) {}

  public record Annotations(List<Map<String, Object>> list) {}

  /** A template variable: type "datasource" or "query" (or "custom"). */
  public record Variable(
      String type,
      String name,
      String label,
      String description,
      Datasource datasource,
      Object query,
      String definition,
      Map<String, Object> current,
      List<Object> options,
      Integer refresh,
      String regex,
      Integer sort,
      Boolean multi,
      Boolean includeAll,
      String allValue,
      int hide) {}

  public record GridPos(int h, int w, int x, int y) {}

  public record Panel(
      int id,
      String type,
      String title,
      String description,
      GridPos gridPos,
      Datasource datasource,
      List<Target> targets,
      FieldConfig fieldConfig,
      Map<String, Object> options,
      List<Map<String, Object>> transformations,
      Boolean collapsed,
      List<Panel> panels,
      String pluginVersion) {}

  public record Target(
      String refId,
      Datasource datasource,
      String expr,
      String legendFormat,
      Boolean instant,
      Boolean range,
      String format,
      String editorMode) {}

  public record FieldConfig(Defaults defaults, List<Map<String, Object>> overrides) {}

  public record Defaults(
      String unit,
      Double min,
      Double max,
      Integer decimals,
      String noValue,
      Thresholds thresholds,
      List<Map<String, Object>> mappings,
      Map<String, Object> color,
      Map<String, Object> custom) {}

  public record Thresholds(String mode, List<Step> steps) {}

  public record Step(String color, @JsonInclude(JsonInclude.Include.ALWAYS) Double value) {}

  /** The mapper every file is written with. */
  public static ObjectMapper mapper() {
    return new ObjectMapper()
        .setSerializationInclusion(JsonInclude.Include.NON_NULL)
        .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  }

  /** Pretty JSON in Grafana's own style ({@code "key": value}, two-space indent), ending in a newline. */
  public static String toJson(Object value) {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""));
    printer.indentObjectsWith(indenter);
    printer.indentArraysWith(indenter);
    try {
      return mapper().writer(printer).writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise dashboard", e);
    }
  }
}
