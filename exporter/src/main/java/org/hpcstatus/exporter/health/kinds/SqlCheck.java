package org.hpcstatus.exporter.health.kinds;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
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

  private record Query(ServiceCheckConfig.SqlQuery cfg, MetricDef def) {}

  private final ServiceCheckConfig cfg;
  private final Secrets secrets;
  private final List<Query> queries = new ArrayList<>();

  SqlCheck(ServiceCheckConfig c, Secrets secrets) {
    this.cfg = c;
    this.secrets = secrets;
    for (ServiceCheckConfig.SqlQuery q : c.queries()) {
      queries.add(new Query(q, def(q)));
    }
  }

  /** The metric of one user query: {@code service_sql_<metric>} with labels service, kind, label columns. */
  public static MetricDef def(ServiceCheckConfig.SqlQuery q) {
    return MetricDef.gauge("service_sql_" + q.metric(),
        q.help() == null || q.help().isBlank() ? "User-defined SQL gauge (" + q.metric() + ")." : q.help(),
        KindMetrics.labels(q.labels().toArray(String[]::new)));
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    CheckResult r = new CheckResult();
    try (Connection c = Pg.connect(cfg, secrets, ctx)) {
      for (Query q : queries) {
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
        r.add(KindMetrics.SQL_QUERY_SUCCESS, ok ? 1 : 0, q.cfg().metric());
        r.add(KindMetrics.SQL_QUERY_DURATION, (System.nanoTime() - start) / 1e9, q.cfg().metric());
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
    List<MetricDef> m = new ArrayList<>(List.of(KindMetrics.SQL_QUERY_SUCCESS, KindMetrics.SQL_QUERY_DURATION));
    queries.forEach(q -> m.add(q.def()));
    return m;
  }
}
