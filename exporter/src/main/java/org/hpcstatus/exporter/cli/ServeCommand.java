package org.hpcstatus.exporter.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.config.ListenAddress;
import org.hpcstatus.exporter.web.WebServer;
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
    // listen first, then start polling: /metrics answers 503 until the cluster name is known (tens of
    // milliseconds), then the data as each collector delivers it
    WebServer server = exporter.serve(addr.host(), addr.port());
    exporter.start();
    LOG.info("hpc-status-exporter {} serving on {}:{}", exporter.self().version(),
        addr.host() == null ? "*" : addr.host(), server.port());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      exporter.close();
      stop.countDown();
    }, "shutdown"));
    stop.await();
    return 0;
  }
}
