package org.hpcstatus.dashboards.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hpcstatus.dashboards.model.Grafana.Annotations;
import org.hpcstatus.dashboards.model.Grafana.Dashboard;
import org.hpcstatus.dashboards.model.Grafana.GridPos;
import org.hpcstatus.dashboards.model.Grafana.Panel;
import org.hpcstatus.dashboards.model.Grafana.Templating;
import org.hpcstatus.dashboards.model.Grafana.TimeRange;
import org.hpcstatus.dashboards.model.Grafana.Variable;

/**
 * One dashboard being built: variables, then rows of panels laid out left to right on Grafana's
 * 24-column grid (a panel that does not fit on the current line starts the next one). Panel ids are
 * assigned in order, so they are unique and stable.
 */
public final class Board {

  public static final int COLUMNS = 24;
  /** Every dashboard links to the others (tag hpc-status), keeping the time range and variables. */
  static final Map<String, Object> LINKS = new java.util.TreeMap<>(Map.of("type", "dashboards", "tags",
      List.of("hpc-status"), "asDropdown", true, "title", "HPC status", "includeVars", true, "keepTime", true,
      "icon", "external link", "targetBlank", false, "tooltip", "", "url", ""));

  /** A row and the panels under it, kept for docs/dashboards.md. */
  public record Section(String title, String description, List<PanelBuilder> panels) {}

  private final String uid;
  private final String title;
  private final String description;
  private final List<String> tags;
  private String timeFrom = "now-6h";
  private final List<Variable> variables = new ArrayList<>();
  private final List<Section> sections = new ArrayList<>();

  public Board(String uid, String title, String description, List<String> tags) {
    this.uid = uid;
    this.title = title;
    this.description = description;
    this.tags = List.copyOf(tags);
    variables.add(datasourceVariable());
  }

  public String uid() {
    return uid;
  }

  public String title() {
    return title;
  }

  public String description() {
    return description;
  }

  public List<Variable> variables() {
    return List.copyOf(variables);
  }

  public List<Section> sections() {
    return List.copyOf(sections);
  }

  public Board timeFrom(String from) {
    this.timeFrom = from;
    return this;
  }

  /** A query variable over label values ({@code label_values(<selector>, <label>)}). */
  public Board labelVariable(String name, String label, String selector, String description) {
    String q = "label_values(" + selector + ", " + name + ")";
    variables.add(new Variable("query", name, label, description, Grafana.DATASOURCE,
        Map.of("qryType", 1, "query", q, "refId", "PrometheusVariableQueryEditor-VariableQuery"), q,
        Map.of(), List.of(), 2, "", 1, true, true, ".*", 0));
    return this;
  }

  public Board row(String rowTitle, String rowDescription, PanelBuilder... panels) {
    sections.add(new Section(rowTitle, rowDescription, List.of(panels)));
    return this;
  }

  private static Variable datasourceVariable() {
    return new Variable("datasource", "datasource", "Data source", "Prometheus (or VictoriaMetrics) to read from",
        null, "prometheus", null, Map.of(), List.of(), 1, "", null, false, false, null, 0);
  }

  /** Every panel builder in order (rows excluded). */
  public List<PanelBuilder> panels() {
    List<PanelBuilder> out = new ArrayList<>();
    sections.forEach(s -> out.addAll(s.panels()));
    return out;
  }

  public Dashboard build() {
    List<Panel> panels = new ArrayList<>();
    int id = 1;
    int y = 0;
    for (Section s : sections) {
      panels.add(PanelBuilder.of(PanelBuilder.Kind.ROW, s.title()).desc(s.description())
          .build(id++, new GridPos(1, COLUMNS, 0, y)));
      y += 1;
      int x = 0;
      int lineHeight = 0;
      for (PanelBuilder p : s.panels()) {
        if (p.width() < 1 || p.width() > COLUMNS) {
          throw new IllegalArgumentException(p.title() + ": width must be 1.." + COLUMNS);
        }
        if (x + p.width() > COLUMNS) {
          y += lineHeight;
          x = 0;
          lineHeight = 0;
        }
        panels.add(p.build(id++, new GridPos(p.height(), p.width(), x, y)));
        x += p.width();
        lineHeight = Math.max(lineHeight, p.height());
      }
      y += lineHeight;
    }
    List<Map<String, Object>> annotations = List.of(Map.of(
        "builtIn", 1, "datasource", Map.of("type", "grafana", "uid", "-- Grafana --"), "enable", true,
        "hide", true, "iconColor", "rgba(0, 211, 255, 1)", "name", "Annotations & Alerts", "type", "dashboard"));
    return new Dashboard(null, uid, title, description, tags, "browser", false, 1, 0, false, "30s",
        Grafana.SCHEMA_VERSION, 1, new TimeRange(timeFrom, "now"), Map.of(), new Templating(variables),
        new Annotations(annotations), List.<Object>of(LINKS), panels);
  }
}
