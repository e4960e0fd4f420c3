package org.hpcstatus.exporter.cli;

import java.nio.file.Path;
import org.hpcstatus.exporter.config.Config;
import org.hpcstatus.exporter.config.ConfigLoader;
import picocli.CommandLine.Option;

/** Options shared by every subcommand. */
public final class CommonOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML config file (default: built-in defaults that work out of the box).")
  Path config;

  @Option(names = "--web.listen-address", paramLabel = "HOST:PORT",
      description = "Address to serve /metrics on (default :9850, or web.listen_address from the config).")
  String listenAddress;

  Config load() {
    Config c = config == null ? Config.defaults() : ConfigLoader.load(config);
    if (listenAddress != null) {
      c = new Config(c.cluster(), new Config.Web(listenAddress), c.slurm(), c.collectors(), c.jobs(),
          c.accounting(), c.services());
    }
    return c;
  }
}
