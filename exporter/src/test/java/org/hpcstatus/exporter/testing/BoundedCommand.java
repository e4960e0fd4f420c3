package org.hpcstatus.exporter.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command in a test with a deadline that really applies: output is drained on its own
 * thread (so a command that keeps its pipe open cannot block the caller), and when the deadline passes the
 * process and all its descendants are SIGKILLed. A test that shells out must never be able to hang CI.
 */
public final class BoundedCommand {
  private BoundedCommand() {}

  /** exit is -1 when the command was killed at the deadline. */
  public record Result(int exit, String out, boolean timedOut, Duration took) {}

  public static Result run(List<String> argv, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> drain(p.getInputStream(), buf), "bounded-command-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      // children first (they may hold the pipe), then the process itself
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    // a grandchild that escaped (setsid) could keep the pipe open: never wait for it unboundedly
    reader.join(finished ? 10_000 : 2_000);
    String out;
    synchronized (buf) {
      out = buf.toString(StandardCharsets.UTF_8);
    }
    return new Result(finished ? p.exitValue() : -1, out, !finished, Duration.ofNanos(System.nanoTime() - t0));
  }

  private static void drain(InputStream in, ByteArrayOutputStream buf) {
    byte[] b = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(b)) >= 0) {
        synchronized (buf) {
          buf.write(b, 0, n);
        }
      }
    } catch (IOException e) {
      // process killed: keep what was read
    }
  }
}
