package org.hpcstatus.exporter.cli;

import java.nio.file.Path;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.config.ListenAddress;
import picocli.CommandLine.Option;

/** Options shared by every subcommand. */
public final class CommonOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML config file (default: built-in defaults that work out of the box).")
  Path config;

  @Option(names = "--web.listen-address", paramLabel = "HOST:PORT",
      description = "Address to serve /metrics on (default :9850, or web.listen_address from the config).")
  String listenAddress;

  /** The validated config: the file (or the defaults) with the flags applied. */
  Config load() {
    Config c = config == null ? Config.defaults() : ConfigLoader.load(config);
    if (listenAddress == null) {
      return c;
    }
    ListenAddress.parse("/web/listen_address", listenAddress); // the flag stands in for the key
    return c.withListenAddress(listenAddress);
  }
}
