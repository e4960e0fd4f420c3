package org.hpcstatus.exporter.health.kinds;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.Kind;
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.health.ServiceChecks;
import org.hpcstatus.exporter.health.Targets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User-defined PostgreSQL queries whose rows become gauges: for each query, every row gives one sample
 * of {@code service_sql_<metric>} with the configured label columns as labels and the value column as
 * value. The check fails only if the database cannot be reached; a failing query shows as
 * {@code service_sql_query_success{query}=0} (its gauges absent), so one bad query does not hide the rest.
 * Queries run in a read-only session with the check's deadline as statement timeout.
 */
public final class SqlCheck implements Check {
  private static final Logger LOG = LoggerFactory.getLogger(SqlCheck.class);
  /** At most this many rows per query become samples (cardinality guard). */
  static final int MAX_ROWS = 1000;

  public static final MetricDef QUERY_SUCCESS = Kind.gauge("service_sql_query_success",
      "1 if the user query ran, 0 if it failed (its gauges are then absent). Rows of a query are exposed as "
          + "the user-defined gauge service_sql_<metric> (see docs/configuration.md).", "query");
  public static final MetricDef QUERY_DURATION = Kind.gauge("service_sql_query_duration_seconds",
      "Duration of the user query.", "query");

  /** One user query: each result row becomes a sample of {@code service_sql_<metric>}. */
  public record Query(
      String metric,
      String help,
      String query,
      List<String> labels,
      String value) {
    public Query {
      labels = labels == null ? List.of() : List.copyOf(labels);
    }
  }

  /** {@code queries}: at least one. */
  public record Options(List<Query> queries) {
    public Options {
      queries = queries == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(queries));
    }
  }

  public static final Kind<Options> KIND = new Kind<>("sql", Options.class,
      EnumSet.of(Kind.Common.USERNAME, Kind.Common.PASSWORD), List.of(QUERY_SUCCESS, QUERY_DURATION),
      SqlCheck::validate, SqlCheck::new);

  private static final Pattern METRIC_SUFFIX = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern LABEL = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Set<String> RESERVED_LABELS = Set.of("cluster", "service", "kind", "job", "instance", "le",
      "reason");

  private static void validate(String p, ServiceCheckConfig c, Options o, ServiceChecks.Shared shared) {
    Targets.postgres(p + "/target", c.target());
    if (o.queries().isEmpty()) {
      throw new ConfigException(p + "/queries", "a sql check needs at least one query");
    }
    Map<String, List<String>> metrics = shared.get(SqlCheck.class, LinkedHashMap::new);
    for (int j = 0; j < o.queries().size(); j++) {
      checkQuery(p + "/queries/" + j, o.queries().get(j), metrics);
    }
  }

  private static void checkQuery(String qp, Query q, Map<String, List<String>> sqlMetrics) {
    if (q == null) {
      throw new ConfigException(qp, "empty entry");
    }
    if (q.metric() == null || !METRIC_SUFFIX.matcher(q.metric()).matches() || q.metric().startsWith("query_")
        || q.metric().endsWith("_total") || q.metric().endsWith("_info")) {
      throw new ConfigException(qp + "/metric", "required: lower_snake_case name (exposed as service_sql_<metric>), "
          + "not starting with query_ and not ending in _total/_info");
    }
    if (q.query() == null || q.query().isBlank()) {
      throw new ConfigException(qp + "/query", "required");
    }
    if (q.value() == null || q.value().isBlank()) {
      throw new ConfigException(qp + "/value", "required: the column holding the gauge value");
    }
    for (int k = 0; k < q.labels().size(); k++) {
      String l = q.labels().get(k);
      if (l == null || !LABEL.matcher(l).matches() || RESERVED_LABELS.contains(l)) {
        throw new ConfigException(qp + "/labels/" + k, "label columns must be lower_snake_case and not one of "
            + RESERVED_LABELS);
      }
    }
    List<String> prev = sqlMetrics.putIfAbsent(q.metric(), q.labels());
    if (prev != null && !prev.equals(q.labels())) {
      throw new ConfigException(qp + "/labels", "service_sql_" + q.metric() + " is defined elsewhere with labels "
          + prev + "; the same metric must have the same labels everywhere");
    }
  }

  private record Bound(Query cfg, MetricDef def) {}

  private final ServiceCheckConfig cfg;
  private final Secrets secrets;
  private final List<Bound> queries = new ArrayList<>();

  SqlCheck(ServiceCheckConfig c, Options o, Secrets secrets) {
    this.cfg = c;
    this.secrets = secrets;
    for (Query q : o.queries()) {
      queries.add(new Bound(q, def(q)));
    }
  }

  /** The metric of one user query: {@code service_sql_<metric>} with labels service, kind, label columns. */
  public static MetricDef def(Query q) {
    return MetricDef.gauge("service_sql_" + q.metric(),
        q.help() == null || q.help().isBlank() ? "User-defined SQL gauge (" + q.metric() + ")." : q.help(),
        Kind.labels(q.labels().toArray(String[]::new)));
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    CheckResult r = new CheckResult();
    try (Connection c = Pg.connect(cfg, secrets, ctx)) {
      for (Bound q : queries) {
        long start = System.nanoTime();
        List<String[]> rows = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        boolean ok;
        try (Statement st = c.createStatement()) {
          st.setQueryTimeout(Math.max(1, ctx.remainingMillis() / 1000));
          st.setMaxRows(MAX_ROWS);
          try (ResultSet rs = st.executeQuery(q.cfg().query())) {
            while (rs.next()) {
              String[] labels = new String[q.cfg().labels().size()];
              for (int i = 0; i < labels.length; i++) {
                labels[i] = rs.getString(q.cfg().labels().get(i));
              }
              double v = rs.getDouble(q.cfg().value());
              rows.add(labels);
              values.add(rs.wasNull() ? Double.NaN : v);
            }
          }
          ok = true;
        } catch (SQLException e) {
          if (c.isClosed() || e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            throw e; // the connection itself broke: the check fails
          }
          ok = false;
          LOG.warn("service {}: query {} failed: {}", cfg.name(), q.cfg().metric(), e.getMessage());
          if (!c.getAutoCommit()) {
            c.rollback();
          }
        }
        r.add(QUERY_SUCCESS, ok ? 1 : 0, q.cfg().metric());
        r.add(QUERY_DURATION, (System.nanoTime() - start) / 1e9, q.cfg().metric());
        if (ok) {
          for (int i = 0; i < rows.size(); i++) {
            r.add(q.def(), values.get(i), rows.get(i));
          }
        }
        ctx.checkDeadline();
      }
    }
    return r;
  }

  @Override
  public List<MetricDef> metrics() {
    List<MetricDef> m = new ArrayList<>(KIND.metrics());
    queries.forEach(q -> m.add(q.def()));
    return m;
  }
}
