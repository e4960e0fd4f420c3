package org.hpcstatus.exporter.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/outages}: GET lists; POST declares (201 + Location), PATCH {id} changes (an
 * {@code update} string appends to the timeline), DELETE {id} removes — the writes need
 * {@code Authorization: Bearer <token>} (401 without, 403 wrong). Bodies are limited to
 * {@code maxBody} bytes (413); invalid input is a 400 whose JSON names the field.
 */
final class OutagesApi {
  private static final Logger LOG = LoggerFactory.getLogger(OutagesApi.class);

  private final OutageStore store;
  private final BearerToken token;
  private final int maxBody;
  private final StatusHub hub;
  private final Clock clock;

  OutagesApi(OutageStore store, BearerToken token, int maxBody, StatusHub hub, Clock clock) {
    this.store = store;
    this.token = token;
    this.maxBody = maxBody;
    this.hub = hub;
    this.clock = clock;
  }

  /** {@code id} null: the collection. */
  void handle(HttpExchange ex, String id) throws IOException {
    String method = ex.getRequestMethod();
    try {
      if (method.equals("GET") || method.equals("HEAD")) {
        if (id == null) {
          ArrayNode arr = StatusJson.MAPPER.createArrayNode();
          store.all().forEach(o -> arr.add(OutageJson.toJson(o, clock.instant())));
          Routes.json(ex, 200, arr);
        } else {
          Routes.json(ex, 200, OutageJson.toJson(store.get(id), clock.instant()));
        }
        return;
      }
      boolean allowed = id == null ? method.equals("POST") : method.equals("PATCH") || method.equals("DELETE");
      if (!allowed) {
        ex.getResponseHeaders().set("Allow", id == null ? "GET, POST" : "GET, PATCH, DELETE");
        Routes.error(ex, 405, null, "method " + method + " not allowed here");
        return;
      }
      if (!authorized(ex)) {
        return;
      }
      if (method.equals("DELETE")) {
        store.delete(id);
        hub.poke();
        Routes.send(ex, 204, null, null);
        return;
      }
      JsonNode body = body(ex);
      if (body == null) {
        return;
      }
      Outage o = id == null ? store.create(body) : store.patch(id, body);
      hub.poke();
      if (id == null) {
        ex.getResponseHeaders().set("Location", "/api/v1/outages/" + o.id());
      }
      Routes.json(ex, id == null ? 201 : 200, OutageJson.toJson(o, clock.instant()));
    } catch (OutageParser.Invalid e) {
      Routes.error(ex, 400, e.field(), e.getMessage());
    } catch (OutageStore.NotFound e) {
      Routes.error(ex, 404, null, e.getMessage());
    } catch (OutageStore.ReadOnly e) {
      Routes.error(ex, 409, null, e.getMessage());
    } catch (IOException e) {
      LOG.error("outage API: cannot persist the outages: {}", e.toString());
      Routes.error(ex, 500, null, "could not save the outages (see the exporter's log); nothing was changed");
    }
  }

  /** Answers 401/403 itself when the request may not write. The token is never logged. */
  private boolean authorized(HttpExchange ex) throws IOException {
    if (token == null) {
      Routes.error(ex, 403, null, "the outage API is read-only: no token configured "
          + "(status.outages_token_sha256 or status.outages_token_file)");
      return false;
    }
    switch (token.check(ex.getRequestHeaders().getFirst("Authorization"))) {
      case OK:
        return true;
      case MISSING:
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"hpc-status outages\"");
        Routes.error(ex, 401, null, "Authorization: Bearer <token> required");
        return false;
      default:
        LOG.warn("outage API: wrong bearer token from {}", ex.getRemoteAddress().getAddress().getHostAddress());
        Routes.error(ex, 403, null, "wrong token");
        return false;
    }
  }

  /** The JSON body, or null after answering 413/400. */
  private JsonNode body(HttpExchange ex) throws IOException {
    String len = ex.getRequestHeaders().getFirst("Content-Length");
    if (len != null) {
      try {
        if (Long.parseLong(len.trim()) > maxBody) {
          Routes.error(ex, 413, "body", "larger than " + maxBody + " bytes");
          return null;
        }
      } catch (NumberFormatException e) {
        Routes.error(ex, 400, "Content-Length", "not a number");
        return null;
      }
    }
    byte[] data;
    try (InputStream in = ex.getRequestBody()) {
      data = in.readNBytes(maxBody + 1);
    }
    if (data.length > maxBody) {
      Routes.error(ex, 413, "body", "larger than " + maxBody + " bytes");
      return null;
    }
    try {
      return OutageParser.json(data);
    } catch (OutageParser.Invalid e) {
      Routes.error(ex, 400, e.field(), e.getMessage());
      return null;
    }
  }
}
