package org.hpcstatus.exporter.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.environment.EnvironmentUtils;

/**
 * Runs external commands (Slurm's CLI) safely: an argv list and never a shell, a hard timeout that
 * kills the whole process tree, a cap on captured output, and a fixed environment
 * ({@code TZ=UTC}, {@code SLURM_TIME_FORMAT=standard}, {@code LC_ALL=C}) so that timestamps and
 * numbers parse the same everywhere. Every run is recorded in {@link SelfMetrics} under its
 * command label (duration histogram, failures by reason).
 */
public class CommandRunner {

  private final Path binDir;
  private final Duration timeout;
  private final long maxOutputBytes;
  private final SelfMetrics self;

  public CommandRunner(Path binDir, Duration timeout, long maxOutputBytes, SelfMetrics self) {
    this.binDir = binDir;
    this.timeout = timeout;
    this.maxOutputBytes = maxOutputBytes;
    this.self = self;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Where {@code program} would be run from, if it exists. */
  public Optional<Path> locate(String program) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    if (binDir != null) {
      Path p = binDir.resolve(program);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Runs {@code argv} and returns its output. A non-zero exit is a failure unless {@code allowNonZero}.
   *
   * @param label the command's label in self-metrics, e.g. {@code "scontrol show nodes"}
   */
  public CommandResult run(String label, List<String> argv, boolean allowNonZero) throws CommandException {
    long start = System.nanoTime();
    try {
      CommandResult r = exec(label, argv, allowNonZero);
      self.commandFinished(label, Duration.ofNanos(System.nanoTime() - start), null);
      return r;
    } catch (CommandException e) {
      self.commandFinished(label, Duration.ofNanos(System.nanoTime() - start), e.reason());
      throw e;
    }
  }

  private CommandResult exec(String label, List<String> argv, boolean allowNonZero) throws CommandException {
    Path exe = locate(argv.get(0)).orElseThrow(() -> new CommandException(label, CommandException.Reason.NOT_FOUND,
        argv.get(0) + " not found" + (binDir != null ? " in " + binDir : " on PATH")));
    CommandLine cl = new CommandLine(exe.toString());
    for (String a : argv.subList(1, argv.size())) {
      cl.addArgument(a, false);
    }
    CappedStream out = new CappedStream(maxOutputBytes);
    CappedStream err = new CappedStream(64 * 1024);
    TreeKillingWatchdog watchdog = new TreeKillingWatchdog(timeout);
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setStreamHandler(new PumpStreamHandler(out, err));
    executor.setWatchdog(watchdog);
    executor.setExitValues(null); // we judge exit codes ourselves
    long start = System.nanoTime();
    int exit;
    try {
      exit = executor.execute(cl, environment());
    } catch (ExecuteException e) {
      exit = e.getExitValue();
    } catch (IOException e) {
      throw new CommandException(label, CommandException.Reason.IO_ERROR, e.getMessage());
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    if (watchdog.timedOut()) {
      throw new CommandException(label, CommandException.Reason.TIMEOUT,
          "killed after " + timeout.toMillis() + " ms timeout");
    }
    if (out.overflowed()) {
      throw new CommandException(label, CommandException.Reason.OUTPUT_TOO_LARGE,
          "output exceeded " + maxOutputBytes + " bytes");
    }
    String stderr = err.text().strip();
    if (exit != 0 && !allowNonZero) {
      throw new CommandException(label, CommandException.Reason.EXIT_CODE,
          "exit code " + exit + (stderr.isEmpty() ? "" : ": " + firstLine(stderr)));
    }
    return new CommandResult(out.text(), stderr, exit, elapsed);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static Map<String, String> environment() {
    Map<String, String> env;
    try {
      env = new HashMap<>(EnvironmentUtils.getProcEnvironment());
    } catch (IOException e) {
      env = new HashMap<>(System.getenv());
    }
    env.put("TZ", "UTC");
    env.put("SLURM_TIME_FORMAT", "standard");
    env.put("LC_ALL", "C");
    env.remove("SQUEUE_FORMAT");
    env.remove("SQUEUE_FORMAT2");
    env.remove("SINFO_FORMAT");
    env.remove("SACCT_FORMAT");
    return env;
  }

  /** Kills the process and all its descendants when the timeout fires. */
  static final class TreeKillingWatchdog extends ExecuteWatchdog {
    private volatile Process process;
    private volatile boolean timedOut;

    TreeKillingWatchdog(Duration timeout) {
      super(timeout.toMillis());
    }

    @Override
    public synchronized void start(Process p) {
      this.process = p;
      super.start(p);
    }

    @Override
    public synchronized void destroyProcess() {
      killTree();
      super.destroyProcess();
    }

    @Override
    public synchronized void timeoutOccured(org.apache.commons.exec.Watchdog w) {
      // our own flag: super's killedProcess() is only set if the process is still alive when it looks,
      // which it no longer is once we have killed the tree
      Process p = process;
      if (p != null && p.isAlive()) {
        timedOut = true;
      }
      killTree();
      super.timeoutOccured(w);
    }

    boolean timedOut() {
      return timedOut || killedProcess();
    }

    private void killTree() {
      Process p = process;
      if (p != null) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }

  /** Collects up to {@code cap} bytes and remembers whether more arrived (which it drains and drops). */
  static final class CappedStream extends OutputStream {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
    private final long cap;
    private boolean overflow;

    CappedStream(long cap) {
      this.cap = cap;
    }

    @Override
    public synchronized void write(int b) {
      if (buf.size() < cap) {
        buf.write(b);
      } else {
        overflow = true;
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      long room = cap - buf.size();
      if (len > room) {
        overflow = true;
        len = (int) Math.max(0, room);
      }
      buf.write(b, off, len);
    }

    synchronized boolean overflowed() {
      return overflow;
    }

    synchronized String text() {
      return buf.toString(StandardCharsets.UTF_8);
    }
  }
}
