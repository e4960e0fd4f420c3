package org.hpcstatus.exporter.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Top-level command; without a subcommand it serves. */
@Command(name = "hpc-status-exporter", mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Prometheus exporter for Slurm clusters and the services around them.",
    subcommands = {ServeCommand.class, PrintMetricsCommand.class, ProbeCommand.class, BackfillCommand.class,
        HashPasswordCommand.class})
public final class MainCommand implements Callable<Integer> {

  @Mixin
  CommonOptions options;

  @Override
  public Integer call() throws Exception {
    ServeCommand serve = new ServeCommand();
    serve.options = options;
    return serve.call();
  }
}
