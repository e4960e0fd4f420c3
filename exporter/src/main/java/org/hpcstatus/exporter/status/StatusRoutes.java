package org.hpcstatus.exporter.status;

import java.util.List;
import org.hpcstatus.exporter.web.Route;
import org.hpcstatus.exporter.web.Responses;

/**
 * The status page's rows of the route table. All read-only routes take the site's access rule; the
 * outage API is {@link Route.Access#PUBLIC} at the server level because it checks its own bearer token
 * (one Authorization header cannot carry both a site login and the token); the SSE stream runs on its
 * own executor.
 */
public final class StatusRoutes {
  private StatusRoutes() {}

  public static List<Route> table(StatusPage page) {
    Routes r = page.routes();
    com.sun.net.httpserver.HttpHandler h = ex -> {
      if (!r.handle(ex)) {
        Responses.text(ex, 404, "not found\n");
      }
    };
    return List.of(
        Route.exact("/", h),
        Route.exact("/api/v1/status", h),
        Route.prefix("/api/v1/history/", h),
        Route.exact("/feed.atom", h),
        Route.prefix("/badge/", h),
        Route.prefix("/api/v1/outages", h).access(Route.Access.PUBLIC),
        Route.exact(StatusPage.EVENTS_PATH, page.events()).executor(page.events().executor()));
  }
}
