package org.hpcstatus.exporter;

import org.hpcstatus.exporter.cli.MainCommand;
import picocli.CommandLine;

/** Entry point: {@code java -jar hpc-status-exporter.jar [serve|print-metrics|probe] [--config FILE]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return new CommandLine(new MainCommand())
        .setExecutionExceptionHandler((ex, cmd, parsed) -> {
          cmd.getErr().println("error: " + ex.getMessage());
          return 2;
        })
        .execute(args);
  }
}
