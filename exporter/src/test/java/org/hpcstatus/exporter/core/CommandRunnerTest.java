package org.hpcstatus.exporter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {

  @TempDir
  Path bin;

  private Path script(String name, String body) throws Exception {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private CommandRunner runner(Duration timeout, long cap, SelfMetrics self) {
    return new CommandRunner(bin, timeout, cap, self);
  }

  @Test
  void passesArgvVerbatimWithoutAShellAndSetsTheEnvironment() throws Exception {
    script("echoargs", "for a in \"$@\"; do printf '[%s]' \"$a\"; done; printf ' TZ=%s FMT=%s' \"$TZ\" \"$SLURM_TIME_FORMAT\"");
    SelfMetrics self = new SelfMetrics();
    CommandResult r = runner(Duration.ofSeconds(5), 1024, self)
        .run("echoargs", List.of("echoargs", "a b", "$(touch /tmp/pwned)", "x|y;z"), false);
    assertThat(r.stdout()).isEqualTo("[a b][$(touch /tmp/pwned)][x|y;z] TZ=UTC FMT=standard");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void missingBinaryIsNotFound() {
    SelfMetrics self = new SelfMetrics();
    assertThatThrownBy(() -> runner(Duration.ofSeconds(5), 1024, self).run("squeue", List.of("squeue"), false))
        .isInstanceOf(CommandException.class)
        .satisfies(e -> assertThat(((CommandException) e).reason()).isEqualTo(CommandException.Reason.NOT_FOUND));
    assertThat(self.failureCount("squeue", "not_found")).isEqualTo(1);
  }

  @Test
  void nonZeroExitIsAFailureWithStderrInTheMessage() throws Exception {
    script("sinfo", "echo 'slurm_load_partitions: Unable to contact slurm controller' >&2; exit 1");
    SelfMetrics self = new SelfMetrics();
    assertThatThrownBy(() -> runner(Duration.ofSeconds(5), 1024, self).run("sinfo", List.of("sinfo"), false))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("exit code 1")
        .hasMessageContaining("Unable to contact slurm controller");
    assertThat(self.failureCount("sinfo", "exit_code")).isEqualTo(1);
  }

  @Test
  void nonZeroExitIsAcceptedWhenAllowed() throws Exception {
    script("scontrol", "echo 'Slurmctld(primary) at a is DOWN'; exit 1");
    CommandResult r = runner(Duration.ofSeconds(5), 1024, new SelfMetrics()).run("ping", List.of("scontrol"), true);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stdout()).contains("DOWN");
  }

  @Test
  void hangingCommandIsKilledWithItsChildrenAtTheTimeout() throws Exception {
    Path pidFile = bin.resolve("child.pid");
    // the child sleeps in the background and keeps stdout open: a naive runner would wait for it
    script("squeue", "sleep 60 & echo $! > " + pidFile + "; wait");
    SelfMetrics self = new SelfMetrics();
    long start = System.nanoTime();
    assertThatThrownBy(() -> runner(Duration.ofMillis(700), 1024, self).run("squeue", List.of("squeue"), false))
        .isInstanceOf(CommandException.class)
        .satisfies(e -> assertThat(((CommandException) e).reason()).isEqualTo(CommandException.Reason.TIMEOUT));
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(elapsedMs).as("returned long before the 60 s sleep").isLessThan(30_000);
    long childPid = Long.parseLong(Files.readString(pidFile).strip());
    // the grandchild must be gone too
    for (int i = 0; i < 50 && ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(100);
    }
    assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(self.failureCount("squeue", "timeout")).isEqualTo(1);
  }

  @Test
  void outputOverTheCapIsRejectedNotTruncated() throws Exception {
    script("sacct", "head -c 100000 /dev/zero | tr '\\0' 'x'");
    SelfMetrics self = new SelfMetrics();
    assertThatThrownBy(() -> runner(Duration.ofSeconds(10), 1000, self).run("sacct", List.of("sacct"), false))
        .isInstanceOf(CommandException.class)
        .satisfies(e -> assertThat(((CommandException) e).reason())
            .isEqualTo(CommandException.Reason.OUTPUT_TOO_LARGE));
  }
}
