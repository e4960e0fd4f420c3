package org.hpcstatus.dashboards.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hpcstatus.dashboards.model.Grafana.Defaults;
import org.hpcstatus.dashboards.model.Grafana.FieldConfig;
import org.hpcstatus.dashboards.model.Grafana.GridPos;
import org.hpcstatus.dashboards.model.Grafana.Panel;
import org.hpcstatus.dashboards.model.Grafana.Step;
import org.hpcstatus.dashboards.model.Grafana.Target;
import org.hpcstatus.dashboards.model.Grafana.Thresholds;

/**
 * Builds one panel of a kind we use (stat, gauge, bargauge, timeseries, table, state-timeline, text, row)
 * with the options Grafana 10/11 writes for it. Width and height are chosen here; {@link Layout} places it.
 */
public final class PanelBuilder {

  /** The panel kinds our dashboards use; Grafana's deprecated graph/singlestat/table-old are not among them. */
  public enum Kind {
    STAT("stat"), GAUGE("gauge"), BARGAUGE("bargauge"), TIMESERIES("timeseries"), TABLE("table"),
    STATE_TIMELINE("state-timeline"), TEXT("text"), ROW("row");

    public final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  /** One query of the panel. */
  public record Query(String expr, String legend) {}

  private final Kind kind;
  private final String title;
  private String description;
  private String unit;
  private int w = 6;
  private int h = 6;
  private Double min;
  private Double max;
  private Integer decimals;
  private String noValue;
  private final List<Query> queries = new ArrayList<>();
  private List<Step> steps = List.of(new Step("green", null));
  private final List<Map<String, Object>> mappings = new ArrayList<>();
  private final List<Map<String, Object>> overrides = new ArrayList<>();
  private final List<Map<String, Object>> transformations = new ArrayList<>();
  private final Map<String, Object> options = new TreeMap<>();
  private final Map<String, Object> custom = new TreeMap<>();
  private Map<String, Object> color;

  private PanelBuilder(Kind kind, String title) {
    this.kind = kind;
    this.title = title;
    Map<String, Object> reduce = Map.of("calcs", List.of("lastNotNull"), "fields", "", "values", false);
    switch (kind) {
      case STAT -> {
        options.put("reduceOptions", reduce);
        options.put("colorMode", "value");
        options.put("graphMode", "none");
        options.put("textMode", "auto");
        options.put("justifyMode", "auto");
        options.put("orientation", "auto");
        options.put("wideLayout", true);
        options.put("showPercentChange", false);
      }
      case GAUGE -> {
        options.put("reduceOptions", reduce);
        options.put("orientation", "auto");
        options.put("showThresholdLabels", false);
        options.put("showThresholdMarkers", true);
        options.put("minVizHeight", 75);
        options.put("minVizWidth", 75);
        options.put("sizing", "auto");
      }
      case BARGAUGE -> {
        options.put("reduceOptions", reduce);
        options.put("displayMode", "gradient");
        options.put("orientation", "horizontal");
        options.put("showUnfilled", true);
        options.put("valueMode", "color");
        options.put("namePlacement", "auto");
        options.put("sizing", "auto");
        options.put("minVizHeight", 16);
        options.put("minVizWidth", 8);
        options.put("maxVizHeight", 300);
      }
      case TIMESERIES -> {
        options.put("legend", legend("list", List.of()));
        options.put("tooltip", Map.of("mode", "multi", "sort", "desc"));
        custom.put("drawStyle", "line");
        custom.put("lineWidth", 1);
        custom.put("fillOpacity", 10);
        custom.put("showPoints", "never");
        custom.put("spanNulls", false);
        custom.put("stacking", Map.of("group", "A", "mode", "none"));
        custom.put("axisPlacement", "auto");
      }
      case TABLE -> {
        options.put("showHeader", true);
        options.put("cellHeight", "sm");
        options.put("footer", Map.of("show", false, "reducer", List.of("sum"), "fields", "", "countRows", false));
        custom.put("align", "auto");
        custom.put("cellOptions", Map.of("type", "auto"));
        custom.put("filterable", true);
      }
      case STATE_TIMELINE -> {
        options.put("mergeValues", true);
        options.put("showValue", "never");
        options.put("alignValue", "left");
        options.put("rowHeight", 0.9);
        options.put("legend", legend("list", List.of()));
        options.put("tooltip", Map.of("mode", "single", "sort", "none"));
        custom.put("fillOpacity", 80);
        custom.put("lineWidth", 0);
      }
      case TEXT, ROW -> { }
    }
  }

  private static Map<String, Object> legend(String mode, List<String> calcs) {
    Map<String, Object> l = new TreeMap<>();
    l.put("displayMode", mode);
    l.put("placement", "bottom");
    l.put("showLegend", true);
    l.put("calcs", calcs);
    return l;
  }

  public static PanelBuilder of(Kind kind, String title) {
    return new PanelBuilder(kind, title);
  }

  public static PanelBuilder stat(String title) {
    return of(Kind.STAT, title);
  }

  public static PanelBuilder gauge(String title) {
    return of(Kind.GAUGE, title);
  }

  public static PanelBuilder bargauge(String title) {
    return of(Kind.BARGAUGE, title);
  }

  public static PanelBuilder timeseries(String title) {
    return of(Kind.TIMESERIES, title);
  }

  public static PanelBuilder table(String title) {
    return of(Kind.TABLE, title);
  }

  public static PanelBuilder stateTimeline(String title) {
    return of(Kind.STATE_TIMELINE, title);
  }

  /** A markdown note. */
  public static PanelBuilder text(String title, String markdown) {
    PanelBuilder b = of(Kind.TEXT, title);
    b.options.put("mode", "markdown");
    b.options.put("content", markdown);
    b.options.put("code", Map.of("language", "plaintext", "showLineNumbers", false, "showMiniMap", false));
    b.unit = "none";
    return b;
  }

  public Kind kind() {
    return kind;
  }

  public String title() {
    return title;
  }

  public String description() {
    return description;
  }

  public List<Query> queries() {
    return List.copyOf(queries);
  }

  public int width() {
    return w;
  }

  public int height() {
    return h;
  }

  public PanelBuilder desc(String text) {
    this.description = text;
    return this;
  }

  public PanelBuilder unit(String u) {
    this.unit = u;
    return this;
  }

  public PanelBuilder size(int width, int height) {
    this.w = width;
    this.h = height;
    return this;
  }

  public PanelBuilder query(String expr, String legend) {
    queries.add(new Query(expr, legend));
    return this;
  }

  public PanelBuilder range(double lo, double hi) {
    this.min = lo;
    this.max = hi;
    return this;
  }

  public PanelBuilder min(double lo) {
    this.min = lo;
    return this;
  }

  public PanelBuilder decimals(int d) {
    this.decimals = d;
    return this;
  }

  public PanelBuilder noValue(String text) {
    this.noValue = text;
    return this;
  }

  /** Threshold steps: the base colour, then (value, colour) pairs in rising order. */
  public PanelBuilder thresholds(String base, Object... valueColour) {
    List<Step> s = new ArrayList<>();
    s.add(new Step(base, null));
    for (int i = 0; i < valueColour.length; i += 2) {
      s.add(new Step((String) valueColour[i + 1], ((Number) valueColour[i]).doubleValue()));
    }
    this.steps = List.copyOf(s);
    return this;
  }

  /** Colour by thresholds (stat/gauge/bargauge backgrounds, table cells). */
  public PanelBuilder colorByThresholds() {
    this.color = Map.of("mode", "thresholds");
    return this;
  }

  /** Value mapping: exact numeric value to text and colour. */
  public PanelBuilder map(String value, String text, String colour) {
    Map<String, Object> result = new TreeMap<>(Map.of("text", text, "color", colour, "index", mappings.size()));
    mappings.add(new TreeMap<>(Map.of("type", "value", "options", Map.of(value, result))));
    return this;
  }

  /** Mapping for null/NaN values (e.g. grey "no data"). */
  public PanelBuilder mapNull(String text, String colour) {
    Map<String, Object> result = new TreeMap<>(Map.of("text", text, "color", colour, "index", mappings.size()));
    mappings.add(new TreeMap<>(Map.of("type", "special",
        "options", new TreeMap<>(Map.of("match", "null+nan", "result", result)))));
    return this;
  }

  /** A 1/0 status: 1 green {@code one}, 0 red {@code zero}, null/NaN grey {@code missing}. */
  public PanelBuilder binary(String one, String zero, String missing) {
    return map("1", one, "green").map("0", zero, "red").mapNull(missing, "#808080").thresholds("red", 1, "green");
  }

  public PanelBuilder option(String key, Object value) {
    options.put(key, value);
    return this;
  }

  public PanelBuilder custom(String key, Object value) {
    custom.put(key, value);
    return this;
  }

  /** Timeseries legend as a table with these calculations (e.g. "mean", "max", "lastNotNull"). */
  public PanelBuilder legendTable(String... calcs) {
    options.put("legend", legend("table", List.of(calcs)));
    return this;
  }

  /** Stacked areas (timeseries). */
  public PanelBuilder stacked() {
    custom.put("stacking", Map.of("group", "A", "mode", "normal"));
    custom.put("fillOpacity", 60);
    return this;
  }

  /** Per-column display name and unit of a table built from several queries ("Value #A", …). */
  public PanelBuilder column(String refId, String displayName, String columnUnit) {
    List<Map<String, Object>> props = new ArrayList<>();
    props.add(Map.of("id", "displayName", "value", displayName));
    if (columnUnit != null) {
      props.add(Map.of("id", "unit", "value", columnUnit));
    }
    overrides.add(new TreeMap<>(Map.of("matcher", Map.of("id", "byName", "options", "Value #" + refId),
        "properties", props)));
    return this;
  }

  /** Override of one field's property, matched by field name. */
  public PanelBuilder override(String fieldName, String property, Object value) {
    overrides.add(new TreeMap<>(Map.of("matcher", Map.of("id", "byName", "options", fieldName),
        "properties", List.of(Map.of("id", property, "value", value)))));
    return this;
  }

  /** Table built from several instant queries: merge them on their labels, hide Time and the given fields. */
  public PanelBuilder mergeTable(List<String> hidden, String sortBy) {
    transformations.add(new TreeMap<>(Map.of("id", "merge", "options", Map.of())));
    Map<String, Object> exclude = new TreeMap<>();
    exclude.put("Time", true);
    hidden.forEach(f -> exclude.put(f, true));
    transformations.add(new TreeMap<>(Map.of("id", "organize", "options",
        new TreeMap<>(Map.of("excludeByName", exclude, "indexByName", Map.of(), "renameByName", Map.of())))));
    if (sortBy != null) {
      options.put("sortBy", List.of(Map.of("displayName", sortBy, "desc", true)));
    }
    return this;
  }

  /** The finished panel at {@code pos}. Queries get refIds A, B, C, … */
  public Panel build(int id, GridPos pos) {
    if (kind == Kind.ROW) {
      return new Panel(id, "row", title, description, pos, null, null, null, null, null, false, List.of(), null);
    }
    List<Target> targets = null;
    if (kind != Kind.TEXT) {
      targets = new ArrayList<>();
      boolean instant = kind == Kind.STAT || kind == Kind.GAUGE || kind == Kind.BARGAUGE || kind == Kind.TABLE;
      for (int i = 0; i < queries.size(); i++) {
        Query q = queries.get(i);
        targets.add(new Target(String.valueOf((char) ('A' + i)), Grafana.DATASOURCE, q.expr(), q.legend(),
            instant, !instant, kind == Kind.TABLE ? "table" : "time_series", "code"));
      }
    }
    Map<String, Object> colour = color;
    if (colour == null && kind != Kind.TEXT) {
      colour = kind == Kind.TIMESERIES ? Map.of("mode", "palette-classic") : Map.of("mode", "thresholds");
    }
    Defaults defaults = new Defaults(unit, min, max, decimals, noValue, new Thresholds("absolute", steps),
        List.copyOf(mappings), colour, custom.isEmpty() ? null : new LinkedHashMap<>(custom));
    return new Panel(id, kind.type, title, description, pos, kind == Kind.TEXT ? null : Grafana.DATASOURCE,
        targets, new FieldConfig(defaults, List.copyOf(overrides)), new TreeMap<>(options),
        transformations.isEmpty() ? null : List.copyOf(transformations), null, null, "11.0.0");
  }
}
