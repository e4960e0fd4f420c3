package org.hpcstatus.exporter.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the end-to-end test (exporter, Prometheus, Alertmanager, Mosquitto …): stdout and
 * stderr go to a log file in the test's temp dir (shown on failure), and {@link #close()} stops it and
 * every descendant — SIGTERM, then SIGKILL after a grace period — so nothing outlives the test.
 */
final class Proc implements AutoCloseable {
  private final String name;
  private final List<String> argv;
  private final Path log;
  private final Process process;

  private Proc(String name, List<String> argv, Path log, Process process) {
    this.name = name;
    this.argv = argv;
    this.log = log;
    this.process = process;
  }

  static Proc start(String name, List<String> argv, Map<String, String> env, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Files.writeString(log, "### " + String.join(" ", argv) + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    Proc p = new Proc(name, List.copyOf(argv), log, pb.start());
    Reaper.register(p);
    return p;
  }

  String name() {
    return name;
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** The last {@code maxChars} characters of the log (for failure messages). */
  String logTail(int maxChars) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() <= maxChars ? s : "…" + s.substring(s.length() - maxChars);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  String describe() {
    return name + " (pid " + process.pid() + (alive() ? ", running" : ", exited " + process.exitValue()) + ")";
  }

  /** Fails with the log tail if the process has exited. */
  void requireAlive() {
    if (!alive()) {
      throw new AssertionError(describe() + " is not running: " + String.join(" ", argv) + "\n" + logTail(4000));
    }
  }

  @Override
  public void close() {
    Reaper.unregister(this);
    List<ProcessHandle> all = new ArrayList<>();
    process.descendants().forEach(all::add);
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** A TCP port on 127.0.0.1 that was free a moment ago (callers retry if a child then cannot bind it). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** Kills children still registered when the JVM exits (a test JVM killed by a timeout, say). */
  private static final class Reaper {
    private static final List<Proc> LIVE = new ArrayList<>();

    static {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        List<Proc> left;
        synchronized (LIVE) {
          left = new ArrayList<>(LIVE);
        }
        left.forEach(p -> {
          p.process.descendants().forEach(ProcessHandle::destroyForcibly);
          p.process.destroyForcibly();
        });
      }, "e2e-reaper"));
    }

    static void register(Proc p) {
      synchronized (LIVE) {
        LIVE.add(p);
      }
    }

    static void unregister(Proc p) {
      synchronized (LIVE) {
        LIVE.remove(p);
      }
    }
  }
}
