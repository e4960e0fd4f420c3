package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.hpcstatus.exporter.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory decides whether accounting runs: off, auto (skip with a warning) or required. */
class ExporterWiringTest {

  @TempDir
  Path tmp;

  Exporter exporter(String enabled) {
    return new Exporter(ConfigLoader.parse("slurm: {bin_dir: /nonexistent-bin}\naccounting: {state_dir: " + tmp
        + (enabled == null ? "" : ", enabled: " + enabled) + "}\n"));
  }

  @Test
  void explicitlyEnabledWithoutSacctIsAStartupError() {
    try (Exporter e = exporter("true")) {
      assertThatThrownBy(e::accountingService).isInstanceOf(ConfigException.class)
          .hasMessageContaining("/accounting/enabled").hasMessageContaining("sacct not found in /nonexistent-bin");
    }
    try (Exporter e = exporter(null)) {
      assertThat(e.accountingService()).isNull();
    }
    try (Exporter e = exporter("false")) {
      assertThat(e.accountingService()).isNull();
    }
  }

  @Test
  void oneSacctRunnerForEveryAccountingUse() {
    try (Exporter e = exporter(null)) {
      assertThat(e.sacctRunner()).isSameAs(e.sacctRunner()).isNotSameAs(e.runner());
    }
  }
}
