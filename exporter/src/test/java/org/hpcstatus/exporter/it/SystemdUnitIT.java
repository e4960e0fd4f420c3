package org.hpcstatus.exporter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code systemd-analyze verify} on deploy/systemd/hpc-status-exporter.service: it parses the unit without a
 * running systemd (PID 1 need not be systemd) and fails on a missing ExecStart binary; unknown or
 * misspelt keys are only warnings there, so any line naming the unit counts as a failure here. If
 * {@code /usr/bin/java} does not exist (a JDK elsewhere), a copy points ExecStart at the running java.
 */
class SystemdUnitIT {
  static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");

  @TempDir
  Path tmp;

  static Path unit() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path f = p.resolve("deploy/systemd/hpc-status-exporter.service");
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    throw new AssertionError("deploy/systemd/hpc-status-exporter.service not found");
  }

  static String verify(Path unit) throws Exception {
    Process p = new ProcessBuilder(ANALYZE.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + "\n" + out;
  }

  @Test
  void unitVerifiesCleanly() throws Exception {
    Live.require(Files.isExecutable(ANALYZE), "systemd-analyze (Debian package systemd)");
    String text = Files.readString(unit());
    if (!Files.isExecutable(Path.of("/usr/bin/java"))) {
      String java = ProcessHandle.current().info().command().orElseThrow();
      text = text.replace("ExecStart=/usr/bin/java ", "ExecStart=" + java + " ");
    }
    Path copy = tmp.resolve("hpc-status-exporter.service");
    Files.writeString(copy, text);
    String result = verify(copy);
    List<String> aboutUs = result.lines().skip(1).filter(l -> l.contains("hpc-status-exporter")).toList();
    assertThat(aboutUs).as("systemd-analyze verify complaints").isEmpty();
    assertThat(result).startsWith("0\n");
    for (String key : List.of("User=hpcstatus", "ProtectSystem=strict", "NoNewPrivileges=yes",
        "StateDirectory=hpc-status-exporter", "Restart=on-failure", "-XX:+UseSerialGC",
        "ExecReload=/bin/kill -HUP $MAINPID")) {
      assertThat(text).contains(key);
    }

    // the check can fail: a misspelt value and a missing binary are reported
    Path bad = tmp.resolve("bad.service");
    Files.writeString(bad, text.replace("ProtectSystem=strict", "ProtectSystem=strikt")
        .replaceAll("ExecStart=\\S+", "ExecStart=/nonexistent/java"));
    String badResult = verify(bad);
    assertThat(badResult).contains("strikt").contains("/nonexistent/java");
  }
}
