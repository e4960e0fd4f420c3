package org.hpcstatus.exporter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.e2e.DashboardQueries.Target;
import org.hpcstatus.exporter.e2e.PromApi.Sample;

/** Finding the panels the end-to-end test looks at, and checking every panel expression against Prometheus. */
final class Panels {
  private Panels() {}

  static final Comparator<Map<String, String>> LABELS_ORDER = Comparator.comparing(Object::toString);

  static double sum(List<Sample> samples) {
    return samples.stream().mapToDouble(Sample::value).filter(v -> !Double.isNaN(v)).sum();
  }

  static Map<Map<String, String>, Double> byLabels(List<Sample> samples) {
    Map<Map<String, String>, Double> m = new TreeMap<>(LABELS_ORDER);
    samples.forEach(s -> m.put(s.labels(), s.value()));
    return m;
  }

  /** The targets of panels of dashboards whose file name contains {@code file}, with title or description matching. */
  static List<Target> find(Path repo, Function<String, List<String>> labelValues, String file, Pattern titleOrDescription,
      Map<String, String> overrides) throws Exception {
    List<Target> out = new ArrayList<>();
    for (Path f : DashboardQueries.files(repo)) {
      if (!f.getFileName().toString().contains(file)) {
        continue;
      }
      JsonNode d = DashboardQueries.read(f);
      Map<String, String> values = new LinkedHashMap<>(DashboardQueries.resolve(DashboardQueries.variables(d), labelValues));
      values.putAll(overrides);
      for (JsonNode p : DashboardQueries.panels(d)) {
        String text = p.path("title").asText() + "\n" + p.path("description").asText();
        if (!titleOrDescription.matcher(text).find() || p.path("type").asText().equals("row")) {
          continue;
        }
        for (JsonNode t : p.path("targets")) {
          String raw = t.path("expr").asText("");
          if (!raw.isBlank()) {
            out.add(new Target(f.getFileName().toString(), d.path("uid").asText(), p.path("title").asText(),
                p.path("id").asInt(), t.path("refId").asText("?"), raw, DashboardQueries.substitute(raw, values)));
          }
        }
      }
    }
    return out;
  }

  /** The cluster dashboard's single-number panel of drained nodes (stat/gauge titled "…drain…"). */
  static Target drainedNodes(Path repo, Function<String, List<String>> labelValues) throws Exception {
    for (Path f : DashboardQueries.files(repo)) {
      if (!f.getFileName().toString().contains("cluster")) {
        continue;
      }
      for (JsonNode p : DashboardQueries.panels(DashboardQueries.read(f))) {
        String type = p.path("type").asText();
        if ((type.equals("stat") || type.equals("gauge")) && p.path("title").asText().matches("(?i).*drain.*")) {
          List<Target> ts = find(repo, labelValues, f.getFileName().toString(),
              Pattern.compile("^" + Pattern.quote(p.path("title").asText()) + "\n"), Map.of());
          if (!ts.isEmpty()) {
            return ts.get(0);
          }
        }
      }
    }
    throw new AssertionError("no drained-nodes stat panel (title containing 'drain') in dashboards/*cluster*.json");
  }

  /**
   * One cross-cluster panel target: substituted with cluster = All, and with each cluster alone. A ratio
   * (unit percentunit) is not additive: it is checked as Σ numerator / Σ denominator over the clusters.
   */
  record CrossCluster(Target all, Map<String, Target> perCluster, boolean ratio) {}

  /** The unit Grafana shows for a target: its "Value #refId" override, else the panel's default. */
  static String unit(JsonNode panel, String refId) {
    for (JsonNode o : panel.path("fieldConfig").path("overrides")) {
      if (o.path("matcher").path("options").asText().equals("Value #" + refId)) {
        for (JsonNode prop : o.path("properties")) {
          if (prop.path("id").asText().equals("unit")) {
            return prop.path("value").asText();
          }
        }
      }
    }
    return panel.path("fieldConfig").path("defaults").path("unit").asText("");
  }

  /** {@code a / b} split at its first top-level division (outside parentheses, braces, brackets and strings). */
  static String[] splitDivision(String expr) {
    int at = topLevel(expr, "/", false);
    if (at < 0) {
      throw new IllegalArgumentException("not a ratio a / b: " + expr);
    }
    return new String[] {expr.substring(0, at).trim(), expr.substring(at + 1).trim()};
  }

  /** Index of the first (or last) top-level occurrence of {@code op}, or -1. */
  static int topLevel(String expr, String op, boolean last) {
    int depth = 0;
    int found = -1;
    boolean quoted = false;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '"' && (i == 0 || expr.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      } else if (!quoted && "([{".indexOf(c) >= 0) {
        depth++;
      } else if (!quoted && ")]}".indexOf(c) >= 0) {
        depth--;
      } else if (!quoted && depth == 0 && expr.startsWith(op, i)) {
        found = i;
        if (!last) {
          return found;
        }
      }
    }
    return found;
  }

  /**
   * For {@code x or vector(0)} / {@code x or label_replace(vector(0), …)}: x alone (the real data, without
   * the "No data" fallback); null for other expressions.
   */
  static String withoutFallback(String expr) {
    int at = topLevel(expr, " or ", true);
    if (at < 0 || !expr.substring(at + 4).trim().matches("(?s)((on|ignoring)\\s*\\([^)]*\\)\\s*)?(label_replace\\()?\\(?\\s*vector\\(0\\).*")) {
      return null;
    }
    return expr.substring(0, at).trim();
  }

  static final Pattern CROSS = Pattern.compile("(?i)cross-cluster|all clusters|across clusters");

  static List<CrossCluster> crossClusterTotals(Path repo, Function<String, List<String>> labelValues,
      List<String> clusters) throws Exception {
    List<Target> all = find(repo, labelValues, "scoreboard", CROSS, Map.of());
    List<CrossCluster> out = new ArrayList<>();
    Map<String, JsonNode> panelsByTitle = new LinkedHashMap<>();
    for (Path f : DashboardQueries.files(repo)) {
      if (f.getFileName().toString().contains("scoreboard")) {
        DashboardQueries.panels(DashboardQueries.read(f)).forEach(p -> panelsByTitle.put(p.path("title").asText(), p));
      }
    }
    for (int i = 0; i < all.size(); i++) {
      Map<String, Target> per = new LinkedHashMap<>();
      for (String c : clusters) {
        per.put(c, find(repo, labelValues, "scoreboard", CROSS, Map.of("cluster", c)).get(i));
      }
      Target t = all.get(i);
      boolean ratio = unit(panelsByTitle.get(t.panel()), t.refId()).equals("percentunit");
      out.add(new CrossCluster(t, per, ratio));
    }
    return out;
  }

  /** What the panel check found, per target. */
  record Report(List<String> proven, Map<String, String> provenAtEvent, List<String> fallbackOnly,
      List<String> failures) {
    void print(PrintStream out) {
      out.printf("e2e panels: %d expressions non-empty at steady state, %d only at an event, %d failed%n", proven.size(),
          provenAtEvent.size(), failures.size());
      provenAtEvent.forEach((k, v) -> out.println("e2e panels: needs an event: " + k + " <- " + v));
      fallbackOnly.forEach(k -> out.println("e2e panels: only its 'or vector(0)' fallback (0 / none): " + k));
      failures.forEach(k -> out.println("e2e panels: FAILED: " + k));
      proven.forEach(k -> out.println("e2e panels: ok: " + k));
    }
  }

  /** At least one series with a number (NaN is drawn as nothing). */
  static boolean shows(List<Sample> r) {
    return r.stream().anyMatch(x -> !Double.isNaN(x.value()));
  }

  /**
   * Evaluates every target at {@code steady} (before the test's events); a target that shows nothing then
   * is evaluated every 2 s during each event (and up to 12 s after it, for rate windows).
   */
  static Report check(PromApi prom, List<Target> targets, List<EndToEndIT.Event> events, double steady) throws Exception {
    List<String> proven = new ArrayList<>();
    Map<String, String> atEvent = new LinkedHashMap<>();
    List<String> fallbackOnly = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Target t : targets) {
      List<Sample> r;
      try {
        r = prom.query(t.expr(), steady);
      } catch (PromApi.QueryError e) {
        failures.add(t.where() + ": " + t.expr() + " -> " + e.getMessage());
        continue;
      }
      String event = null;
      if (!shows(r)) {
        // panels that show something only while it happens: evaluate during the test's events
        List<String> seen = new ArrayList<>();
        for (EndToEndIT.Event ev : events) {
          for (double at = ev.from() + 2; at <= ev.to() + 12; at += 2) {
            List<Sample> during = prom.query(t.expr(), at);
            if (shows(during)) {
              r = during;
              seen.add(ev.name());
              break;
            }
          }
        }
        event = seen.isEmpty() ? null : String.join(", ", seen);
      }
      String during = " (now and during " + events.stream().map(EndToEndIT.Event::name).toList() + ")";
      if (r.isEmpty()) {
        failures.add(t.where() + ": " + t.expr() + " -> no series" + during);
        continue;
      }
      if (!shows(r)) {
        // Grafana draws NaN as nothing: as bad as "No data"
        failures.add(t.where() + ": " + t.expr() + " -> only NaN values" + during);
        continue;
      }
      String real = withoutFallback(t.expr());
      if (real != null && !shows(prom.query(real, steady))) {
        List<String> seen = new ArrayList<>();
        for (EndToEndIT.Event ev : events) {
          for (double at = ev.from() + 2; at <= ev.to() + 12; at += 2) {
            if (shows(prom.query(real, at))) {
              seen.add(ev.name());
              break;
            }
          }
        }
        if (seen.isEmpty()) {
          fallbackOnly.add(t.where() + ": " + real);
        } else {
          event = (event == null ? "" : event + "; ") + "its data (not the 0/none fallback) during " + String.join(", ", seen);
        }
      }
      if (event != null) {
        atEvent.put(t.where(), event);
      } else {
        proven.add(t.where() + " (" + r.size() + " series)");
      }
    }
    return new Report(proven, atEvent, fallbackOnly, failures);
  }
}
