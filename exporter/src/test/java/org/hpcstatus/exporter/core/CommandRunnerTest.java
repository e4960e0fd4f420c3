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

  /** Waits (up to 10 s) for the process whose pid is in {@code pidFile} to be gone. */
  private static void assertKilled(Path pidFile) throws Exception {
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(100);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid + " killed").isFalse();
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
    // 3 s: long enough that even a loaded machine's bash has started its child and written the pid file
    assertThatThrownBy(() -> runner(Duration.ofSeconds(3), 1024, self).run("squeue", List.of("squeue"), false))
        .isInstanceOf(CommandException.class)
        .satisfies(e -> assertThat(((CommandException) e).reason()).isEqualTo(CommandException.Reason.TIMEOUT));
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(elapsedMs).as("returned long before the 60 s sleep").isLessThan(30_000);
    assertKilled(pidFile); // the grandchild must be gone too
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

  @Test
  @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // hang guard only
  void endlessOutputIsKilledAtTheCapNotAtTheTimeout() throws Exception {
    Path pidFile = bin.resolve("yes.pid");
    // prints forever: only the cap can end this call before its 1 h timeout
    script("squeue", "echo $$ > " + pidFile + "; exec yes 'x|y|z'");
    SelfMetrics self = new SelfMetrics();
    assertThatThrownBy(() -> runner(Duration.ofHours(1), 1 << 20, self).run("squeue", List.of("squeue"), false))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("output exceeded 1048576 bytes")
        .satisfies(e -> assertThat(((CommandException) e).reason())
            .isEqualTo(CommandException.Reason.OUTPUT_TOO_LARGE));
    assertKilled(pidFile);
    assertThat(self.failureCount("squeue", "output_too_large")).isEqualTo(1);
    assertThat(self.failureCount("squeue", "timeout")).isZero();
  }

  @Test
  void hugeOutputIsNotReadToItsEndOnceOverTheCap() throws Exception {
    // 200 MB, then a marker: a runner that drained the rest (holding or dropping it) would let the marker
    // be written; one that kills the tree at the cap never lets the script get that far
    Path done = bin.resolve("finished");
    script("sinfo", "head -c 200000000 /dev/zero | tr '\\0' 'x'; touch " + done);
    SelfMetrics self = new SelfMetrics();
    assertThatThrownBy(() -> runner(Duration.ofHours(1), 1 << 20, self).run("sinfo", List.of("sinfo"), false))
        .isInstanceOf(CommandException.class)
        .satisfies(e -> assertThat(((CommandException) e).reason())
            .isEqualTo(CommandException.Reason.OUTPUT_TOO_LARGE));
    assertThat(done).as("the 200 MB were not drained to their end").doesNotExist();
  }

  @Test
  void outputExactlyAtTheCapIsKeptWhole() throws Exception {
    script("sdiag", "head -c 1000 /dev/zero | tr '\\0' 'x'");
    CommandResult r = runner(Duration.ofSeconds(30), 1000, new SelfMetrics()).run("sdiag", List.of("sdiag"), false);
    assertThat(r.stdout()).hasSize(1000);
  }

  @Test
  void theCappedBufferNeverHoldsMoreThanTheCap() throws Exception {
    CommandRunner.CappedStream out = new CommandRunner.CappedStream(1 << 20);
    byte[] tenMb = new byte[10 << 20];
    java.util.Arrays.fill(tenMb, (byte) 'x');
    assertThatThrownBy(() -> out.fill(new java.io.ByteArrayInputStream(tenMb)))
        .isInstanceOf(CommandRunner.CappedStream.Overflow.class);
    assertThat(out.overflowed()).isTrue();
    assertThat(out.text()).hasSize(1 << 20);
  }

  // ---- stdout as a stream

  private static List<String> lines(java.io.InputStream in, List<String> seen) throws java.io.IOException {
    var r = new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
    String l;
    while ((l = r.readLine()) != null) {
      seen.add(l);
    }
    return seen;
  }

  /** Streams the fake sacct's lines into {@code seen} and returns the failure the call must end with. */
  private CommandException streamFailure(Duration timeout, SelfMetrics self, List<String> seen) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> runner(timeout, 1000, self)
        .stream("sacct", List.of("sacct"), in -> lines(in, seen)));
    assertThat(t).isInstanceOf(CommandException.class);
    return (CommandException) t;
  }

  @Test
  void streamHandsOverOutputWhileTheProcessRunsWithTheSameArgvAndEnvironment() throws Exception {
    // the script only goes on once the reader has seen its first line: a buffering runner would deadlock
    // (and time out) here
    Path go = bin.resolve("go");
    script("sacct", "printf '[%s]' \"$@\"; echo \" TZ=$TZ FMT=$SLURM_TIME_FORMAT LC=$LC_ALL\"\n"
        + "while [ ! -e " + go + " ]; do sleep 0.05; done\necho second");
    SelfMetrics self = new SelfMetrics();
    List<String> seen = runner(Duration.ofSeconds(60), 10, self).stream("sacct", List.of("sacct", "a b", "$(x)"), in -> {
      var r = new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
      List<String> got = new java.util.ArrayList<>();
      got.add(r.readLine());
      Files.writeString(go, "");
      String l;
      while ((l = r.readLine()) != null) {
        got.add(l);
      }
      return got;
    });
    assertThat(seen).containsExactly("[a b][$(x)] TZ=UTC FMT=standard LC=C", "second");
    assertThat(self.failureCount("sacct", "exit_code") + self.failureCount("sacct", "timeout")).isZero();
  }

  @Test
  void streamHasNoOutputCap() throws Exception {
    script("sacct", "head -c 3000000 /dev/zero | tr '\\0' 'x'");
    long n = runner(Duration.ofSeconds(60), 1000, new SelfMetrics()).stream("sacct", List.of("sacct"),
        in -> in.transferTo(java.io.OutputStream.nullOutputStream()));
    assertThat(n).isEqualTo(3_000_000);
  }

  @Test
  void streamFailsOnNonZeroExitAfterPartialOutput() throws Exception {
    script("sacct", "echo row1; echo row2; echo 'sacct: error: Problem talking to the database' >&2; exit 1");
    SelfMetrics self = new SelfMetrics();
    List<String> seen = new java.util.ArrayList<>();
    assertThat(streamFailure(Duration.ofSeconds(30), self, seen))
        .hasMessageContaining("exit code 1").hasMessageContaining("Problem talking to the database");
    assertThat(seen).as("the reader saw the partial output before the failure").containsExactly("row1", "row2");
    assertThat(self.failureCount("sacct", "exit_code")).isEqualTo(1);
  }

  @Test
  void streamTimesOutMidStreamAndKillsTheTree() throws Exception {
    Path pidFile = bin.resolve("child.pid");
    // the pid file is written before the first byte, so a reader that saw a byte knows it exists
    script("sacct", "sleep 60 & echo $! > " + pidFile + "; echo row1; wait");
    SelfMetrics self = new SelfMetrics();
    List<String> seen = new java.util.ArrayList<>();
    assertThat(streamFailure(Duration.ofSeconds(3), self, seen).reason()).isEqualTo(CommandException.Reason.TIMEOUT);
    assertThat(seen).containsExactly("row1");
    assertKilled(pidFile); // the grandchild must be gone too
    assertThat(self.failureCount("sacct", "timeout")).isEqualTo(1);
  }

  @Test
  void streamEndsAtTheTimeoutEvenWhenAProcessLeftBehindKeepsStdoutOpen() throws Exception {
    // the command exits at once, but a process it left behind still holds the pipe: the call must not wait
    // for that process's end
    Path pidFile = bin.resolve("orphan.pid");
    script("sacct", "echo row1; (sleep 60 & echo $! > " + pidFile + "); exit 0");
    SelfMetrics self = new SelfMetrics();
    List<String> seen = new java.util.ArrayList<>();
    try {
      long start = System.nanoTime();
      // Two outcomes are right, and which one happens depends on timing: the left-behind sleep is still in
      // the process tree when the command exits (killed with it: stdout ends, the call succeeds), or it was
      // already re-parented and holds the pipe (the call ends at its timeout). Never: waiting for the sleep.
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> runner(Duration.ofMillis(1500), 1000, self)
          .stream("sacct", List.of("sacct"), in -> lines(in, seen)));
      assertThat((System.nanoTime() - start) / 1_000_000).as("did not wait for the 60 s sleep").isLessThan(30_000);
      assertThat(seen).containsExactly("row1");
      if (t != null) {
        assertThat(t).isInstanceOf(CommandException.class);
        assertThat(((CommandException) t).reason()).isEqualTo(CommandException.Reason.TIMEOUT);
        assertThat(self.failureCount("sacct", "timeout")).isEqualTo(1);
      }
    } finally {
      if (Files.exists(pidFile)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  void aReaderThatThrowsKillsTheProcessAndItsExceptionIsRethrown() throws Exception {
    Path pidFile = bin.resolve("child.pid");
    // the pid file is written before the first byte, so a reader that saw a byte knows it exists
    script("sacct", "sleep 60 & echo $! > " + pidFile + "; echo row1; wait");
    SelfMetrics self = new SelfMetrics();
    assertThatThrownBy(() -> runner(Duration.ofSeconds(60), 1000, self).stream("sacct", List.of("sacct"), in -> {
      in.read();
      throw new IllegalStateException("parser bug");
    })).isInstanceOf(IllegalStateException.class).hasMessage("parser bug");
    assertThat(self.failureCount("sacct", "parse")).isEqualTo(1);
    assertKilled(pidFile); // the grandchild must be gone too
  }

  @Test
  void streamOfAMissingBinaryIsNotFound() {
    SelfMetrics self = new SelfMetrics();
    assertThatThrownBy(() -> runner(Duration.ofSeconds(5), 1024, self).stream("sacct", List.of("sacct"), in -> 0))
        .isInstanceOf(CommandException.class)
        .satisfies(e -> assertThat(((CommandException) e).reason()).isEqualTo(CommandException.Reason.NOT_FOUND));
    assertThat(self.failureCount("sacct", "not_found")).isEqualTo(1);
  }
}
