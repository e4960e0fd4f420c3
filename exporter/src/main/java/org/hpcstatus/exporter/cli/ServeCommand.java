package org.hpcstatus.exporter.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.config.ListenAddress;
import org.hpcstatus.exporter.web.WebServer;
import org.hpcstatus.exporter.web.security.WebSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Polls in the background and serves the last results on /metrics. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve /metrics (default).")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin
  CommonOptions options;

  @Option(names = "--web.config.file", paramLabel = "FILE",
      description = "Web config file in the Prometheus exporter-toolkit format (TLS, basic auth, headers);"
          + " re-read when it or its TLS files change. See docs/deploy.md.")
  Path webConfig;

  /** The web config file's security, or none; a bad file is a config error naming the flag, file and key. */
  WebSecurity security() {
    if (webConfig == null) {
      return WebSecurity.none();
    }
    try {
      return WebSecurity.load(webConfig);
    } catch (ConfigException e) {
      throw new ConfigException("--web.config.file=" + webConfig, e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    Config config = options.load();
    ListenAddress addr = ListenAddress.parse("/web/listen_address", config.web().listenAddress());
    WebSecurity security = security();
    Exporter exporter = new Exporter(config).reloadFrom(options::load);
    // listen first, then start polling: /metrics answers 503 until the cluster name is known (tens of
    // milliseconds), then the data as each collector delivers it
    WebServer server = exporter.serve(addr.host(), addr.port(), security);
    exporter.start();
    LOG.info("hpc-status-exporter {} serving {} on {}:{}{}", exporter.self().version(),
        security.config().tlsEnabled() ? "HTTPS" : "HTTP", addr.host() == null ? "*" : addr.host(), server.port(),
        security.config().authEnabled() ? " (basic auth: " + security.config().basicAuthUsers().size() + " users)" : "");
    ReloadSignal.install(exporter);
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
