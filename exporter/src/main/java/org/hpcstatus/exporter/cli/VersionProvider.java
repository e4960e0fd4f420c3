package org.hpcstatus.exporter.cli;

import org.hpcstatus.exporter.core.SelfMetrics;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"hpc-status-exporter " + new SelfMetrics().version()};
  }
}
