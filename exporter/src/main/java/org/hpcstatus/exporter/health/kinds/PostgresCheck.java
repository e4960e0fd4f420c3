package org.hpcstatus.exporter.health.kinds;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.Kind;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.health.Targets;

/**
 * PostgreSQL via pgJDBC: a fresh connection and {@code SELECT 1} (the check's latency), then server
 * version, client backends by state, max/reserved connections, sizes of the configured databases,
 * recovery state and replica lag. Needs only a login role with {@code pg_monitor} (or any role: counts
 * of other roles' sessions need {@code pg_monitor}/{@code pg_read_all_stats}).
 */
public final class PostgresCheck implements Check {
  public static final MetricDef CONNECTIONS = Kind.gauge("service_postgres_connections",
      "Client backends by state (pg_stat_activity).", "state");
  public static final MetricDef MAX_CONNECTIONS = Kind.gauge("service_postgres_max_connections",
      "Server setting max_connections.");
  public static final MetricDef RESERVED_CONNECTIONS = Kind.gauge("service_postgres_superuser_reserved_connections",
      "Server setting superuser_reserved_connections.");
  public static final MetricDef DATABASE_SIZE_BYTES = Kind.gauge("service_postgres_database_size_bytes",
      "pg_database_size() of each configured database.", "database");
  public static final MetricDef IN_RECOVERY = Kind.gauge("service_postgres_in_recovery",
      "1 if the server is a replica (pg_is_in_recovery()), else 0.");
  public static final MetricDef REPLICATION_LAG = Kind.gauge("service_postgres_replication_lag_seconds",
      "Replica only: now() - pg_last_xact_replay_timestamp() (grows while the primary is idle).");

  /** {@code databases}: whose sizes to report (default: the target's database). */
  public record Options(List<String> databases) {
    public Options {
      databases = databases == null ? List.of() : List.copyOf(databases);
    }
  }

  public static final Kind<Options> KIND = new Kind<>("postgres", Options.class,
      EnumSet.of(Kind.Common.USERNAME, Kind.Common.PASSWORD),
      List.of(CONNECTIONS, MAX_CONNECTIONS, RESERVED_CONNECTIONS, DATABASE_SIZE_BYTES, IN_RECOVERY, REPLICATION_LAG),
      (p, c, o, shared) -> Targets.postgres(p + "/target", c.target()),
      PostgresCheck::new);

  static final String CONNECTIONS_BY_STATE = "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity "
      + "WHERE backend_type = 'client backend' GROUP BY 1";
  static final String SETTINGS = "SELECT current_setting('server_version'), current_setting('max_connections')::int, "
      + "current_setting('superuser_reserved_connections')::int, pg_is_in_recovery(), "
      + "CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END";
  static final String DATABASE_SIZE = "SELECT pg_database_size(?)";

  private final ServiceCheckConfig cfg;
  private final List<String> databases;
  private final Secrets secrets;

  PostgresCheck(ServiceCheckConfig c, Options o, Secrets secrets) {
    this.cfg = c;
    this.databases = o.databases();
    this.secrets = secrets;
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    try (Connection c = Pg.connect(cfg, secrets, ctx); Statement st = c.createStatement()) {
      st.setQueryTimeout(Math.max(1, ctx.remainingMillis() / 1000));
      try (ResultSet rs = st.executeQuery("SELECT 1")) {
        if (!rs.next() || rs.getInt(1) != 1) {
          throw new CheckException(Reason.PROTOCOL, "SELECT 1 did not return 1");
        }
      }
      CheckResult r = new CheckResult();
      try (ResultSet rs = st.executeQuery(SETTINGS)) {
        rs.next();
        String version = rs.getString(1);
        r.version(version == null ? null : version.split(" ")[0]);
        r.add(MAX_CONNECTIONS, rs.getInt(2));
        r.add(RESERVED_CONNECTIONS, rs.getInt(3));
        boolean recovery = rs.getBoolean(4);
        r.add(IN_RECOVERY, recovery ? 1 : 0);
        double lag = rs.getDouble(5);
        if (recovery && !rs.wasNull()) {
          r.add(REPLICATION_LAG, Math.max(0, lag));
        }
      }
      for (String state : List.of("active", "idle", "idle in transaction", "idle in transaction (aborted)",
          "fastpath function call", "disabled")) {
        r.add(CONNECTIONS, 0, state);
      }
      try (ResultSet rs = st.executeQuery(CONNECTIONS_BY_STATE)) {
        while (rs.next()) {
          r.add(CONNECTIONS, rs.getLong(2), rs.getString(1));
        }
      }
      List<String> dbs = databases.isEmpty() ? List.of(c.getCatalog()) : databases;
      try (PreparedStatement ps = c.prepareStatement(DATABASE_SIZE)) {
        ps.setQueryTimeout(Math.max(1, ctx.remainingMillis() / 1000));
        for (String db : dbs) {
          ps.setString(1, db);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            r.add(DATABASE_SIZE_BYTES, rs.getLong(1), db);
          }
        }
      }
      return r;
    }
  }

  @Override
  public List<MetricDef> metrics() {
    return KIND.metrics();
  }
}
