package org.hpcstatus.exporter.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteStreamHandler;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.environment.EnvironmentUtils;

/**
 * Runs external commands (Slurm's CLI) safely: an argv list and never a shell, a hard timeout that
 * kills the whole process tree, a cap on captured output (or stdout handed over as a stream, see
 * {@link #stream}), and a fixed environment
 * ({@code TZ=UTC}, {@code SLURM_TIME_FORMAT=standard}, {@code LC_ALL=C}) so that timestamps and
 * numbers parse the same everywhere. Every run is recorded in {@link SelfMetrics} under its
 * command label (duration histogram, failures by reason).
 */
public class CommandRunner {

  private final Path binDir;
  private final Duration timeout;
  private final long maxOutputBytes;
  private final SelfMetrics self;
  /** How much of a streamed command's stdout may wait for its reader. */
  static final int PIPE_BYTES = 256 * 1024;
  /** How long to wait for a killed process to be reaped (and for stderr to end) before giving up on it. */
  static final Duration KILL_GRACE = Duration.ofSeconds(2);

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
   * Output over the cap is a failure ({@code output_too_large}), never a truncated result: the process
   * tree is killed as soon as the cap is passed, so a command that prints endlessly costs at most the cap
   * in memory and ends at once, not at its timeout.
   *
   * @param label the command's label in self-metrics, e.g. {@code "scontrol show nodes"}
   */
  public CommandResult run(String label, List<String> argv, boolean allowNonZero) throws CommandException {
    try {
      return timed(label, () -> {
        CappedStream out = new CappedStream(maxOutputBytes);
        Finished<Void> f;
        try {
          f = exec(label, argv, allowNonZero, in -> {
            out.fill(in);
            return null;
          });
        } catch (CappedStream.Overflow e) {
          throw new CommandException(label, CommandException.Reason.OUTPUT_TOO_LARGE,
              "output exceeded " + maxOutputBytes + " bytes; the command was killed");
        }
        return new CommandResult(out.text(), f.stderr(), f.exit(), f.elapsed());
      });
    } catch (IOException e) {
      // only a reader can throw this, and ours only writes to memory
      throw new CommandException(label, CommandException.Reason.IO_ERROR, e.getMessage());
    }
  }

  /** Consumes a command's stdout as it is produced. */
  @FunctionalInterface
  public interface StdoutReader<T> {
    T read(InputStream stdout) throws IOException;
  }

  /**
   * Runs {@code argv} and hands its stdout to {@code reader} as a stream, on the calling thread, while the
   * process runs: only a small pipe buffer is held, and there is no output cap (the reader bounds what it
   * keeps). Same argv-only launch, environment and tree-killing timeout as {@link #run}; the timeout covers
   * the whole call, reading included (a read after it throws). The reader's result is returned only if the
   * process then exited 0 within the timeout; otherwise the call fails after the reader may already have
   * seen part of the output — a caller that acts on what it read must treat that as not having happened.
   *
   * <p>Failures, as in self-metrics: {@code not_found}, {@code timeout}, {@code exit_code} (message with the
   * first stderr line), {@code io_error} (reading the pipe failed); if the reader itself throws, the process
   * tree is killed, {@code parse} is recorded and the reader's exception is rethrown unchanged.
   */
  public <T> T stream(String label, List<String> argv, StdoutReader<T> reader) throws CommandException, IOException {
    return timed(label, () -> exec(label, argv, false, reader).value());
  }

  private interface Call<T> {
    T call() throws CommandException, IOException;
  }

  private <T> T timed(String label, Call<T> call) throws CommandException, IOException {
    long start = System.nanoTime();
    CommandException.Reason failure = CommandException.Reason.PARSE;
    try {
      T v = call.call();
      failure = null;
      return v;
    } catch (CommandException e) {
      failure = e.reason();
      throw e;
    } finally {
      self.commandFinished(label, Duration.ofNanos(System.nanoTime() - start), failure);
    }
  }

  private record Finished<T>(T value, String stderr, int exit, Duration elapsed) {}

  private <T> Finished<T> exec(String label, List<String> argv, boolean allowNonZero, StdoutReader<T> reader)
      throws CommandException, IOException {
    Path exe = locate(argv.get(0)).orElseThrow(() -> new CommandException(label, CommandException.Reason.NOT_FOUND,
        argv.get(0) + " not found" + (binDir != null ? " in " + binDir : " on PATH")));
    CommandLine cl = new CommandLine(exe.toString());
    for (String a : argv.subList(1, argv.size())) {
      cl.addArgument(a, false);
    }
    long start = System.nanoTime();
    StdoutPipe pipe = new StdoutPipe(PIPE_BYTES, start + timeout.toNanos());
    CappedStream err = new CappedStream(64 * 1024);
    TreeKillingWatchdog watchdog = new TreeKillingWatchdog(timeout);
    StreamingHandler streams = new StreamingHandler(pipe, err, label, start + timeout.toNanos());
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setStreamHandler(streams);
    executor.setWatchdog(watchdog);
    executor.setExitValues(null); // we judge exit codes ourselves
    DefaultExecuteResultHandler result = new DefaultExecuteResultHandler() {
      @Override
      public void onProcessFailed(ExecuteException e) {
        super.onProcessFailed(e);
        if (!streams.started()) {
          pipe.closeWriter(null); // launch failed: no pump will ever end the stream
        }
      }
    };
    executor.execute(cl, environment(), result); // asynchronous: the process runs while we read
    T value;
    try (InputStream in = pipe.source()) {
      value = reader.read(in);
    } catch (Throwable t) {
      watchdog.destroyProcess();
      awaitExit(result, KILL_GRACE);
      StdoutPipe.Failure f = StdoutPipe.Failure.in(t);
      if (f != null && f.timeout) {
        throw timedOut(label);
      }
      if (f != null) {
        throw new CommandException(label, CommandException.Reason.IO_ERROR, f.getMessage());
      }
      throw t;
    }
    if (!awaitExit(result, Duration.ofNanos(Math.max(0, start + timeout.toNanos() - System.nanoTime())))) {
      watchdog.destroyProcess();
      awaitExit(result, KILL_GRACE);
      throw timedOut(label);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    if (watchdog.timedOut()) {
      throw timedOut(label);
    }
    ExecuteException failed = result.getException();
    if (failed != null) { // launch failed, or commons-exec could not finish the process's streams
      throw new CommandException(label, CommandException.Reason.IO_ERROR,
          failed.getCause() != null ? failed.getCause().getMessage() : failed.getMessage());
    }
    int exit = result.getExitValue();
    String stderr = err.text().strip();
    if (exit != 0 && !allowNonZero) {
      throw new CommandException(label, CommandException.Reason.EXIT_CODE,
          "exit code " + exit + (stderr.isEmpty() ? "" : ": " + firstLine(stderr)));
    }
    return new Finished<>(value, stderr, exit, elapsed);
  }

  private CommandException timedOut(String label) {
    return new CommandException(label, CommandException.Reason.TIMEOUT,
        "killed after " + timeout.toMillis() + " ms timeout");
  }

  /** Waits for the process to have exited and its result to be recorded; false if it had not by then. */
  private static boolean awaitExit(DefaultExecuteResultHandler result, Duration d) {
    try {
      result.waitFor(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return result.hasResult();
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

  /** stdout into a {@link StdoutPipe} (read by the caller), stderr captured (bounded), stdin closed. */
  static final class StreamingHandler implements ExecuteStreamHandler {
    private final StdoutPipe pipe;
    private final PumpStreamHandler stderr;
    private final String label;
    private final long deadlineNanos;
    private InputStream stdout;
    private Thread pump;
    private volatile boolean started;

    StreamingHandler(StdoutPipe pipe, OutputStream err, String label, long deadlineNanos) {
      this.pipe = pipe;
      this.deadlineNanos = deadlineNanos;
      this.stderr = new PumpStreamHandler(OutputStream.nullOutputStream(), err);
      // a process left behind that keeps stderr open must not hold the executor thread forever
      this.stderr.setStopTimeout(KILL_GRACE);
      this.label = label;
    }

    @Override
    public void setProcessInputStream(OutputStream os) {
      stderr.setProcessInputStream(os); // no input: closes the process's stdin
    }

    @Override
    public void setProcessErrorStream(InputStream is) {
      stderr.setProcessErrorStream(is);
    }

    @Override
    public void setProcessOutputStream(InputStream is) {
      this.stdout = is;
    }

    @Override
    public void start() {
      started = true;
      pump = pipe.pumpFrom(stdout, "stdout " + label);
      stderr.start();
    }

    /**
     * Called once the process has exited, before commons-exec closes its streams: the pump must first have
     * read stdout to its end (which waits for the reader), else the tail of the output would be lost.
     */
    @Override
    public void stop() throws IOException {
      try {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
          pump.join(Math.max(1, left / 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stderr.stop();
    }

    boolean started() {
      return started;
    }
  }

  /** Collects up to {@code cap} bytes and remembers whether more arrived (which it drops). */
  static final class CappedStream extends OutputStream {
    /** Thrown by {@link #fill} when the input has more than {@code cap} bytes. */
    static final class Overflow extends IOException {
      Overflow() {
        super("output over the cap", null);
      }
    }

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

    /** Copies {@code in} to its end, or throws {@link Overflow} as soon as more than the cap has arrived. */
    void fill(InputStream in) throws IOException {
      byte[] b = new byte[8192];
      int n;
      while ((n = in.read(b)) >= 0) {
        write(b, 0, n);
        if (overflowed()) {
          throw new Overflow();
        }
      }
    }

    synchronized boolean overflowed() {
      return overflow;
    }

    synchronized String text() {
      return buf.toString(StandardCharsets.UTF_8);
    }
  }
}
