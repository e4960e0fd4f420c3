package org.hpcstatus.exporter.health;

import java.net.URI;
import org.hpcstatus.exporter.config.ConfigException;

/** Validation of check targets, shared by the kinds. {@code tp} is the YAML path of the target. */
public final class Targets {
  private Targets() {}

  /** {@code postgres://host:5432/db} or {@code jdbc:postgresql://…}, without credentials. */
  public static void postgres(String tp, String t) {
    if (!(t.startsWith("jdbc:postgresql://") || t.startsWith("postgres://") || t.startsWith("postgresql://"))) {
      throw new ConfigException(tp, "must be a PostgreSQL URL: postgres://host:5432/dbname or "
          + "jdbc:postgresql://host:5432/dbname");
    }
    noUserInfo(tp, t);
    if (t.toLowerCase().contains("password=")) {
      throw new ConfigException(tp, "must not contain a password; use password_env or password_file");
    }
  }

  /** An http:// or https:// URL without credentials. */
  public static void http(String tp, String t) {
    noUserInfo(tp, t);
    URI u = uri(tp, t);
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
      throw new ConfigException(tp, "must be an http:// or https:// URL");
    }
    if (u.getUserInfo() != null) {
      throw new ConfigException(tp, "must not contain credentials; use username and password_env/password_file");
    }
  }

  /** {@code tcp://host:1883} or {@code ssl://host:8883}. */
  public static void mqtt(String tp, String t) {
    noUserInfo(tp, t);
    URI u = uri(tp, t);
    if (!("tcp".equals(u.getScheme()) || "ssl".equals(u.getScheme())) || u.getHost() == null) {
      throw new ConfigException(tp, "must be tcp://host:1883 or ssl://host:8883");
    }
  }

  /** {@code host:port} without a scheme. */
  public static void hostPort(String tp, String t) {
    noUserInfo(tp, t);
    if (t.contains("://")) {
      throw new ConfigException(tp, "must be host:port, without a scheme");
    }
    HostPort.parse(tp, t);
  }

  public static void absolutePath(String tp, String t) {
    if (!t.startsWith("/")) {
      throw new ConfigException(tp, "must be an absolute path");
    }
  }

  /** An optional URL path option ({@code path:}): must start with {@code /}. */
  public static void urlPath(String yamlPath, String path) {
    if (path != null && !path.startsWith("/")) {
      throw new ConfigException(yamlPath, "must start with /");
    }
  }

  /**
   * Rejects {@code user[:password]@} in any target (URL or host:port). Checked on the raw text before any
   * parsing, so a target that is not even a valid URI cannot smuggle credentials into messages either.
   * The error never repeats the target.
   */
  static void noUserInfo(String tp, String t) {
    int start = t.indexOf("://");
    start = start < 0 ? 0 : start + 3;
    int end = t.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int i = t.indexOf(c, start);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    if (t.substring(start, end).contains("@")) {
      throw new ConfigException(tp, "must not contain credentials (user:password@); use username and "
          + "password_env/password_file");
    }
  }

  private static URI uri(String tp, String t) {
    try {
      return new URI(t);
    } catch (Exception e) {
      throw new ConfigException(tp, "not a valid URL");
    }
  }
}
