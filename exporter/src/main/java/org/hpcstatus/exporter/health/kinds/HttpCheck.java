package org.hpcstatus.exporter.health.kinds;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
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
 * Generic HTTP(S) GET: the status must be in {@code expect_status} (default any 2xx), the body must
 * match {@code body_regex} if given, and the JSON pointer {@code json_field} must exist (and equal
 * {@code json_value} if given). A mismatch of body or field is {@code unhealthy}.
 */
public final class HttpCheck implements Check {
  public static final MetricDef STATUS_CODE = Kind.gauge("service_http_status_code",
      "HTTP status code of the last answer.");

  /** What the answer must look like. */
  public record Options(
      String path,
      @JsonProperty("expect_status") List<Integer> expectStatus,
      @JsonProperty("body_regex") String bodyRegex,
      @JsonProperty("json_field") String jsonField,
      @JsonProperty("json_value") String jsonValue) {
    public Options {
      expectStatus = expectStatus == null ? List.of() : java.util.Collections.unmodifiableList(
          new java.util.ArrayList<>(expectStatus)); // may hold nulls until validated
    }
  }

  public static final Kind<Options> KIND = new Kind<>("http", Options.class,
      EnumSet.of(Kind.Common.USERNAME, Kind.Common.PASSWORD, Kind.Common.TOKEN, Kind.Common.TLS_INSECURE_SKIP_VERIFY,
          Kind.Common.TLS_CA_FILE, Kind.Common.TLS_SERVER_NAME),
      List.of(STATUS_CODE), HttpCheck::validate, HttpCheck::new);

  private static void validate(String p, ServiceCheckConfig c, Options o, ServiceChecks.Shared shared) {
    Targets.http(p + "/target", c.target());
    for (int j = 0; j < o.expectStatus().size(); j++) {
      Integer s = o.expectStatus().get(j);
      if (s == null || s < 100 || s > 599) {
        throw new ConfigException(p + "/expect_status/" + j, "must be an HTTP status code");
      }
    }
    if (o.bodyRegex() != null) {
      try {
        Pattern.compile(o.bodyRegex());
      } catch (PatternSyntaxException e) {
        throw new ConfigException(p + "/body_regex", "invalid regular expression: " + e.getDescription());
      }
    }
    if (o.jsonValue() != null && o.jsonField() == null) {
      throw new ConfigException(p + "/json_value", "needs json_field");
    }
    if (o.jsonField() != null && !o.jsonField().startsWith("/")) {
      throw new ConfigException(p + "/json_field", "must be a JSON pointer such as /status or /checks/0/status");
    }
    Targets.urlPath(p + "/path", o.path());
  }

  private final ServiceCheckConfig cfg;
  private final Options o;
  private final Secrets secrets;
  private final Http http;
  private final Pattern bodyRegex;

  HttpCheck(ServiceCheckConfig c, Options o, Secrets secrets) {
    this.cfg = c;
    this.o = o;
    this.secrets = secrets;
    this.http = new Http(c);
    this.bodyRegex = o.bodyRegex() == null ? null : Pattern.compile(o.bodyRegex());
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    String password = secrets.read(cfg.passwordEnv(), cfg.passwordFile());
    if (cfg.username() != null || password != null) {
      headers.put("Authorization", Http.basic(cfg.username(), password));
    }
    String token = secrets.read(cfg.tokenEnv(), cfg.tokenFile());
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
    }
    Http.Answer a = http.get(ctx, o.path() == null ? "" : o.path(), headers);
    boolean statusOk = o.expectStatus().isEmpty() ? a.code() >= 200 && a.code() < 300
        : o.expectStatus().contains(a.code());
    if (!statusOk) {
      throw Http.status(a, "GET");
    }
    if (bodyRegex != null && !bodyRegex.matcher(a.body()).find()) {
      throw new CheckException(Reason.UNHEALTHY, "body does not match body_regex");
    }
    if (o.jsonField() != null) {
      JsonNode root = Json.parse(a.body(), "json_field");
      JsonNode v = root.at(o.jsonField());
      if (v.isMissingNode()) {
        throw new CheckException(Reason.UNHEALTHY, "JSON field " + o.jsonField() + " is missing");
      }
      if (o.jsonValue() != null && !o.jsonValue().equals(v.isValueNode() ? v.asText() : v.toString())) {
        throw new CheckException(Reason.UNHEALTHY, "JSON field " + o.jsonField() + " is not '"
            + o.jsonValue() + "'");
      }
    }
    return new CheckResult().tlsExpiry(a.tlsExpiry()).add(STATUS_CODE, a.code());
  }

  @Override
  public List<MetricDef> metrics() {
    return KIND.metrics();
  }
}
