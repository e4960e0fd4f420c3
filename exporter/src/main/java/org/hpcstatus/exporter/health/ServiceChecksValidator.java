package org.hpcstatus.exporter.health;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.hpcstatus.exporter.config.ConfigException;

/**
 * Validates {@code services:}: unknown kinds, bad targets, options that do not apply to a kind, bad
 * timings. Every error names the YAML path ({@code /services/2/kind}).
 */
public final class ServiceChecksValidator {

  /** Kind → the kind-specific keys it accepts (common keys are accepted by all). */
  static final Map<String, Set<String>> KIND_OPTIONS = new LinkedHashMap<>();

  static {
    KIND_OPTIONS.put("postgres", Set.of("username", "password", "databases"));
    KIND_OPTIONS.put("influxdb", Set.of("username", "password", "token", "tls_insecure_skip_verify", "api_version",
        "round_trip_database", "org", "round_trip_bucket"));
    KIND_OPTIONS.put("mqtt", Set.of("username", "password", "tls_insecure_skip_verify", "sys_topics",
        "round_trip_topic"));
    KIND_OPTIONS.put("keycloak", Set.of("tls_insecure_skip_verify", "path"));
    KIND_OPTIONS.put("redis", Set.of("username", "password", "tls", "tls_insecure_skip_verify"));
    KIND_OPTIONS.put("rabbitmq", Set.of("username", "password", "tls_insecure_skip_verify"));
    KIND_OPTIONS.put("minio", Set.of("tls_insecure_skip_verify"));
    KIND_OPTIONS.put("filesystem", Set.of("inodes", "require_mount"));
    KIND_OPTIONS.put("http", Set.of("username", "password", "token", "tls_insecure_skip_verify", "path",
        "expect_status", "body_regex", "json_field", "json_value"));
    KIND_OPTIONS.put("tcp", Set.of("tls", "tls_insecure_skip_verify"));
    KIND_OPTIONS.put("sql", Set.of("username", "password", "queries"));
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");
  private static final Pattern METRIC_SUFFIX = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern LABEL = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Set<String> RESERVED_LABELS = Set.of("cluster", "service", "kind", "job", "instance", "le",
      "reason");

  private ServiceChecksValidator() {}

  public static List<String> kinds() {
    return List.copyOf(KIND_OPTIONS.keySet());
  }

  public static void validate(List<ServiceCheckConfig> services) {
    Set<String> names = new HashSet<>();
    Map<String, List<String>> sqlMetrics = new LinkedHashMap<>();
    for (int i = 0; i < services.size(); i++) {
      String p = "/services/" + i;
      ServiceCheckConfig c = services.get(i);
      if (c == null) {
        throw new ConfigException(p, "empty entry");
      }
      if (c.name() == null || !NAME.matcher(c.name()).matches()) {
        throw new ConfigException(p + "/name", "required: letters, digits and _ . : - (got '" + c.name() + "')");
      }
      if (!names.add(c.name())) {
        throw new ConfigException(p + "/name", "duplicate service name '" + c.name() + "'");
      }
      if (c.kind() == null || !KIND_OPTIONS.containsKey(c.kind())) {
        throw new ConfigException(p + "/kind", "unknown kind '" + c.kind() + "'; known: " + kinds());
      }
      checkTimings(p, c);
      checkOptions(p, c);
      checkTarget(p, c);
      checkKindSpecific(p, c, sqlMetrics);
    }
  }

  private static void checkTimings(String p, ServiceCheckConfig c) {
    if (c.interval().compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(p + "/interval", "must be at least 1s");
    }
    if (c.timeout().compareTo(Duration.ofMillis(10)) < 0) {
      throw new ConfigException(p + "/timeout", "must be at least 10ms");
    }
    if (c.timeout().compareTo(c.interval()) > 0) {
      throw new ConfigException(p + "/timeout", "must not be longer than the interval ("
          + c.interval().toMillis() + "ms)");
    }
    if (c.failureThreshold() < 1) {
      throw new ConfigException(p + "/failure_threshold", "must be at least 1");
    }
  }

  private static void checkOptions(String p, ServiceCheckConfig c) {
    Set<String> ok = KIND_OPTIONS.get(c.kind());
    Map<String, Boolean> given = new LinkedHashMap<>();
    given.put("username", c.username() != null);
    given.put("password", c.passwordEnv() != null || c.passwordFile() != null);
    given.put("token", c.tokenEnv() != null || c.tokenFile() != null);
    given.put("tls", c.tls());
    given.put("tls_insecure_skip_verify", c.tlsInsecureSkipVerify());
    given.put("databases", !c.databases().isEmpty());
    given.put("api_version", c.apiVersion() != null);
    given.put("round_trip_database", c.roundTripDatabase() != null);
    given.put("org", c.org() != null);
    given.put("round_trip_bucket", c.roundTripBucket() != null);
    given.put("sys_topics", c.sysTopics() != null);
    given.put("round_trip_topic", c.roundTripTopic() != null);
    given.put("path", c.path() != null);
    given.put("expect_status", !c.expectStatus().isEmpty());
    given.put("body_regex", c.bodyRegex() != null);
    given.put("json_field", c.jsonField() != null);
    given.put("json_value", c.jsonValue() != null);
    given.put("inodes", c.inodes() != null);
    given.put("require_mount", c.requireMount() != null);
    given.put("queries", !c.queries().isEmpty());
    for (var e : given.entrySet()) {
      if (e.getValue() && !ok.contains(e.getKey())) {
        String key = switch (e.getKey()) {
          case "password" -> c.passwordEnv() != null ? "password_env" : "password_file";
          case "token" -> c.tokenEnv() != null ? "token_env" : "token_file";
          default -> e.getKey();
        };
        throw new ConfigException(p + "/" + key, "does not apply to kind " + c.kind()
            + "; its options are " + ok.stream().sorted().toList());
      }
    }
    if (c.passwordEnv() != null && c.passwordFile() != null) {
      throw new ConfigException(p + "/password_file", "give password_env or password_file, not both");
    }
    if (c.tokenEnv() != null && c.tokenFile() != null) {
      throw new ConfigException(p + "/token_file", "give token_env or token_file, not both");
    }
  }

  private static void checkTarget(String p, ServiceCheckConfig c) {
    String t = c.target();
    String tp = p + "/target";
    if (t == null || t.isBlank()) {
      throw new ConfigException(tp, "required");
    }
    switch (c.kind()) {
      case "postgres", "sql" -> {
        if (!(t.startsWith("jdbc:postgresql://") || t.startsWith("postgres://") || t.startsWith("postgresql://"))) {
          throw new ConfigException(tp, "must be a PostgreSQL URL: postgres://host:5432/dbname or "
              + "jdbc:postgresql://host:5432/dbname");
        }
        noUserInfo(tp, t);
        if (t.toLowerCase().contains("password=")) {
          throw new ConfigException(tp, "must not contain a password; use password_env or password_file");
        }
      }
      case "influxdb", "keycloak", "rabbitmq", "minio", "http" -> httpUrl(tp, t);
      case "mqtt" -> {
        noUserInfo(tp, t);
        URI u = uri(tp, t);
        if (!("tcp".equals(u.getScheme()) || "ssl".equals(u.getScheme())) || u.getHost() == null) {
          throw new ConfigException(tp, "must be tcp://host:1883 or ssl://host:8883");
        }
      }
      case "redis", "tcp" -> {
        noUserInfo(tp, t);
        if (t.contains("://")) {
          throw new ConfigException(tp, "must be host:port, without a scheme");
        }
        HostPort.parse(tp, t);
      }
      case "filesystem" -> {
        if (!t.startsWith("/")) {
          throw new ConfigException(tp, "must be an absolute path");
        }
      }
      default -> throw new IllegalStateException(c.kind());
    }
  }

  /**
   * Rejects {@code user[:password]@} in any target (URL or host:port). Checked on the raw text before any
   * parsing, so a target that is not even a valid URI cannot smuggle credentials into messages either.
   * The error never repeats the target.
   */
  private static void noUserInfo(String tp, String t) {
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

  private static void httpUrl(String tp, String t) {
    noUserInfo(tp, t);
    URI u = uri(tp, t);
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
      throw new ConfigException(tp, "must be an http:// or https:// URL");
    }
    if (u.getUserInfo() != null) {
      throw new ConfigException(tp, "must not contain credentials; use username and password_env/password_file");
    }
  }

  private static URI uri(String tp, String t) {
    try {
      return new URI(t);
    } catch (Exception e) {
      throw new ConfigException(tp, "not a valid URL");
    }
  }

  private static void checkKindSpecific(String p, ServiceCheckConfig c, Map<String, List<String>> sqlMetrics) {
    if (c.apiVersion() != null && (c.apiVersion() < 1 || c.apiVersion() > 3)) {
      throw new ConfigException(p + "/api_version", "must be 1, 2 or 3");
    }
    int influxApi = c.apiVersion() == null ? 2 : c.apiVersion();
    if (c.roundTripDatabase() != null && influxApi != 1) {
      throw new ConfigException(p + "/round_trip_database", "is for the InfluxDB 1.x API (set api_version: 1); "
          + "for 2.x use round_trip_bucket and org");
    }
    if (c.roundTripBucket() != null && influxApi != 2) {
      throw new ConfigException(p + "/round_trip_bucket", "is for the InfluxDB 2.x API (api_version: 2); "
          + "for 1.x use round_trip_database (3.x: not supported)");
    }
    if (c.roundTripBucket() != null && c.org() == null) {
      throw new ConfigException(p + "/org", "required with round_trip_bucket");
    }
    if ("influxdb".equals(c.kind()) && c.apiVersion() != null && c.apiVersion() == 1
        && (c.tokenEnv() != null || c.tokenFile() != null)) {
      throw new ConfigException(p + "/token_env", "InfluxDB 1.x uses username and password, not a token");
    }
    for (int j = 0; j < c.expectStatus().size(); j++) {
      Integer s = c.expectStatus().get(j);
      if (s == null || s < 100 || s > 599) {
        throw new ConfigException(p + "/expect_status/" + j, "must be an HTTP status code");
      }
    }
    if (c.bodyRegex() != null) {
      try {
        Pattern.compile(c.bodyRegex());
      } catch (PatternSyntaxException e) {
        throw new ConfigException(p + "/body_regex", "invalid regular expression: " + e.getDescription());
      }
    }
    if (c.jsonValue() != null && c.jsonField() == null) {
      throw new ConfigException(p + "/json_value", "needs json_field");
    }
    if (c.jsonField() != null && !c.jsonField().startsWith("/")) {
      throw new ConfigException(p + "/json_field", "must be a JSON pointer such as /status or /checks/0/status");
    }
    if (c.path() != null && !c.path().startsWith("/")) {
      throw new ConfigException(p + "/path", "must start with /");
    }
    if ("sql".equals(c.kind())) {
      if (c.queries().isEmpty()) {
        throw new ConfigException(p + "/queries", "a sql check needs at least one query");
      }
      for (int j = 0; j < c.queries().size(); j++) {
        checkQuery(p + "/queries/" + j, c.queries().get(j), sqlMetrics);
      }
    }
  }

  private static void checkQuery(String qp, ServiceCheckConfig.SqlQuery q, Map<String, List<String>> sqlMetrics) {
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
}
