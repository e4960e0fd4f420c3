package org.hpcstatus.exporter.cli;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Polls in the background and serves the last results on /metrics. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve /metrics (default).")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin
  CommonOptions options;

  @Override
  public Integer call() throws Exception {
    Config config = options.load();
    ListenAddress addr = ListenAddress.parse("/web/listen_address", config.web().listenAddress());
    Exporter exporter = new Exporter(config);
    // listen first, then start polling: /metrics answers at once (self-metrics, then data as it comes)
    HTTPServer server = exporter.serve(addr.host(), addr.port());
    exporter.start();
    LOG.info("hpc-status-exporter {} serving on {}:{} (cluster={})", exporter.self().version(),
        addr.host() == null ? "*" : addr.host(), server.getPort(), exporter.cluster());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      exporter.close();
      stop.countDown();
    }, "shutdown"));
    stop.await();
    return 0;
  }

  public static String landingPage(Exporter exporter) {
    StringBuilder sb = new StringBuilder("<!doctype html><html><head><title>hpc-status-exporter</title></head><body>")
        .append("<h1>hpc-status-exporter</h1><p>cluster: ").append(esc(exporter.cluster()))
        .append("</p><p><a href=\"/metrics\">/metrics</a></p><h2>Collectors</h2><ul>");
    exporter.status().forEach((k, v) -> sb.append("<li>").append(esc(k)).append(": ").append(esc(v)).append("</li>"));
    return sb.append("</ul></body></html>").toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
