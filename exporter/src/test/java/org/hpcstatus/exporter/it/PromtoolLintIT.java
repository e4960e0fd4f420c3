package org.hpcstatus.exporter.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.FakeSlurm;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promtool check metrics} (Prometheus' own linter: naming, units, suffixes, HELP) on the full
 * exposition, with every collector producing data (fake Slurm with the edge-case fixtures).
 */
class PromtoolLintIT {
  @TempDir
  Path tmp;

  @Test
  void promtoolFindsNothingToComplainAbout() throws Exception {
    Live.require(Files.isExecutable(Path.of("/usr/bin/promtool")), "promtool (Debian package prometheus)");
    FakeSlurm fake = new FakeSlurm(tmp);
    String text;
    try (Exporter e = new Exporter(ConfigLoader.parse(fake.config("5s")), new PrometheusRegistry())) {
      e.poller().runAllOnce();
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(bos, e.registry().scrape(),
          io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
      text = bos.toString(StandardCharsets.UTF_8);
    }
    assertThat(text).contains("slurm_nodes{").contains("slurm_rpc_calls_total{").contains("slurm_licenses{");
    Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as("promtool check metrics output").isEmpty();
    assertThat(p.exitValue()).isZero();
  }
}
