package org.hpcstatus.dashboards;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hpcstatus.dashboards.boards.ClusterStatus;
import org.hpcstatus.dashboards.boards.ExporterHealth;
import org.hpcstatus.dashboards.boards.OperatorOverview;
import org.hpcstatus.dashboards.boards.Scoreboard;
import org.hpcstatus.dashboards.model.Board;
import org.hpcstatus.dashboards.model.Grafana;
import org.hpcstatus.dashboards.model.PanelBuilder;

/**
 * Writes {@code dashboards/<uid>.json} and {@code docs/dashboards.md} from the dashboard definitions.
 *
 * <pre>
 *   java -cp … org.hpcstatus.dashboards.Generator [repo-root]          write the files
 *   java -cp … org.hpcstatus.dashboards.Generator --expressions        print uid, panel, refId, expr (TSV)
 * </pre>
 *
 * The usual way is the test flag: {@code mvn -pl dashboards/generator -am test -Ddashboards.update=true
 * -Dtest=DashboardsTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
public final class Generator {

  /** One query of one panel, for checks and the end-to-end test. */
  public record Expression(String dashboardUid, String panelTitle, String refId, String expr) {}

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::[^}]*)?}|\\$([A-Za-z0-9_]+)");

  private Generator() {}

  /** The four dashboards, in the order docs/dashboards.md lists them. */
  public static List<Board> boards() {
    return List.of(OperatorOverview.board(), ClusterStatus.board(), Scoreboard.board(), ExporterHealth.board());
  }

  /** Relative path (from the repository root) to file content, without any preserved doc section. */
  public static Map<String, String> render() {
    return render(null);
  }

  /**
   * Relative path to file content; {@code root}'s existing docs/dashboards.md keeps its section from
   * {@link DashboardsDoc#PRESERVED_MARKER} to the end ({@code root} null: none).
   */
  public static Map<String, String> render(Path root) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Board b : boards()) {
      out.put("dashboards/" + b.uid() + ".json", Grafana.toJson(b.build()));
    }
    String existing = null;
    Path doc = root == null ? null : root.resolve("docs/dashboards.md");
    if (doc != null && Files.isRegularFile(doc)) {
      try {
        existing = Files.readString(doc);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    out.put("docs/dashboards.md", DashboardsDoc.render(boards(), existing));
    return out;
  }

  /** Every query of every panel of every dashboard. */
  public static List<Expression> expressions() {
    List<Expression> out = new ArrayList<>();
    for (Board b : boards()) {
      for (PanelBuilder p : b.panels()) {
        List<PanelBuilder.Query> qs = p.queries();
        for (int i = 0; i < qs.size(); i++) {
          out.add(new Expression(b.uid(), p.title(), String.valueOf((char) ('A' + i)), qs.get(i).expr()));
        }
      }
    }
    return out;
  }

  /**
   * The expression with Grafana variables replaced: {@code $__rate_interval} (and other {@code $__*}
   * durations) by {@code interval}, every other variable by {@code values.get(name)} or {@code .*}.
   */
  public static String substitute(String expr, String interval, Map<String, String> values) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = name.startsWith("__") ? interval : values.getOrDefault(name, ".*");
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("--expressions")) {
      for (Expression e : expressions()) {
        System.out.println(e.dashboardUid() + "\t" + e.panelTitle() + "\t" + e.refId() + "\t" + e.expr());
      }
      return;
    }
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    for (Map.Entry<String, String> e : render(root).entrySet()) {
      Path file = root.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      System.out.println("wrote " + file);
    }
  }
}
