package org.hpcstatus.exporter.health.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;

/**
 * Generic HTTP(S) GET: the status must be in {@code expect_status} (default any 2xx), the body must
 * match {@code body_regex} if given, and the JSON pointer {@code json_field} must exist (and equal
 * {@code json_value} if given). A mismatch of body or field is {@code unhealthy}.
 */
public final class HttpCheck implements Check {
  private final ServiceCheckConfig cfg;
  private final Secrets secrets;
  private final Http http;
  private final Pattern bodyRegex;

  HttpCheck(ServiceCheckConfig c, Secrets secrets) {
    this.cfg = c;
    this.secrets = secrets;
    this.http = new Http(c.target(), c.timeout(), c.tlsInsecureSkipVerify());
    this.bodyRegex = c.bodyRegex() == null ? null : Pattern.compile(c.bodyRegex());
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
    Http.Answer a = http.get(ctx, cfg.path() == null ? "" : cfg.path(), headers);
    boolean statusOk = cfg.expectStatus().isEmpty() ? a.code() >= 200 && a.code() < 300
        : cfg.expectStatus().contains(a.code());
    if (!statusOk) {
      throw Http.status(a, "GET");
    }
    if (bodyRegex != null && !bodyRegex.matcher(a.body()).find()) {
      throw new CheckException(Reason.UNHEALTHY, "body does not match body_regex");
    }
    if (cfg.jsonField() != null) {
      JsonNode root = Json.parse(a.body(), "json_field");
      JsonNode v = root.at(cfg.jsonField());
      if (v.isMissingNode()) {
        throw new CheckException(Reason.UNHEALTHY, "JSON field " + cfg.jsonField() + " is missing");
      }
      if (cfg.jsonValue() != null && !cfg.jsonValue().equals(v.isValueNode() ? v.asText() : v.toString())) {
        throw new CheckException(Reason.UNHEALTHY, "JSON field " + cfg.jsonField() + " is not '"
            + cfg.jsonValue() + "'");
      }
    }
    return new CheckResult().tlsExpiry(a.tlsExpiry()).add(KindMetrics.HTTP_STATUS, a.code());
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(KindMetrics.HTTP_STATUS);
  }
}
