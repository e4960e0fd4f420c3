package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL in the middle of state writes (at known points via the commit hook,
 * and at random moments) and checks that after a restart the totals equal those of an uninterrupted run.
 */
class CrashTest {

  @TempDir
  Path tmp;

  private static Process start(Path dir, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString()));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private static void runToCompletion(Path dir) throws Exception {
    Process p = start(dir);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("DONE");
  }

  /** Starts the child with a hook, waits until it hangs inside the write, and SIGKILLs it. */
  private static void killAt(Path dir, String stage, int n) throws Exception {
    Process p = start(dir, stage, String.valueOf(n));
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    boolean mid = false;
    while ((line = r.readLine()) != null) {
      if (line.startsWith("MIDWRITE")) {
        mid = true;
        break;
      }
    }
    assertThat(mid).as("child reached " + stage + " #" + n).isTrue();
    p.destroyForcibly(); // SIGKILL on Unix
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(137);
  }

  /**
   * Starts the child, waits for its k-th commit (random k, leaving several months to go), waits a random
   * 0–30 ms and SIGKILLs it; asserts it was really killed mid-run (alive, exit 137, never reached DONE).
   * (Killing at a fixed 0.3–1.5 s mostly hit JVM start-up, before any commit: that tested nothing.)
   */
  private static void killRandomly(Path dir, Random rnd) throws Exception {
    Process p = start(dir, "random");
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    int target = -1;
    int commit = 0;
    String line;
    while ((line = r.readLine()) != null) {
      out.append(line).append('\n');
      if (line.startsWith("START ")) {
        String[] doneTotal = line.substring(6).split("/");
        int left = Integer.parseInt(doneTotal[1]) - Integer.parseInt(doneTotal[0]);
        assertThat(left).as("months left for a random kill").isGreaterThanOrEqualTo(5);
        // one commit per month from here on; at least 3 months stay after the target commit
        target = commit + 1 + rnd.nextInt(Math.min(6, left - 3));
      } else if (line.startsWith("COMMIT ")) {
        commit = Integer.parseInt(line.substring(7));
        if (commit == target) {
          break;
        }
      }
    }
    assertThat(line).as("child reached commit #" + target + ":\n" + out).isNotNull();
    Thread.sleep(rnd.nextInt(31));
    assertThat(p.isAlive()).as("child still running when killed:\n" + out).isTrue();
    // SIGKILL via the handle: Process.destroyForcibly() would also close our end of its stdout
    assertThat(p.toHandle().destroyForcibly()).isTrue();
    StringBuilder rest = new StringBuilder();
    while ((line = r.readLine()) != null) { // the pipe closes with the process
      rest.append(line).append('\n');
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    assertThat(rest.toString()).as("killed before the run finished").doesNotContain("DONE");
    System.out.println("random kill after commit #" + target + ", then printed: " + rest.toString().strip()
        .replace('\n', ' '));
  }

  @Test
  void sigkillDuringStateWritesThenRestartGivesTheSameTotals() throws Exception {
    Path clean = tmp.resolve("clean");
    runToCompletion(clean);
    Totals expected = StateStore.json().readValue(clean.resolve("totals-out.json").toFile(), Totals.class);
    Harness.assertMatches(expected, CrashChild.data());

    Path crashed = tmp.resolve("crashed");
    killAt(crashed, "bitmaps-written", 4);      // new bitmaps on disk, state.json not yet renamed
    killAt(crashed, "state-temp-written", 3);   // temp state fsynced, rename not done
    killAt(crashed, "state-temp-written", 1);
    Random rnd = new Random(5);
    for (int i = 0; i < 3; i++) {                // and at random moments once committing has begun
      killRandomly(crashed, rnd);
    }
    runToCompletion(crashed);
    Totals got = StateStore.json().readValue(crashed.resolve("totals-out.json").toFile(), Totals.class);
    assertThat(got).isEqualTo(expected);
  }
}
