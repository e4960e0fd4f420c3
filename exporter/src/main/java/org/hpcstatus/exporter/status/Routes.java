package org.hpcstatus.exporter.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The status page's HTTP endpoints (besides the SSE stream, which has its own executor):
 * {@code /}, {@code /api/v1/status}, {@code /api/v1/history/{service}} and
 * {@code /api/v1/history/cluster/{name}}, {@code /feed.atom}, {@code /badge/{service}.svg} and
 * {@code /badge/cluster/{name}.svg}, {@code /api/v1/outages[/{id}]}. Everything is read from the
 * hub's last publication; nothing here runs a check or a Slurm command.
 */
public final class Routes {
  private static final Pattern HISTORY = Pattern.compile("/api/v1/history/(cluster/)?([^/]+)");
  private static final Pattern BADGE = Pattern.compile("/badge/(cluster/)?([^/]+)\\.svg");
  private static final Pattern OUTAGE = Pattern.compile("/api/v1/outages(?:/([^/]+))?/?");

  private final StatusHub hub;
  private final OutagesApi outages;

  public Routes(StatusHub hub, BearerToken token, int maxBody, Clock clock) {
    this.hub = hub;
    this.outages = new OutagesApi(hub.outages(), token, maxBody, hub, clock);
  }

  /** Handles the request if the path is one of ours; false otherwise (the caller answers 404). */
  public boolean handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    Matcher m;
    if ((m = OUTAGE.matcher(path)).matches()) {
      outages.handle(ex, m.group(1) == null ? null : decode(m.group(1)));
      return true;
    }
    if (!path.equals("/") && !path.equals("/api/v1/status") && !path.equals("/feed.atom")
        && !HISTORY.matcher(path).matches() && !BADGE.matcher(path).matches()) {
      return false;
    }
    if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().set("Allow", "GET, HEAD");
      error(ex, 405, null, "use GET");
      return true;
    }
    StatusHub.Published p = hub.current();
    if (path.equals("/")) {
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      send(ex, 200, "text/html; charset=utf-8", p.page());
    } else if (path.equals("/api/v1/status")) {
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      send(ex, 200, "application/json", p.json());
    } else if (path.equals("/feed.atom")) {
      String host = ex.getRequestHeaders().getFirst("Host");
      String self = (host == null ? "" : "http://" + host) + "/feed.atom";
      send(ex, 200, "application/atom+xml; charset=utf-8",
          FeedRenderer.render(p.view(), self).getBytes(StandardCharsets.UTF_8));
    } else if ((m = HISTORY.matcher(path)).matches()) {
      history(ex, m.group(1) != null, decode(m.group(2)));
    } else if ((m = BADGE.matcher(path)).matches()) {
      badge(ex, p.view(), m.group(1) != null, decode(m.group(2)));
    }
    return true;
  }

  private void history(HttpExchange ex, boolean cluster, String name) throws IOException {
    StatusView v = hub.current().view();
    boolean known = cluster ? v.clusters().stream().anyMatch(c -> c.cluster().name().equals(name))
        : v.services().stream().anyMatch(s -> s.service().name().equals(name));
    if (!known) {
      error(ex, 404, cluster ? "cluster" : "service", "no " + (cluster ? "cluster " : "service check ") + name);
      return;
    }
    String key = cluster ? ViewBuilder.clusterKey(name) : ViewBuilder.serviceKey(name);
    JsonNode body = hub.withHistory(h -> StatusJson.history(name, h.track(key), h, key, v.nowMillis()));
    json(ex, 200, body);
  }

  private static void badge(HttpExchange ex, StatusView v, boolean cluster, String name) throws IOException {
    String state = null;
    if (cluster) {
      for (StatusView.ClusterView c : v.clusters()) {
        if (c.cluster().name().equals(name)) {
          state = c.state().label;
        }
      }
    } else {
      for (StatusView.ServiceView s : v.services()) {
        if (s.service().name().equals(name)) {
          state = s.service().state().label;
          if (!s.outages().isEmpty() && s.outages().get(0).isMaintenance() && !state.equals("up")) {
            state = "maintenance";
          }
        }
      }
    }
    ex.getResponseHeaders().set("Cache-Control", "no-cache, max-age=0");
    byte[] svg = BadgeRenderer.render(name, state == null ? "not found" : state).getBytes(StandardCharsets.UTF_8);
    send(ex, state == null ? 404 : 200, "image/svg+xml; charset=utf-8", svg);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  static void json(HttpExchange ex, int status, Object body) throws IOException {
    send(ex, status, "application/json", StatusJson.MAPPER.writeValueAsBytes(body));
  }

  static void error(HttpExchange ex, int status, String field, String message) throws IOException {
    Map<String, Object> body = StatusJson.error(field, message);
    json(ex, status, body);
  }

  /** Sends a complete response (HEAD: headers only) and closes the exchange. */
  static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    try {
      if (type != null) {
        ex.getResponseHeaders().set("Content-Type", type);
      }
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      if (body == null || status == 204 || ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(status, -1);
      } else {
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    } finally {
      ex.close();
    }
  }
}
