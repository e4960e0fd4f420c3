package org.hpcstatus.exporter.web.security;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** client_java's HTTPServer on 127.0.0.1:0 with a web-config applied; "/" is the open status page. */
final class TestServers {
  private TestServers() {}

  static HTTPServer start(WebSecurity sec) throws IOException {
    HTTPServer.Builder b = HTTPServer.builder().hostname("127.0.0.1").port(0).registry(new PrometheusRegistry())
        .authenticator(sec.authenticator(path -> !path.equals("/")))
        .defaultHandler(ex -> {
          byte[] body = (ex.getRequestURI().getPath().equals("/") ? "status page" : "secret stuff")
              .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    if (sec.httpsConfigurator() != null) {
      b.httpsConfigurator(sec.httpsConfigurator());
    }
    return b.buildAndStart();
  }
}
