package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hpcstatus.exporter.FakeSlurm;
import org.hpcstatus.exporter.Main;
import org.hpcstatus.exporter.core.CommandException;
import org.hpcstatus.exporter.core.CommandRunner;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code probe}'s accounting doctor against a fake sacct and temp state directories. */
class AccountingDoctorTest {
  static final String ROW = "7|7|c|alice|physics|batch|normal|COMPLETED|0:0|2026-01-01T00:00:00|"
      + "2026-01-01T00:00:00|2026-01-01T00:00:10|10|1|1|1G|cpu=1|n";

  @TempDir
  Path tmp;

  private Path sacct(String body) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path p = bin.resolve("sacct");
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  private static AccountingConfig config(Boolean enabled, Path stateDir) {
    return new AccountingConfig(enabled, stateDir.toString(), null, null, null, null, null, List.of(), 0, 100, null);
  }

  private static CommandRunner runner(Path bin) {
    return new CommandRunner(bin, Duration.ofSeconds(20), 1 << 20, new SelfMetrics());
  }

  private static AccountingDoctor.Finding finding(AccountingDoctor.Report r, String what) {
    return r.findings().stream().filter(f -> f.what().equals(what)).findFirst()
        .orElseThrow(() -> new AssertionError("no finding " + what + " in " + r));
  }

  private static String text(AccountingDoctor.Report r) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    r.print(new PrintStream(b, true, StandardCharsets.UTF_8));
    return b.toString(StandardCharsets.UTF_8);
  }

  @Test
  void healthyAccountingShowsQueryLockHolderCursorAndLag() throws Exception {
    Path args = tmp.resolve("args");
    Path bin = sacct("echo \"$@\" > " + args + "\necho '" + ROW + "'\necho '" + ROW.replace("7|7|", "7.batch|7.batch|") + "'");
    Path root = tmp.resolve("state");
    FakeClock clock = new FakeClock(SyntheticSacct.epoch("2026-01-02"));
    try (Harness h = new Harness(root, SacctSource.text((a, b) -> ROW + "\n"), Harness.config(0, 100), clock)) {
      h.engine.step(); // a live step: cursor = now
      clock.advanceSeconds(150);
      AccountingDoctor.Report r = AccountingDoctor.examine(config(true, root), "synth", runner(bin), clock);
      assertThat(r.unusable()).as(text(r)).isFalse();
      assertThat(r.enabled()).isTrue();
      assertThat(finding(r, "sacct").level()).isEqualTo(AccountingDoctor.Level.OK);
      assertThat(finding(r, "sacct").detail()).contains("1 job(s), 1 step line(s)");
      assertThat(Files.readString(args)).as("the exporter's own format, a one-minute window")
          .contains("-S 2026-01-02T00:01:30 -E 2026-01-02T00:02:30").contains("--format=" + SacctParser.FORMAT);
      assertThat(finding(r, "state_dir").level()).isEqualTo(AccountingDoctor.Level.OK);
      assertThat(finding(r, "lock").detail()).contains("held by pid " + ProcessHandle.current().pid())
          .contains("(this process)");
      assertThat(finding(r, "cursor").detail()).startsWith("2026-01-02T00:00:00Z, lag 2m30s, 1 jobs counted");
      assertThat(finding(r, "last error").level()).isEqualTo(AccountingDoctor.Level.OK);
      assertThat(text(r)).contains("== Accounting (enabled: true)");
    }
    AccountingDoctor.Report after = AccountingDoctor.examine(config(true, root), "synth", runner(bin), clock);
    assertThat(finding(after, "lock").detail()).contains("not held by any process on this host")
        .contains("last holder: pid=" + ProcessHandle.current().pid());
  }

  /** Holds the state lock of {@code args[0]}/c until its stdin closes. */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      try (StateStore s = StateStore.open(Path.of(args[0]), "c")) {
        System.out.println("LOCKED");
        System.out.flush();
        System.in.read();
      }
    }
  }

  @Test
  void aLockHeldByAnotherProcessNamesItsPid() throws Exception {
    Path bin = sacct("exit 0");
    Path root = tmp.resolve("state");
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), LockHolder.class.getName(), root.toString()).start();
    try {
      var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(r.readLine()).isEqualTo("LOCKED");
      AccountingDoctor.Report rep = AccountingDoctor.examine(config(true, root), "c", runner(bin),
          java.time.Clock.systemUTC());
      assertThat(finding(rep, "lock").detail()).startsWith("held by pid " + p.pid() + " on this host")
          .contains("lock file says: pid=" + p.pid());
      assertThatThrownBy(() -> StateStore.open(root, "c")).as("and it really is held")
          .isInstanceOf(StateLockedException.class);
    } finally {
      p.getOutputStream().close();
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void aFailedStepIsTheLastErrorUntilAStepSucceeds() throws Exception {
    Path bin = sacct("exit 0");
    Path root = tmp.resolve("state");
    boolean[] fail = {true};
    SacctSource.Text flaky = (a, b) -> {
      if (fail[0]) {
        throw new CommandException("sacct", CommandException.Reason.TIMEOUT, "killed after 300000 ms timeout");
      }
      return ROW + "\n";
    };
    FakeClock clock = new FakeClock(SyntheticSacct.epoch("2026-01-02"));
    try (Harness h = new Harness(root, flaky, Harness.config(0, 100), clock)) {
      assertThatThrownBy(h.engine::step).isInstanceOf(CommandException.class);
      AccountingDoctor.Report r = AccountingDoctor.examine(config(true, root), "synth", runner(bin), clock);
      assertThat(finding(r, "last error").level()).isEqualTo(AccountingDoctor.Level.WARN);
      assertThat(finding(r, "last error").detail())
          .isEqualTo("2026-01-02T00:00:00Z sacct: killed after 300000 ms timeout");
      assertThat(r.unusable()).as("a past failure is a warning, sacct answers now").isFalse();
      fail[0] = false;
      clock.advanceSeconds(60);
      h.engine.step();
      r = AccountingDoctor.examine(config(true, root), "synth", runner(bin), clock);
      assertThat(finding(r, "last error").level()).isEqualTo(AccountingDoctor.Level.OK);
    }
  }

  @Test
  void enabledWithFailingSacctIsUnusable() throws Exception {
    Path bin = sacct("echo 'sacct: error: Problem talking to the database: Connection refused' >&2; exit 1");
    AccountingDoctor.Report r = AccountingDoctor.examine(config(true, tmp.resolve("state")), "c", runner(bin),
        java.time.Clock.systemUTC());
    assertThat(r.unusable()).isTrue();
    assertThat(finding(r, "sacct").level()).isEqualTo(AccountingDoctor.Level.FAIL);
    assertThat(finding(r, "sacct").detail()).contains("exit code 1").contains("Connection refused");
    assertThat(finding(r, "state_dir").detail()).contains("does not exist yet").contains("serve creates it");
    assertThat(Files.exists(tmp.resolve("state"))).as("probe does not create the state directory").isFalse();
    assertThat(finding(r, "cursor").detail()).contains("no state yet");
  }

  @Test
  void missingSacctIsUnusableWhenEnabledAndJustOffInAutoMode() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    AccountingDoctor.Report on = AccountingDoctor.examine(config(true, tmp.resolve("s")), "c", runner(empty),
        java.time.Clock.systemUTC());
    assertThat(on.unusable()).isTrue();
    assertThat(finding(on, "sacct").detail()).isEqualTo("not found");
    AccountingDoctor.Report auto = AccountingDoctor.examine(config(null, tmp.resolve("s")), "c", runner(empty),
        java.time.Clock.systemUTC());
    assertThat(auto.unusable()).isFalse();
    assertThat(auto.enabled()).isFalse();
    assertThat(auto.mode()).isEqualTo("auto: off");
    AccountingDoctor.Report off = AccountingDoctor.examine(config(false, tmp.resolve("s")), "c", runner(empty),
        java.time.Clock.systemUTC());
    assertThat(off.findings()).isEmpty();
    assertThat(off.unusable()).isFalse();
  }

  @Test
  void unusableStateDirectoryAndUnknownClusterAreFailures() throws Exception {
    Path bin = sacct("exit 0");
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    AccountingDoctor.Report r = AccountingDoctor.examine(config(true, file.resolve("sub")), "unknown", runner(bin),
        java.time.Clock.systemUTC());
    assertThat(r.unusable()).isTrue();
    assertThat(finding(r, "state_dir").level()).isEqualTo(AccountingDoctor.Level.FAIL);
    assertThat(finding(r, "cluster").level()).isEqualTo(AccountingDoctor.Level.FAIL);
  }

  @Test
  void corruptStateIsAWarningNotAFailure() throws Exception {
    Path bin = sacct("exit 0");
    Path dir = Files.createDirectories(tmp.resolve("state").resolve("c"));
    Files.writeString(dir.resolve(StateStore.STATE), "{\"version\": 1, \"cursor\": ");
    AccountingDoctor.Report r = AccountingDoctor.examine(config(true, tmp.resolve("state")), "c", runner(bin),
        java.time.Clock.systemUTC());
    assertThat(finding(r, "cursor").level()).isEqualTo(AccountingDoctor.Level.WARN);
    assertThat(finding(r, "cursor").detail()).contains("unreadable").contains("quarantine");
    assertThat(r.unusable()).isFalse();
    assertThat(Files.readString(dir.resolve(StateStore.STATE))).as("read-only").startsWith("{\"version\": 1");
  }

  @Test
  void probeExitsNonZeroWhenAccountingIsEnabledButUnusable() throws Exception {
    FakeSlurm fake = new FakeSlurm(tmp.resolve("slurm"));
    Path sacct = fake.dir().resolve("sacct");
    Files.writeString(sacct, "#!/bin/sh\necho 'sacct: error: slurmdbd: Connection refused' >&2\nexit 1\n");
    Files.setPosixFilePermissions(sacct, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(cfg, fake.config("5s") + "accounting:\n  enabled: true\n  state_dir: " + tmp.resolve("st") + "\n");
    String[] outErr = new String[2];
    int rc = captured(outErr, "probe", "--config", cfg.toString());
    assertThat(rc).as(outErr[0] + outErr[1]).isEqualTo(1);
    assertThat(outErr[0]).contains("== Accounting (enabled: true)").containsPattern("sacct\\s+FAIL .*Connection refused");
    assertThat(outErr[1]).contains("accounting is enabled but not usable");

    Files.writeString(sacct, "#!/bin/sh\nexit 0\n");
    rc = captured(outErr, "probe", "--config", cfg.toString());
    assertThat(rc).as(outErr[0] + outErr[1]).isZero();
    assertThat(outErr[0]).containsPattern("sacct\\s+OK ").containsPattern("state_dir\\s+OK ");
  }

  private static int captured(String[] outErr, String... args) throws Exception {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return Main.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      outErr[0] = out.toString(StandardCharsets.UTF_8);
      outErr[1] = err.toString(StandardCharsets.UTF_8);
    }
  }
}
