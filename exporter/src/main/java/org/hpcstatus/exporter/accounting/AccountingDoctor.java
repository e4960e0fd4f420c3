package org.hpcstatus.exporter.accounting;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hpcstatus.exporter.core.ClusterName;
import org.hpcstatus.exporter.core.CommandException;
import org.hpcstatus.exporter.core.CommandRunner;

/**
 * {@code probe}'s accounting section: is sacct usable (one tiny query in the exporter's own format), is the
 * state directory there and writable, who holds its lock, where the cursor is and how far behind, and the
 * last failed step. Read-only: it never takes the lock (a running exporter holds it) and never changes the
 * state; the only write is a probe file created and deleted in the state directory.
 */
public final class AccountingDoctor {

  /** How a finding counts: FAIL makes enabled accounting unusable. */
  public enum Level { OK, INFO, WARN, FAIL }

  public record Finding(String what, Level level, String detail) {}

  /** The findings, and whether accounting is on (as {@code serve} would decide) but cannot work. */
  public record Report(String mode, List<Finding> findings, boolean enabled) {
    public boolean unusable() {
      return enabled && findings.stream().anyMatch(f -> f.level() == Level.FAIL);
    }

    public void print(PrintStream out) {
      out.println("== Accounting (" + mode + ")");
      for (Finding f : findings) {
        out.printf(Locale.ROOT, "  %-16s %-4s %s%n", f.what(), f.level(), f.detail());
      }
    }
  }

  /** A window short enough to be cheap for slurmdbd, in exactly the format ingest uses. */
  static final Duration PROBE_WINDOW = Duration.ofMinutes(1);

  private AccountingDoctor() {}

  public static Report examine(AccountingConfig config, String cluster, CommandRunner runner, Clock clock) {
    if (Boolean.FALSE.equals(config.enabled())) {
      return new Report("disabled in the config", List.of(), false);
    }
    boolean explicit = Boolean.TRUE.equals(config.enabled());
    List<Finding> f = new ArrayList<>();
    Level missing = explicit ? Level.FAIL : Level.INFO;

    Optional<Path> sacct = runner.locate("sacct");
    if (sacct.isEmpty()) {
      f.add(new Finding("sacct", missing, "not found" + (explicit ? "" : " (accounting stays off: auto mode)")));
    } else {
      f.add(query(runner, sacct.get(), clock));
    }
    Path root = Path.of(config.stateDir());
    Finding dir = stateDir(root);
    if (dir.level() == Level.FAIL && !explicit) {
      dir = new Finding(dir.what(), Level.INFO, dir.detail() + " (accounting stays off: auto mode)");
    }
    f.add(dir);
    boolean on = explicit || (sacct.isPresent() && dir.level() != Level.INFO); // as Accounting.create decides
    if (cluster == null || cluster.equals(ClusterName.UNKNOWN)) {
      f.add(new Finding("cluster", on ? Level.FAIL : Level.INFO,
          "cluster name unknown (scontrol show config failed?): the state directory cannot be chosen; set `cluster:`"));
    } else {
      Path cdir = StateStore.clusterDir(root, cluster);
      f.add(lock(cdir));
      f.addAll(state(cdir, clock));
    }
    return new Report(explicit ? "enabled: true" : on ? "auto: on" : "auto: off", f, on);
  }

  private static Finding query(CommandRunner runner, Path exe, Clock clock) {
    Instant end = clock.instant();
    long start = System.nanoTime();
    try {
      SacctParser.Counts[] c = new SacctParser.Counts[1];
      SacctSource.of(runner).fetch(end.minus(PROBE_WINDOW), end, in -> c[0] = new SacctParser().scan(in, r -> { }));
      long ms = (System.nanoTime() - start) / 1_000_000;
      String rows = c[0].jobs + " job(s), " + c[0].steps + " step line(s) ended in the last minute";
      return c[0].malformed() > 0
          ? new Finding("sacct", Level.WARN, exe + ": answered in " + ms + " ms, but " + c[0].malformed()
              + " line(s) not understood: " + org.hpcstatus.exporter.core.Parsed.of(null, c[0].errors).samples())
          : new Finding("sacct", Level.OK, exe + ": answered in " + ms + " ms (" + rows + ")");
    } catch (CommandException | IOException | RuntimeException e) {
      return new Finding("sacct", Level.FAIL, exe + ": " + e.getMessage());
    }
  }

  private static Finding stateDir(Path root) {
    Path existing = root;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      return new Finding("state_dir", Level.FAIL, root + ": no existing parent directory");
    }
    if (!existing.equals(root)) {
      return Files.isWritable(existing)
          ? new Finding("state_dir", Level.OK, root + ": does not exist yet; " + existing + " is writable, serve creates it")
          : new Finding("state_dir", Level.FAIL, root + ": does not exist and " + existing + " is not writable");
    }
    try {
      Path probe = Files.createTempFile(root, ".probe-", ".tmp");
      Files.delete(probe);
      return new Finding("state_dir", Level.OK, root + ": exists, writable");
    } catch (IOException e) {
      return new Finding("state_dir", Level.FAIL, root + ": not writable (" + e.getMessage() + ")");
    }
  }

  /** Who holds the lock: Linux lists POSIX locks with the holder's pid in /proc/locks (this host only). */
  private static Finding lock(Path cdir) {
    Path lock = cdir.resolve(StateStore.LOCK);
    if (!Files.exists(lock)) {
      return new Finding("lock", Level.INFO, "not held (" + cdir + " has not been used yet)");
    }
    Optional<Long> pid = holderPid(lock);
    if (pid.isPresent() && pid.get() == ProcessHandle.current().pid()) {
      // never open the file here: closing any descriptor of it would drop this process's own POSIX lock
      return new Finding("lock", Level.INFO, "held by pid " + pid.get() + " on this host (this process)");
    }
    String written = read(lock).orElse("").strip();
    if (pid.isPresent()) {
      return new Finding("lock", Level.INFO, "held by pid " + pid.get() + " on this host"
          + (written.isEmpty() ? "" : " — lock file says: " + written));
    }
    return new Finding("lock", Level.INFO, (Files.isReadable(Path.of("/proc/locks"))
        ? "not held by any process on this host (a holder on another host of a shared filesystem is not visible)"
        : "holder unknown (no /proc/locks)") + (written.isEmpty() ? "" : " — last holder: " + written));
  }

  static Optional<Long> holderPid(Path lock) {
    try {
      long inode = (Long) Files.getAttribute(lock, "unix:ino");
      for (String l : Files.readAllLines(Path.of("/proc/locks"), StandardCharsets.US_ASCII)) {
        String[] f = l.trim().split("\\s+");
        // "1: POSIX  ADVISORY  WRITE 24612 fe:00:2147778 0 EOF"
        if (f.length > 5 && f[1].equals("POSIX") && f[5].endsWith(":" + inode)) {
          return Optional.of(Long.parseLong(f[4]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no unix attributes: unknown
    }
    return Optional.empty();
  }

  private static List<Finding> state(Path cdir, Clock clock) {
    List<Finding> f = new ArrayList<>();
    Path file = cdir.resolve(StateStore.STATE);
    long now = clock.instant().getEpochSecond();
    if (!Files.exists(file)) {
      f.add(new Finding("cursor", Level.INFO, "no state yet: counting starts at the first serve (use `backfill` for history)"));
    } else {
      try {
        AccountingState st = StateStore.json().readValue(file.toFile(), AccountingState.class);
        if (st.cursor < 0) {
          f.add(new Finding("cursor", Level.INFO, "not set yet (" + st.totals.jobCount() + " jobs counted)"));
        } else {
          f.add(new Finding("cursor", Level.OK, Instant.ofEpochSecond(st.cursor) + ", lag "
              + lag(Math.max(0, now - st.cursor)) + ", " + st.totals.jobCount()
              + " jobs counted, commit #" + st.generation));
        }
        if (st.backfill != null && !st.backfill.done()) {
          f.add(new Finding("backfill", Level.INFO, "pending since " + Instant.ofEpochSecond(st.backfill.since)
              + ", done until " + Instant.ofEpochSecond(st.backfill.doneUntil) + " of "
              + Instant.ofEpochSecond(st.backfill.until)));
        }
        if (!st.rebuildMonths.isEmpty()) {
          f.add(new Finding("rebuild", Level.WARN, "bitmaps to rebuild from sacct: " + st.rebuildMonths));
        }
      } catch (IOException | RuntimeException e) {
        f.add(new Finding("cursor", Level.WARN, file + " is unreadable (" + e.getMessage()
            + "); serve will quarantine it and rebuild from sacct"));
      }
    }
    Optional<String> err = read(cdir.resolve(StateStore.LAST_ERROR)).map(String::strip);
    f.add(err.isPresent() && !err.get().isEmpty()
        ? new Finding("last error", Level.WARN, err.get())
        : new Finding("last error", Level.OK, "none (the last step succeeded)"));
    return f;
  }

  static String lag(long s) {
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    if (s < 86400) {
      return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
    }
    return s / 86400 + "d" + (s % 86400 / 3600 == 0 ? "" : s % 86400 / 3600 + "h");
  }

  private static Optional<String> read(Path p) {
    try {
      return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
