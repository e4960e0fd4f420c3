package org.hpcstatus.exporter.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.status.StatusSnapshot.Alloc;
import org.hpcstatus.exporter.status.StatusView.Age;

/**
 * The JSON API: {@code /api/v1/status} (the page's content) and {@code /api/v1/history/{name}}.
 * snake_case keys, times as RFC 3339 strings, ratios 0–1, durations in seconds; unknown values null.
 */
final class StatusJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private StatusJson() {}

  static ObjectNode status(StatusView v) {
    ObjectNode r = MAPPER.createObjectNode();
    r.put("time", Html.isoTime(v.now()));
    r.put("overall", v.overall().label);
    r.put("overall_text", v.overall().text);
    ArrayNode cl = r.putArray("clusters");
    for (StatusView.ClusterView cv : v.clusters()) {
      StatusSnapshot.Cluster c = cv.cluster();
      ObjectNode o = cl.addObject();
      o.put("name", c.name());
      o.put("state", cv.state().label);
      o.put("since", Html.isoTime(Instant.ofEpochMilli(cv.sinceMillis())));
      if (c.controllerUp() == null) {
        o.putNull("controller_up");
      } else {
        o.put("controller_up", c.controllerUp());
      }
      ObjectNode nodes = o.putObject("nodes");
      nodes.put("total", c.nodesTotal());
      nodes.put("drained", c.drained());
      nodes.put("down", c.down());
      ObjectNode by = nodes.putObject("by_state");
      c.nodesByState().forEach(by::put);
      alloc(o, "cpus", c.cpus());
      alloc(o, "gpus", c.gpus());
      alloc(o, "memory_bytes", c.memoryBytes());
      ArrayNode ps = o.putArray("partitions");
      for (StatusSnapshot.Partition p : c.partitions()) {
        ObjectNode pn = ps.addObject();
        pn.put("name", p.name());
        pn.put("state", p.state());
        pn.put("nodes_up", p.nodesUp());
        pn.put("nodes_total", p.nodesTotal());
        pn.put("jobs_running", p.running());
        pn.put("jobs_pending", p.pending());
        pn.put("oldest_pending_submit", p.oldestPendingSubmit() == null || p.pending() == 0 ? null
            : Html.isoTime(Instant.ofEpochSecond(p.oldestPendingSubmit().longValue())));
        pn.put("typical_wait_seconds", p.typicalWaitSeconds());
      }
      ArrayNode rs = o.putArray("reservations");
      for (StatusSnapshot.Reservation res : c.reservations()) {
        ObjectNode rn = rs.addObject();
        rn.put("name", res.name());
        rn.put("state", res.state());
        rn.put("maintenance", res.maint());
        rn.put("start", res.start() == null ? null : Html.isoTime(Instant.ofEpochSecond(res.start().longValue())));
        rn.put("end", res.end() == null ? null : Html.isoTime(Instant.ofEpochSecond(res.end().longValue())));
        rn.put("nodes", res.nodes());
        rn.put("node_list", res.nodeList() == null || res.nodeList().isEmpty() ? null : res.nodeList());
      }
      uptime(o, cv.uptime24h(), cv.uptime7d(), cv.uptime30d());
      age(o, cv.age());
    }
    ArrayNode ss = r.putArray("services");
    for (StatusView.ServiceView sv : v.services()) {
      StatusSnapshot.Service s = sv.service();
      ObjectNode o = ss.addObject();
      o.put("name", s.name());
      o.put("kind", s.kind());
      o.put("state", s.state().label);
      o.put("since", Html.isoTime(Instant.ofEpochMilli(sv.sinceMillis())));
      o.put("latency_seconds", s.latencySeconds());
      o.put("last_failure_reason", s.lastFailureReason());
      o.put("last_failure_message", s.lastFailureMessage());
      o.put("last_check", s.lastCheck() == null ? null : Html.isoTime(Instant.ofEpochMilli((long) (s.lastCheck() * 1000))));
      o.put("interval_seconds", s.intervalSeconds());
      uptime(o, sv.uptime24h(), sv.uptime7d(), sv.uptime30d());
      o.putArray("outages").addAll(sv.outages().stream().map(x -> MAPPER.getNodeFactory().textNode(x.id())).toList());
    }
    age(r.putObject("services_freshness"), v.servicesAge());
    ObjectNode out = r.putObject("outages");
    outages(out.putArray("active"), v.active(), v.now());
    outages(out.putArray("upcoming"), v.upcoming(), v.now());
    outages(out.putArray("past"), v.past(), v.now());
    r.put("outages_file_error", v.outagesFileError());
    r.put("notice", v.notice());
    ObjectNode src = r.putObject("sources");
    v.sources().forEach(src::put);
    return r;
  }

  static void outages(ArrayNode arr, List<Outage> os, Instant now) {
    os.forEach(o -> arr.add(OutageJson.toJson(o, now)));
  }

  private static void alloc(ObjectNode o, String key, Alloc a) {
    if (a == null) {
      o.putNull(key);
      return;
    }
    o.putObject(key).put("allocated", a.allocated()).put("total", a.total()).put("ratio", a.ratio());
  }

  private static void uptime(ObjectNode o, double d, double w, double m) {
    ObjectNode u = o.putObject("uptime");
    ratio(u, "24h", d);
    ratio(u, "7d", w);
    ratio(u, "30d", m);
  }

  private static void ratio(ObjectNode o, String key, double v) {
    if (Double.isNaN(v)) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }

  private static void age(ObjectNode o, Age a) {
    o.put("freshness", a.level());
    o.put("age_seconds", Double.isInfinite(a.seconds()) ? null : a.seconds());
    o.put("stalest_source", a.source());
  }

  /** One component's history: daily buckets (90 d), 5-minute buckets (last 24 h), state changes. */
  static ObjectNode history(String name, History.Track t, History h, String key, long now) {
    ObjectNode r = MAPPER.createObjectNode();
    r.put("name", name);
    r.put("state", t == null ? "unknown" : t.state().label);
    r.put("since", t == null ? null : Html.isoTime(Instant.ofEpochMilli(t.sinceMillis())));
    uptime(r, h.uptime(key, History.DAY_MILLIS, now), h.uptime(key, 7 * History.DAY_MILLIS, now),
        h.uptime(key, 30 * History.DAY_MILLIS, now));
    buckets(r.putArray("daily"), h.daily(key, 90, now), History.DAY_MILLIS);
    buckets(r.putArray("five_minutes"), h.fine(key, History.DAY_MILLIS, now), History.FINE_MILLIS);
    ArrayNode ch = r.putArray("changes");
    if (t != null) {
      for (History.Change c : t.changes()) {
        ch.addObject().put("at", Html.isoTime(Instant.ofEpochMilli(c.atMillis()))).put("from", c.from().label)
            .put("to", c.to().label).put("reason", c.reason());
      }
    }
    return r;
  }

  private static void buckets(ArrayNode arr, List<History.Bucket> bs, long width) {
    for (History.Bucket b : bs) {
      ObjectNode o = arr.addObject();
      o.put("start", Html.isoTime(Instant.ofEpochMilli(b.index() * width)));
      o.put("up_seconds", b.up());
      o.put("degraded_seconds", b.degraded());
      o.put("down_seconds", b.down());
      ratio(o, "uptime", b.uptime());
    }
  }

  static Map<String, Object> error(String field, String message) {
    return field == null ? Map.of("error", message) : Map.of("error", message, "field", field);
  }
}
