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
    for (int i = 0; i < 3; i++) {                // and at random moments
      Process p = start(crashed);
      Thread.sleep(300 + rnd.nextInt(1200));
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    runToCompletion(crashed);
    Totals got = StateStore.json().readValue(crashed.resolve("totals-out.json").toFile(), Totals.class);
    assertThat(got).isEqualTo(expected);
  }
}
