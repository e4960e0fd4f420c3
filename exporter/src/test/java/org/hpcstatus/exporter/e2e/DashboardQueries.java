package org.hpcstatus.exporter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every Prometheus expression of every panel of the committed dashboards (dashboards/*.json, rows'
 * nested panels included), with template variables substituted the way Grafana does: a multi-value
 * variable set to "All" becomes its {@code allValue} (or {@code (a|b|…)} of all values), a single-value
 * one its current value or first option; Grafana's built-ins get fixed test values.
 */
final class DashboardQueries {
  /** Grafana's built-in interval/range variables, as the test substitutes them (longest names first). */
  static final Map<String, String> BUILTINS = new LinkedHashMap<>();

  static {
    BUILTINS.put("__rate_interval_ms", "10000");
    BUILTINS.put("__rate_interval", "10s");
    BUILTINS.put("__interval_ms", "5000");
    BUILTINS.put("__interval", "5s");
    BUILTINS.put("__range_ms", "3600000");
    BUILTINS.put("__range_s", "3600");
    BUILTINS.put("__range", "1h");
  }

  record Target(String dashboard, String uid, String panel, int panelId, String refId, String rawExpr, String expr) {
    String where() {
      return dashboard + " / \"" + panel + "\" (id " + panelId + ") / " + refId;
    }
  }

  record Variable(String name, String type, String query, boolean multi, boolean includeAll, String allValue,
      List<String> currentValues, List<String> options) {}

  private DashboardQueries() {}

  static List<Path> files(Path repo) throws IOException {
    Path dir = repo.resolve("dashboards");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  static JsonNode read(Path f) throws IOException {
    return PromApi.JSON.readTree(f.toFile());
  }

  /** All panels, rows' nested panels included, in file order. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    collect(dashboard.path("panels"), out);
    return out;
  }

  private static void collect(JsonNode panels, List<JsonNode> out) {
    for (JsonNode p : panels) {
      out.add(p);
      collect(p.path("panels"), out);
    }
  }

  static List<Variable> variables(JsonNode dashboard) {
    List<Variable> out = new ArrayList<>();
    for (JsonNode v : dashboard.path("templating").path("list")) {
      JsonNode q = v.path("query");
      String query = q.isObject() ? q.path("query").asText("") : q.asText("");
      List<String> current = new ArrayList<>();
      JsonNode cv = v.path("current").path("value");
      if (cv.isArray()) {
        cv.forEach(x -> current.add(x.asText()));
      } else if (!cv.isMissingNode() && !cv.isNull() && !cv.asText().isEmpty()) {
        current.add(cv.asText());
      }
      List<String> options = new ArrayList<>();
      v.path("options").forEach(o -> options.add(o.path("value").asText()));
      out.add(new Variable(v.path("name").asText(), v.path("type").asText(), query, v.path("multi").asBoolean(),
          v.path("includeAll").asBoolean(), v.hasNonNull("allValue") ? v.path("allValue").asText() : null,
          current, options));
    }
    return out;
  }

  /**
   * Values of every variable as Grafana would set them on load. {@code labelValues} answers a query
   * variable's {@code label_values(...)} (already substituted) with the label's values.
   */
  static Map<String, String> resolve(List<Variable> vars, Function<String, List<String>> labelValues) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Variable v : vars) {
      switch (v.type()) {
        case "datasource" -> values.put(v.name(), "prometheus");
        case "query" -> {
          List<String> opts = labelValues.apply(substitute(v.query(), values));
          values.put(v.name(), choose(v, opts));
        }
        case "constant", "textbox" -> values.put(v.name(), v.currentValues().isEmpty() ? v.query()
            : v.currentValues().get(0));
        default -> { // custom, interval
          List<String> opts = !v.options().isEmpty() ? v.options()
              : List.of(v.query().split("\\s*,\\s*"));
          values.put(v.name(), choose(v, opts.stream().filter(o -> !o.equals("$__all")).toList()));
        }
      }
    }
    return values;
  }

  private static String choose(Variable v, List<String> opts) {
    boolean all = v.includeAll() && (v.currentValues().isEmpty() || v.currentValues().contains("$__all"));
    if (all) {
      return v.allValue() != null ? v.allValue() : "(" + String.join("|", opts.stream().map(DashboardQueries::regexEscape)
          .toList()) + ")";
    }
    List<String> cur = v.currentValues().stream().filter(opts::contains).toList();
    if (!cur.isEmpty()) {
      return cur.size() == 1 ? cur.get(0) : "(" + String.join("|", cur) + ")";
    }
    return opts.isEmpty() ? "" : opts.get(0);
  }

  static String regexEscape(String s) {
    return s.replaceAll("([\\\\.+*?()|\\[\\]{}^$])", "\\\\$1");
  }

  private static final Pattern VAR = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)]]|\\$(\\w+)");

  /** Replaces $var, ${var}, ${var:fmt}, [[var]] and Grafana's built-ins; unknown names are left as they are. */
  static String substitute(String expr, Map<String, String> values) {
    Matcher m = VAR.matcher(expr);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      String value = values.containsKey(name) ? values.get(name) : BUILTINS.get(name);
      if (value == null && m.group(3) != null) {
        // $__rate_intervalfoo is not a thing, but "$__range_s" must not be read as "$__range" + "_s"
        for (Map.Entry<String, String> e : BUILTINS.entrySet()) {
          if (name.startsWith(e.getKey())) {
            value = e.getValue() + name.substring(e.getKey().length());
            break;
          }
        }
      }
      m.appendReplacement(b, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** label_values(metric{…}, label) / label_values(label) → (match selector or null, label). */
  record LabelValuesQuery(String match, String label) {}

  private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*(?:(.+?)\\s*,\\s*)?(\\w+)\\s*\\)\\s*$",
      Pattern.DOTALL);

  static LabelValuesQuery parseLabelValues(String q) {
    Matcher m = LABEL_VALUES.matcher(q);
    if (!m.matches()) {
      throw new IllegalArgumentException("unsupported variable query (only label_values(...) is): " + q);
    }
    return new LabelValuesQuery(m.group(1), m.group(2));
  }

  /** Every Prometheus target of every panel of every dashboard, with the variables substituted. */
  static List<Target> targets(Path repo, Function<String, List<String>> labelValues) throws IOException {
    return targets(repo, labelValues, Map.of());
  }

  /** The same with some variables set (e.g. cluster = one cluster instead of All). */
  static List<Target> targets(Path repo, Function<String, List<String>> labelValues, Map<String, String> overrides)
      throws IOException {
    List<Target> out = new ArrayList<>();
    for (Path f : files(repo)) {
      JsonNode d = read(f);
      Map<String, String> values = new LinkedHashMap<>();
      for (Variable v : variables(d)) {
        // a variable set by the caller also feeds the queries of the variables after it
        values.putAll(resolve(List.of(v), q -> labelValues.apply(substitute(q, values))));
        if (overrides.containsKey(v.name())) {
          values.put(v.name(), overrides.get(v.name()));
        }
      }
      String name = f.getFileName().toString();
      for (JsonNode p : panels(d)) {
        for (JsonNode t : p.path("targets")) {
          String raw = t.path("expr").asText("");
          if (raw.isBlank()) {
            continue;
          }
          out.add(new Target(name, d.path("uid").asText(), p.path("title").asText(), p.path("id").asInt(),
              t.path("refId").asText("?"), raw, substitute(raw, values)));
        }
      }
    }
    return out;
  }

  /** Panels that show something but have no Prometheus expression (only text panels and rows may). */
  static List<String> panelsWithoutExpr(Path repo) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path f : files(repo)) {
      for (JsonNode p : panels(read(f))) {
        String type = p.path("type").asText();
        if (type.equals("row") || type.equals("text")) {
          continue;
        }
        boolean any = false;
        for (JsonNode t : p.path("targets")) {
          any |= !t.path("expr").asText("").isBlank();
        }
        if (!any) {
          out.add(f.getFileName() + " / \"" + p.path("title").asText() + "\" (" + type + ")");
        }
      }
    }
    return out;
  }

  /** Distinct variable names used in the dashboards' expressions that the test could not substitute. */
  static TreeSet<String> unresolved(List<Target> targets) {
    TreeSet<String> out = new TreeSet<>();
    for (Target t : targets) {
      Matcher m = VAR.matcher(t.expr());
      while (m.find()) {
        out.add(m.group() + " in " + t.where());
      }
    }
    return out;
  }
}
