package org.hpcstatus.exporter.health.kinds;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.Kind;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.health.ServiceChecks;
import org.hpcstatus.exporter.health.Targets;

/**
 * InfluxDB by API generation ({@code api_version}, default 2):
 * <ul>
 *   <li>1: {@code GET /ping} → 204 with {@code X-Influxdb-Version}; optional write+query round trip to
 *       {@code round_trip_database} (username/password as basic auth).</li>
 *   <li>2: {@code GET /health} → {@code {"status":"pass","version":…}}; 503 / {@code fail} is unhealthy;
 *       optional write + Flux query round trip to {@code round_trip_bucket} in {@code org} (token).</li>
 *   <li>3 (Core, port 8181): {@code GET /health} → 200 {@code OK}, with {@code Authorization: Bearer <token>}
 *       unless the server disables authz for health.</li>
 * </ul>
 */
public final class InfluxDbCheck implements Check {
  static final String MEASUREMENT = "hpcstatus_roundtrip";
  public static final MetricDef ROUND_TRIP = Kind.gauge("service_influxdb_round_trip_seconds",
      "Latency of writing one point to round_trip_database (1.x) or round_trip_bucket (2.x) and reading it back.");

  /** API generation (default 2) and the optional write+read round trip of 1.x / 2.x. */
  public record Options(
      @JsonProperty("api_version") Integer apiVersion,
      @JsonProperty("round_trip_database") String roundTripDatabase,
      String org,
      @JsonProperty("round_trip_bucket") String roundTripBucket) {}

  public static final Kind<Options> KIND = new Kind<>("influxdb", Options.class,
      EnumSet.of(Kind.Common.USERNAME, Kind.Common.PASSWORD, Kind.Common.TOKEN, Kind.Common.TLS_INSECURE_SKIP_VERIFY,
          Kind.Common.TLS_CA_FILE, Kind.Common.TLS_SERVER_NAME),
      List.of(ROUND_TRIP), InfluxDbCheck::validate, InfluxDbCheck::new);

  private static void validate(String p, ServiceCheckConfig c, Options o, ServiceChecks.Shared shared) {
    Targets.http(p + "/target", c.target());
    if (o.apiVersion() != null && (o.apiVersion() < 1 || o.apiVersion() > 3)) {
      throw new ConfigException(p + "/api_version", "must be 1, 2 or 3");
    }
    int api = o.apiVersion() == null ? 2 : o.apiVersion();
    if (o.roundTripDatabase() != null && api != 1) {
      throw new ConfigException(p + "/round_trip_database", "is for the InfluxDB 1.x API (set api_version: 1); "
          + "for 2.x use round_trip_bucket and org");
    }
    if (o.roundTripBucket() != null && api != 2) {
      throw new ConfigException(p + "/round_trip_bucket", "is for the InfluxDB 2.x API (api_version: 2); "
          + "for 1.x use round_trip_database (3.x: not supported)");
    }
    if (o.roundTripBucket() != null && o.org() == null) {
      throw new ConfigException(p + "/org", "required with round_trip_bucket");
    }
    if (api == 1 && o.apiVersion() != null && (c.tokenEnv() != null || c.tokenFile() != null)) {
      throw new ConfigException(p + "/token_env", "InfluxDB 1.x uses username and password, not a token");
    }
  }

  private final ServiceCheckConfig cfg;
  private final Options o;
  private final Secrets secrets;
  private final Http http;
  private final int api;

  InfluxDbCheck(ServiceCheckConfig c, Options o, Secrets secrets) {
    this.cfg = c;
    this.o = o;
    this.secrets = secrets;
    this.http = new Http(c);
    this.api = o.apiVersion() == null ? 2 : o.apiVersion();
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    return switch (api) {
      case 1 -> v1(ctx);
      case 2 -> v2(ctx);
      default -> v3(ctx);
    };
  }

  private CheckResult v1(CheckContext ctx) throws Exception {
    String password = secrets.read(cfg.passwordEnv(), cfg.passwordFile());
    Map<String, String> auth = new LinkedHashMap<>();
    if (cfg.username() != null || password != null) {
      auth.put("Authorization", Http.basic(cfg.username(), password));
    }
    Http.Answer ping = http.get(ctx, "/ping", auth);
    if (ping.code() != 204 && ping.code() != 200) {
      throw Http.status(ping, "influxdb /ping");
    }
    String version = ping.header("X-Influxdb-Version");
    if (version == null) {
      throw new CheckException(Reason.PROTOCOL, "influxdb /ping: no X-Influxdb-Version header (not InfluxDB?)");
    }
    CheckResult r = new CheckResult().version(version).tlsExpiry(ping.tlsExpiry());
    if (o.roundTripDatabase() != null) {
      r.add(ROUND_TRIP, roundTripV1(ctx, auth));
    }
    return r;
  }

  private double roundTripV1(CheckContext ctx, Map<String, String> auth) throws Exception {
    long start = System.nanoTime();
    String db = URLEncoder.encode(o.roundTripDatabase(), StandardCharsets.UTF_8);
    long nonce = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    String tag = cfg.name().replaceAll("[ ,=\\\\]", "_");
    String line = MEASUREMENT + ",check=" + tag + " nonce=" + nonce + "i " + System.currentTimeMillis() + "000000";
    Http.Answer w = http.post(ctx, "/write?db=" + db + "&precision=ns", auth, line, "text/plain; charset=utf-8");
    if (w.code() == 404) {
      throw new CheckException(Reason.UNHEALTHY, "influxdb /write: database " + o.roundTripDatabase()
          + " not found");
    }
    if (w.code() != 204) {
      throw Http.status(w, "influxdb /write");
    }
    String q = "SELECT last(nonce) FROM " + MEASUREMENT + " WHERE \"check\" = '" + tag.replace("'", "") + "'";
    Http.Answer rd = http.get(ctx, "/query?db=" + db + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), auth);
    if (rd.code() != 200) {
      throw Http.status(rd, "influxdb /query");
    }
    JsonNode root = Json.object(rd.body(), "influxdb /query");
    JsonNode value = root.at("/results/0/series/0/values/0/1");
    String err = root.at("/results/0/error").asText(null);
    if (err != null) {
      throw new CheckException(Reason.UNHEALTHY, "influxdb query error: " + err);
    }
    if (!value.isNumber() || value.longValue() != nonce) {
      throw new CheckException(Reason.UNHEALTHY, "influxdb round trip: the point just written was not read back");
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private CheckResult v2(CheckContext ctx) throws Exception {
    Map<String, String> auth = tokenHeader("Token ");
    Http.Answer h = http.get(ctx, "/health", auth);
    if (h.code() != 200 && h.code() != 503) {
      throw Http.status(h, "influxdb /health");
    }
    JsonNode root = Json.object(h.body(), "influxdb /health");
    String status = root.path("status").asText("");
    if (!status.equals("pass") && !status.equals("fail")) {
      throw new CheckException(Reason.PROTOCOL, "influxdb /health: status is neither pass nor fail");
    }
    if (h.code() == 503 || status.equals("fail")) {
      throw new CheckException(Reason.UNHEALTHY, "influxdb /health: fail: " + root.path("message").asText(""));
    }
    CheckResult r = new CheckResult().version(root.path("version").asText(null)).tlsExpiry(h.tlsExpiry());
    if (o.roundTripBucket() != null) {
      r.add(ROUND_TRIP, roundTripV2(ctx, auth));
    }
    return r;
  }

  /** Writes one point to round_trip_bucket and reads it back with Flux (annotated CSV). */
  private double roundTripV2(CheckContext ctx, Map<String, String> auth) throws Exception {
    long start = System.nanoTime();
    String org = URLEncoder.encode(o.org(), StandardCharsets.UTF_8);
    String bucket = URLEncoder.encode(o.roundTripBucket(), StandardCharsets.UTF_8);
    long nonce = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    String tag = cfg.name().replaceAll("[ ,=\\\\\"]", "_");
    String line = MEASUREMENT + ",check=" + tag + " nonce=" + nonce + "i " + System.currentTimeMillis() + "000000";
    Http.Answer w = http.post(ctx, "/api/v2/write?org=" + org + "&bucket=" + bucket + "&precision=ns", auth, line,
        "text/plain; charset=utf-8");
    if (w.code() == 404) {
      throw new CheckException(Reason.UNHEALTHY, "influxdb /api/v2/write: bucket or org not found");
    }
    if (w.code() != 204) {
      throw Http.status(w, "influxdb /api/v2/write");
    }
    String flux = "from(bucket: \"" + o.roundTripBucket().replace("\\", "\\\\").replace("\"", "\\\"")
        + "\") |> range(start: -5m) |> filter(fn: (r) => r._measurement == \"" + MEASUREMENT
        + "\" and r.check == \"" + tag + "\" and r._field == \"nonce\") |> last()";
    String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
        Map.of("query", flux, "type", "flux"));
    Map<String, String> headers = new java.util.LinkedHashMap<>(auth);
    headers.put("Accept", "application/csv");
    Http.Answer q = http.post(ctx, "/api/v2/query?org=" + org, headers, body, "application/json");
    if (q.code() != 200) {
      throw Http.status(q, "influxdb /api/v2/query");
    }
    if (!csvHasValue(q.body(), Long.toString(nonce))) {
      throw new CheckException(Reason.UNHEALTHY, "influxdb round trip: the point just written was not read back");
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** True if the annotated CSV of a Flux query has a row whose {@code _value} column equals {@code value}. */
  static boolean csvHasValue(String csv, String value) throws CheckException {
    int col = -1;
    for (String raw : csv.split("\r?\n")) {
      if (raw.isEmpty() || raw.startsWith("#")) {
        continue;
      }
      String[] f = raw.split(",", -1);
      if (col < 0) {
        col = java.util.Arrays.asList(f).indexOf("_value");
        if (col < 0) {
          throw new CheckException(Reason.PROTOCOL, "influxdb query: no _value column in the CSV answer");
        }
        continue;
      }
      if (f.length > col && f[col].strip().equals(value)) {
        return true;
      }
    }
    if (col < 0 && !csv.isBlank()) {
      throw new CheckException(Reason.PROTOCOL, "influxdb query: answer is not annotated CSV");
    }
    return false;
  }

  private CheckResult v3(CheckContext ctx) throws Exception {
    Http.Answer h = http.get(ctx, "/health", tokenHeader("Bearer "));
    if (h.code() == 503) {
      throw new CheckException(Reason.UNHEALTHY, "influxdb /health: 503");
    }
    if (h.code() != 200) {
      throw Http.status(h, "influxdb /health");
    }
    if (!h.body().strip().equals("OK")) {
      throw new CheckException(Reason.PROTOCOL, "influxdb 3 /health: expected body OK");
    }
    return new CheckResult().version(h.header("x-influxdb-version")).tlsExpiry(h.tlsExpiry());
  }

  private Map<String, String> tokenHeader(String scheme) throws CheckException {
    String token = secrets.read(cfg.tokenEnv(), cfg.tokenFile());
    return token == null ? Map.of() : Map.of("Authorization", scheme + token);
  }

  @Override
  public List<MetricDef> metrics() {
    return KIND.metrics();
  }
}
