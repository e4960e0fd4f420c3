package org.hpcstatus.exporter.web;

import com.sun.net.httpserver.HttpHandler;
import java.util.concurrent.Executor;

/**
 * One row of the route table: a path, its handler, who may call it and which threads run it.
 *
 * <p>{@code exact} routes answer only their path (404 for anything below it); prefix routes answer
 * every path under theirs (e.g. {@code /api/v1/outages/} for {@code /api/v1/outages/42}). A route with its
 * own {@code executor} is handed to it after the request headers are read, so long-lived responses (SSE
 * streams) never hold the threads that serve {@code /metrics}; the server shuts such an executor down when
 * it closes. Without one, the route runs on the server's small shared pool.
 */
public record Route(String path, boolean exact, Access access, Executor executor, HttpHandler handler) {

  /** Who may call a route. */
  public enum Access {
    /** Never asks for credentials, even when the server has an authenticator (liveness probes). */
    PUBLIC,
    /** Asks for credentials when the server has an authenticator (web config with users), else open. */
    SITE,
    /** Always needs credentials: without an authenticator on the server it answers 403, never opens up. */
    AUTHENTICATED
  }

  public Route {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("route path must start with /: " + path);
    }
    if (handler == null || access == null) {
      throw new IllegalArgumentException("route " + path + " needs a handler and an access rule");
    }
  }

  /** A route answering exactly {@code path}, with {@link Access#SITE} access, on the shared pool. */
  public static Route exact(String path, HttpHandler handler) {
    return new Route(path, true, Access.SITE, null, handler);
  }

  /** A route answering {@code path} and everything under it. */
  public static Route prefix(String path, HttpHandler handler) {
    return new Route(path, false, Access.SITE, null, handler);
  }

  public Route access(Access a) {
    return new Route(path, exact, a, executor, handler);
  }

  /** Runs this route's requests on {@code e} (owned by the server from now on: shut down on close). */
  public Route executor(Executor e) {
    return new Route(path, exact, access, e, handler);
  }
}
