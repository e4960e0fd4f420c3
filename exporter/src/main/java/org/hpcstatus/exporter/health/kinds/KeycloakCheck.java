package org.hpcstatus.exporter.health.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.Kind;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.health.Targets;

/**
 * Keycloak ≥ 25: {@code GET /health/ready} on the management port (9000). 200 with
 * {@code {"status":"UP","checks":[…]}} is healthy; 503 (status DOWN) is {@code unhealthy}, naming the
 * checks that are DOWN. Each check in the JSON becomes {@code service_keycloak_check_up{check}}.
 */
public final class KeycloakCheck implements Check {
  static final String DEFAULT_PATH = "/health/ready";
  public static final MetricDef CHECK_UP = Kind.gauge("service_keycloak_check_up",
      "Per-check status from Keycloak's health JSON: 1 UP, 0 DOWN.", "check");

  /** {@code path}: the health endpoint (default /health/ready). */
  public record Options(String path) {}

  public static final Kind<Options> KIND = new Kind<>("keycloak", Options.class,
      EnumSet.of(Kind.Common.TLS_INSECURE_SKIP_VERIFY, Kind.Common.TLS_CA_FILE,
          Kind.Common.TLS_SERVER_NAME), List.of(CHECK_UP),
      (p, c, o, shared) -> {
        Targets.http(p + "/target", c.target());
        Targets.urlPath(p + "/path", o.path());
      },
      (c, o, secrets) -> new KeycloakCheck(c, o));

  private final Http http;
  private final String path;

  KeycloakCheck(ServiceCheckConfig c, Options o) {
    this.http = new Http(c);
    this.path = o.path() == null ? DEFAULT_PATH : o.path();
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    Http.Answer a = http.get(ctx, path, Map.of("Accept", "application/json"));
    if (a.code() != 200 && a.code() != 503) {
      throw Http.status(a, "keycloak " + path);
    }
    JsonNode root = Json.object(a.body(), "keycloak " + path);
    String status = root.path("status").asText("");
    if (!status.equals("UP") && !status.equals("DOWN")) {
      throw new CheckException(Reason.PROTOCOL, "keycloak " + path + ": status is neither UP nor DOWN");
    }
    CheckResult r = new CheckResult().tlsExpiry(a.tlsExpiry());
    List<String> down = new ArrayList<>();
    for (JsonNode chk : root.path("checks")) {
      String name = chk.path("name").asText("");
      if (name.isEmpty()) {
        continue;
      }
      boolean upChk = "UP".equals(chk.path("status").asText());
      if (!upChk) {
        down.add(name);
      }
      r.add(CHECK_UP, upChk ? 1 : 0, name);
    }
    if (a.code() == 503 || status.equals("DOWN")) {
      throw new CheckException(Reason.UNHEALTHY, "keycloak reports DOWN" + (down.isEmpty() ? "" : ": " + down));
    }
    return r;
  }

  @Override
  public List<MetricDef> metrics() {
    return KIND.metrics();
  }
}
