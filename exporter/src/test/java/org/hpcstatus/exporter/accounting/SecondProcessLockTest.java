package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hpcstatus.exporter.testing.BoundedCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second instance on the same state directory, in another process (StateStoreTest's in-process check only
 * meets the JVM's own OverlappingFileLockException, not the kernel's lock): refused with a message naming the
 * holder while the first runs — through the API and through the real {@code backfill} command — and able to
 * start once the holder is gone, even when it died by SIGKILL (the kernel drops a dead process's locks).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // hang guard only
class SecondProcessLockTest {

  @TempDir
  Path tmp;

  private Process holder;

  @AfterEach
  void killHolder() {
    if (holder != null) {
      holder.destroyForcibly();
    }
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Starts {@link LockHolder} on {@code root/cluster} and waits until it holds the lock. */
  private Process hold(Path root, String cluster) throws Exception {
    Process p = new ProcessBuilder(java(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        LockHolder.class.getName(), root.toString(), cluster).redirectErrorStream(true).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    String line;
    while ((line = r.readLine()) != null) {
      out.append(line).append('\n');
      if (line.startsWith("HELD ")) {
        return p;
      }
    }
    throw new AssertionError("lock holder ended without taking the lock:\n" + out);
  }

  /** The real CLI: {@code backfill} of one month, in its own JVM, against a sacct that finds no jobs. */
  private BoundedCommand.Result backfill(Path root) throws Exception {
    Path bin = tmp.resolve("bin");
    Files.createDirectories(bin);
    Path sacct = bin.resolve("sacct");
    Files.writeString(sacct, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(sacct, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = tmp.resolve("config.yaml");
    Files.writeString(config, "cluster: synth\nslurm:\n  bin_dir: " + bin + "\naccounting:\n  state_dir: " + root
        + "\n");
    List<String> argv = new ArrayList<>(List.of(java(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        "org.hpcstatus.exporter.Main", "backfill", "--config", config.toString(), "--since", "2026-01-01",
        "--until", "2026-02-01"));
    BoundedCommand.Result r = BoundedCommand.run(argv, Map.of(), Duration.ofMinutes(2));
    assertThat(r.timedOut()).as("backfill finished: " + r.out()).isFalse();
    return r;
  }

  @Test
  void aSecondProcessIsRefusedWhileTheFirstHoldsTheLockAndStartsOnceItIsGone() throws Exception {
    Path root = tmp.resolve("state");
    holder = hold(root, "synth");
    String pid = "pid=" + holder.pid();

    // through the API, in this JVM: the kernel's lock, held by the other process
    assertThatThrownBy(() -> StateStore.open(root, "synth"))
        .isInstanceOf(StateLockedException.class)
        .hasMessageContaining("accounting state directory " + root.resolve("synth"))
        .hasMessageContaining("is locked by another process (" + pid + " host=")
        .hasMessageContaining("only one exporter or backfill may use it at a time");

    // through the command an operator runs
    BoundedCommand.Result refused = backfill(root);
    assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
    assertThat(refused.out()).contains("backfill: accounting state directory").contains("is locked by another process ("
        + pid + " host=").doesNotContain("backfill done");

    // the holder dies without cleaning up (SIGKILL): the kernel releases its lock
    assertThat(holder.toHandle().destroyForcibly()).isTrue();
    assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(holder.exitValue()).isEqualTo(137);

    BoundedCommand.Result started = backfill(root);
    assertThat(started.exit()).as(started.out()).isZero();
    assertThat(started.out()).contains("backfill done");
    try (StateStore again = StateStore.open(root, "synth")) {
      assertThat(again.dir()).isEqualTo(root.resolve("synth"));
    }
  }

  @Test
  void aHolderThatExitsNormallyReleasesTheLock() throws Exception {
    Path root = tmp.resolve("state");
    holder = hold(root, "synth");
    assertThatThrownBy(() -> StateStore.open(root, "synth")).isInstanceOf(StateLockedException.class);
    holder.getOutputStream().close(); // its stdin ends: it closes the store and exits
    String rest = new String(holder.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(holder.exitValue()).as(rest).isZero();
    assertThat(rest).contains("RELEASED");
    try (StateStore again = StateStore.open(root, "synth")) {
      assertThat(Files.readString(again.dir().resolve(StateStore.LOCK)))
          .contains("pid=" + ProcessHandle.current().pid()); // the lock file names the new holder
    }
  }
}
