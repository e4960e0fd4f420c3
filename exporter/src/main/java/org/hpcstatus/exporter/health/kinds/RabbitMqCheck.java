package org.hpcstatus.exporter.health.kinds;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.health.Targets;

/**
 * RabbitMQ management API (port 15672, basic auth; the {@code monitoring} tag suffices):
 * {@code /api/health/checks/alarms} must be 200 {@code {"status":"ok"}} (503 with a reason = an alarm is
 * in effect: {@code unhealthy}), then {@code /api/overview} gives version and totals.
 */
public final class RabbitMqCheck implements Check {
  static final List<String> OBJECTS = List.of("connections", "channels", "queues", "consumers", "exchanges");
  public static final MetricDef READY = Kind.gauge("service_rabbitmq_messages_ready",
      "/api/overview queue_totals.messages_ready.");
  public static final MetricDef UNACKED = Kind.gauge("service_rabbitmq_messages_unacknowledged",
      "/api/overview queue_totals.messages_unacknowledged.");
  public static final MetricDef OBJECT_TOTALS = Kind.gauge("service_rabbitmq_objects",
      "/api/overview object_totals (connections, channels, queues, consumers, exchanges).", "object");

  public static final Kind<Kind.NoOptions> KIND = new Kind<>("rabbitmq", Kind.NoOptions.class,
      EnumSet.of(Kind.Common.USERNAME, Kind.Common.PASSWORD, Kind.Common.TLS_INSECURE_SKIP_VERIFY,
          Kind.Common.TLS_CA_FILE, Kind.Common.TLS_SERVER_NAME),
      List.of(READY, UNACKED, OBJECT_TOTALS),
      (p, c, o, shared) -> Targets.http(p + "/target", c.target()),
      (c, o, secrets) -> new RabbitMqCheck(c, secrets));

  private final ServiceCheckConfig cfg;
  private final Secrets secrets;
  private final Http http;

  RabbitMqCheck(ServiceCheckConfig c, Secrets secrets) {
    this.cfg = c;
    this.secrets = secrets;
    this.http = new Http(c);
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    String password = secrets.read(cfg.passwordEnv(), cfg.passwordFile());
    Map<String, String> auth = Map.of("Authorization", Http.basic(cfg.username(), password),
        "Accept", "application/json");
    Http.Answer alarms = http.get(ctx, "/api/health/checks/alarms", auth);
    if (alarms.code() == 503) {
      JsonNode n = Json.object(alarms.body(), "rabbitmq alarms");
      throw new CheckException(Reason.UNHEALTHY, "rabbitmq alarm in effect: "
          + Secrets.scrub(n.path("reason").asText("(no reason given)"), password));
    }
    if (alarms.code() != 200) {
      throw Http.status(alarms, "rabbitmq /api/health/checks/alarms");
    }
    JsonNode ok = Json.object(alarms.body(), "rabbitmq alarms");
    if (!"ok".equals(ok.path("status").asText())) {
      throw new CheckException(Reason.PROTOCOL, "rabbitmq alarms: status is not ok on HTTP 200");
    }
    Http.Answer ov = http.get(ctx, "/api/overview", auth);
    if (ov.code() != 200) {
      throw Http.status(ov, "rabbitmq /api/overview");
    }
    JsonNode o = Json.object(ov.body(), "rabbitmq overview");
    CheckResult r = new CheckResult().tlsExpiry(alarms.tlsExpiry()).version(o.path("rabbitmq_version").asText(null));
    JsonNode q = o.path("queue_totals");
    r.add(READY, Json.number(q, "messages_ready", "rabbitmq overview"));
    r.add(UNACKED, Json.number(q, "messages_unacknowledged", "rabbitmq overview"));
    JsonNode t = o.path("object_totals");
    for (String obj : OBJECTS) {
      if (t.has(obj)) {
        r.add(OBJECT_TOTALS, Json.number(t, obj, "rabbitmq overview"), obj);
      }
    }
    return r;
  }

  @Override
  public List<MetricDef> metrics() {
    return KIND.metrics();
  }
}
