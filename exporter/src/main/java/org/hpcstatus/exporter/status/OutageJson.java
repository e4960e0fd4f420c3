package org.hpcstatus.exporter.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An outage as JSON: the API's answers and the persisted {@code outages.json} use the same shape. */
final class OutageJson {
  private OutageJson() {}

  static ObjectNode toJson(Outage o, Instant now) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("id", o.id());
    n.put("cluster", o.cluster());
    n.put("service", o.service());
    n.put("severity", o.severity().label());
    n.put("title", o.title());
    n.put("description", o.description());
    n.put("start", str(o.start()));
    n.put("expected_end", str(o.expectedEnd()));
    var ups = n.putArray("updates");
    for (Outage.Update u : o.updates()) {
      ups.addObject().put("at", str(u.at())).put("message", u.message());
    }
    n.put("resolved", o.resolved());
    n.put("resolved_at", str(o.resolvedAt()));
    n.put("origin", o.origin().label());
    if (o.nodes() != null) {
      n.put("nodes", o.nodes());
    }
    if (now != null) {
      n.put("phase", o.phase(now).label);
    }
    return n;
  }

  /** Reads what {@link #toJson} wrote (the persisted file: trusted shape, still checked). */
  static Outage fromJson(JsonNode n) {
    List<Outage.Update> ups = new ArrayList<>();
    for (JsonNode u : n.path("updates")) {
      ups.add(new Outage.Update(time(u.get("at")), u.path("message").asText()));
    }
    String id = n.path("id").asText();
    String title = n.path("title").asText();
    if (id.isEmpty() || title.isEmpty()) {
      throw new IllegalArgumentException("outage without id or title");
    }
    return new Outage(id, text(n.get("cluster")), text(n.get("service")),
        Outage.Severity.valueOf(n.path("severity").asText().toUpperCase(Locale.ROOT)), title,
        text(n.get("description")), time(n.get("start")), time(n.get("expected_end")), ups,
        n.path("resolved").asBoolean(), time(n.get("resolved_at")),
        Outage.Origin.valueOf(n.path("origin").asText("api").toUpperCase(Locale.ROOT)), text(n.get("nodes")));
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }

  private static String text(JsonNode v) {
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant time(JsonNode v) {
    return v == null || v.isNull() ? null : Instant.parse(v.asText());
  }
}
