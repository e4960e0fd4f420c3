package org.hpcstatus.exporter.health.kinds;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.postgresql.Driver;

/** pgJDBC connections for the postgres and sql kinds, bounded by the check's deadline. */
final class Pg {
  private static final Driver DRIVER = new Driver();

  private Pg() {}

  /** {@code postgres://h:p/db} → {@code jdbc:postgresql://h:p/db}. */
  static String jdbcUrl(String target) {
    if (target.startsWith("jdbc:postgresql://")) {
      return target;
    }
    if (target.startsWith("postgresql://")) {
      return "jdbc:" + target;
    }
    return "jdbc:postgresql://" + target.substring("postgres://".length());
  }

  static Connection connect(ServiceCheckConfig cfg, Secrets secrets, CheckContext ctx) throws Exception {
    String password = secrets.read(cfg.passwordEnv(), cfg.passwordFile());
    Properties p = new Properties();
    if (cfg.username() != null) {
      p.setProperty("user", cfg.username());
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    int secs = Math.max(1, (ctx.remainingMillis() + 999) / 1000);
    p.setProperty("connectTimeout", String.valueOf(secs));
    p.setProperty("loginTimeout", String.valueOf(secs));
    p.setProperty("socketTimeout", String.valueOf(secs));
    p.setProperty("ApplicationName", "hpc-status-exporter");
    p.setProperty("assumeMinServerVersion", "10");
    try {
      Connection c = DRIVER.connect(jdbcUrl(cfg.target()), p);
      if (c == null) {
        throw new SQLException("not a PostgreSQL URL");
      }
      c.setReadOnly(true);
      return c;
    } catch (SQLException e) {
      // the driver's messages never contain the password, but scrub anyway
      if (password != null && e.getMessage() != null && e.getMessage().contains(password)) {
        throw new SQLException(Secrets.scrub(e.getMessage(), password), e.getSQLState());
      }
      throw e;
    }
  }
}
