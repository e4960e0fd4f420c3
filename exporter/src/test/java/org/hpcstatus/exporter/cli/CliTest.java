package org.hpcstatus.exporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hpcstatus.exporter.FakeSlurm;
import org.hpcstatus.exporter.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void badConfigNamesTheYamlPathAndExitsNonZero() throws Exception {
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(cfg, "collectors:\n  nodes:\n    interval: often\n");
    int rc = Main.run("print-metrics", "--config", cfg.toString());
    assertThat(rc).isNotZero();
    assertThat(err()).contains("/collectors/nodes/interval").contains("not a duration");
  }

  @Test
  void badListenAddressIsAConfigError() {
    int rc = Main.run("serve", "--web.listen-address", "nine-eight-five-zero");
    assertThat(rc).isNotZero();
    assertThat(err()).contains("/web/listen_address");
  }

  @Test
  void printMetricsPrintsOneCollection() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp.resolve("bin"));
    Path cfg = tmp.resolve("ok.yaml");
    Files.writeString(cfg, fake.config("5s"));
    int rc = Main.run("print-metrics", "--config", cfg.toString());
    assertThat(rc).isZero();
    assertThat(out()).contains("# TYPE slurm_nodes gauge")
        .contains("hpcstatus_collector_success{cluster=\"fakecluster\",collector=\"nodes\"} 1.0");
  }

  @Test
  void probeReportsCollectorsAndSucceedsWithSlurm() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp.resolve("bin"));
    Path cfg = tmp.resolve("ok.yaml");
    Files.writeString(cfg, fake.config("5s") + "collectors:\n  licenses: {enabled: false}\n");
    int rc = Main.run("probe", "--config", cfg.toString());
    assertThat(rc).isZero();
    assertThat(out()).contains("scontrol").contains("Slurmctld(primary) at ctl1 is UP")
        .containsPattern("nodes\\s+enabled\\s+every 15s\\s+scontrol -d -o show nodes\\s+ok")
        .containsPattern("licenses\\s+disabled")
        .contains("cluster label: fakecluster");
  }

  @Test
  void probeFailsWithoutSlurm() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path cfg = tmp.resolve("none.yaml");
    Files.writeString(cfg, "slurm:\n  bin_dir: " + empty + "\n");
    int rc = Main.run("probe", "--config", cfg.toString());
    assertThat(rc).isEqualTo(1);
    assertThat(out()).contains("NOT FOUND");
    assertThat(err()).contains("Slurm is not usable");
  }
}
