package org.hpcstatus.exporter.web.security;

import java.util.ArrayList;
import java.util.List;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.web.Route;

/**
 * {@code web.public_paths}: routes that stay open when the web config asks for credentials (typically
 * the status page {@code /}, so the public sees it while {@code /metrics} and write APIs need a user).
 */
public final class WebAccess {
  private WebAccess() {}

  /**
   * The routes with the listed ones made {@link Route.Access#PUBLIC}. A path that is no route, or a route
   * that always needs credentials ({@link Route.Access#AUTHENTICATED}: it writes), is a config error.
   */
  public static List<Route> withPublicPaths(List<Route> routes, List<String> publicPaths) {
    List<Route> out = new ArrayList<>(routes);
    for (int i = 0; i < publicPaths.size(); i++) {
      String p = publicPaths.get(i);
      int at = -1;
      for (int j = 0; j < out.size(); j++) {
        if (out.get(j).path().equals(p)) {
          at = j;
        }
      }
      if (at < 0) {
        throw new ConfigException("/web/public_paths/" + i, "no route " + p + "; routes: "
            + routes.stream().map(Route::path).toList());
      }
      if (out.get(at).access() == Route.Access.AUTHENTICATED) {
        throw new ConfigException("/web/public_paths/" + i, p + " changes state and always needs credentials");
      }
      out.set(at, out.get(at).access(Route.Access.PUBLIC));
    }
    return out;
  }
}
