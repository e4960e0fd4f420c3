package org.hpcstatus.exporter.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.health.HealthChecks;
import org.hpcstatus.exporter.health.Secrets;
import org.hpcstatus.exporter.health.ServiceCheckConfig;

/**
 * Issue 3's performance target: 100 checks at a 1 s interval against loopback targets — CPU of the
 * exporter's check threads, and with 10 targets hanging, whether the other 90 keep their cadence
 * (p99 lateness of their start vs the planned time).
 *
 * <p>Targets: 50 http (an in-process JDK HTTP server answering JSON), 30 tcp (an in-process listener),
 * 20 redis (the real Redis of scripts/services.sh on 127.0.0.1:16379 if it is up, else tcp). CPU is
 * reported twice: the exporter's own threads (health-*, OkHttp*) and the whole JVM, which also serves the
 * in-process targets (an upper bound).
 *
 * <p>Usage: HealthBench [seconds per scenario, default 30] [noop|tcp|http|redis: one kind only]
 */
public final class HealthBench {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    http.createContext("/health", ex -> {
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.setExecutor(Executors.newFixedThreadPool(4));
    http.start();
    ServerSocket tcp = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    daemon(() -> {
      while (true) {
        try (Socket s = tcp.accept()) {
          // accept and close
        } catch (IOException e) {
          return;
        }
      }
    });
    ServerSocket silent = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    List<Socket> held = new CopyOnWriteArrayList<>();
    daemon(() -> {
      while (true) {
        try {
          held.add(silent.accept());
        } catch (IOException e) {
          return;
        }
      }
    });
    boolean redis = portOpen(16379);
    System.out.printf("targets: http :%d, tcp :%d, silent :%d, redis %s%n", http.getAddress().getPort(),
        tcp.getLocalPort(), silent.getLocalPort(), redis ? ":16379 (real)" : "not running -> tcp instead");

    String only = args.length > 1 ? args[1] : null;
    if ("noop".equals(only)) {
      noop(seconds);
      System.exit(0);
    }
    if (only != null) {
      // one kind only (profiling): 100 checks of it
      StringBuilder y = new StringBuilder("services:\n");
      for (int i = 0; i < 100; i++) {
        y.append("  - {name: c").append(i).append(", kind: ").append(only).append(", interval: 1s, timeout: 500ms, target: \"")
            .append(switch (only) {
              case "http" -> "http://127.0.0.1:" + http.getAddress().getPort() + "\", path: /health";
              case "redis" -> "127.0.0.1:16379\", password_env: PW";
              default -> "127.0.0.1:" + tcp.getLocalPort() + "\"";
            }).append("}\n");
      }
      run("100 " + only + " checks", ConfigLoader.parse(y.toString()).services(), seconds);
      System.exit(0);
    }
    run("100 healthy checks", services(http.getAddress().getPort(), tcp.getLocalPort(), -1, redis), seconds);
    run("90 healthy + 10 hanging (timeout 500ms)",
        services(http.getAddress().getPort(), tcp.getLocalPort(), silent.getLocalPort(), redis), seconds);
    http.stop(0);
    System.exit(0);
  }

  static List<ServiceCheckConfig> services(int httpPort, int tcpPort, int silentPort, boolean redis) {
    StringBuilder y = new StringBuilder("services:\n");
    for (int i = 0; i < 50; i++) {
      boolean hang = silentPort > 0 && i < 10;
      y.append("  - {name: http-").append(i).append(", kind: http, interval: 1s, timeout: 500ms, target: \"http://127.0.0.1:")
          .append(hang ? silentPort : httpPort).append(hang ? "\"}\n" : "\", path: /health, json_field: /status, json_value: ok}\n");
    }
    for (int i = 0; i < 30; i++) {
      y.append("  - {name: tcp-").append(i).append(", kind: tcp, interval: 1s, timeout: 500ms, target: \"127.0.0.1:")
          .append(tcpPort).append("\"}\n");
    }
    for (int i = 0; i < 20; i++) {
      if (redis) {
        y.append("  - {name: redis-").append(i).append(", kind: redis, interval: 1s, timeout: 500ms, "
            + "target: \"127.0.0.1:16379\", password_env: PW}\n");
      } else {
        y.append("  - {name: redis-").append(i).append(", kind: tcp, interval: 1s, timeout: 500ms, target: \"127.0.0.1:")
            .append(tcpPort).append("\"}\n");
      }
    }
    return ConfigLoader.parse(y.toString()).services();
  }

  static void run(String title, List<ServiceCheckConfig> services, int seconds) throws Exception {
    java.util.Set<String> hangingNames = new java.util.HashSet<>();
    for (ServiceCheckConfig c : services) {
      if (c.kind().equals("http") && c.options(org.hpcstatus.exporter.health.kinds.HttpCheck.Options.class).path() == null) {
        hangingNames.add(c.name()); // the ones pointed at the silent listener
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (HealthChecks hc = new HealthChecks(services, () -> "bench",
        new Secrets(java.util.Map.of("PW", "hpcstatus-test-pw")))) {
      hc.start();
      Thread.sleep(5000); // warm-up: JIT, pools, first runs
      long cpu0 = exporterCpu(threads);
      long switches0 = contextSwitches();
      long proc0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      long windowStart = System.currentTimeMillis();
      long scrapes = 0;
      long scrapeNs = 0;
      long until = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < until) {
        long t = System.nanoTime();
        hc.snapshots(); // what a scrape does, every second (an aggressive scrape interval)
        scrapeNs += System.nanoTime() - t;
        scrapes++;
        Thread.sleep(1000);
      }
      double wall = (System.nanoTime() - wall0) / 1e9;
      double cpu = (exporterCpu(threads) - cpu0) / 1e9;
      long switches = contextSwitches() - switches0;
      double proc = (os.getProcessCpuTime() - proc0) / 1e9;
      long windowEnd = System.currentTimeMillis();

      List<Double> lateness = new ArrayList<>();
      int minRuns = Integer.MAX_VALUE;
      int failures = 0;
      int healthy = 0;
      int hungRuns = 0;
      for (HealthChecks.Status s : hc.status()) {
        boolean hanging = hangingNames.contains(s.service());
        int runs = 0;
        for (HealthChecks.HistoryEntry e : s.history()) {
          if (e.scheduledAtMillis() < windowStart || e.scheduledAtMillis() > windowEnd - 1000) {
            continue;
          }
          runs++;
          if (hanging) {
            hungRuns++;
            continue;
          }
          lateness.add(e.latenessSeconds() * 1000);
          if (!e.ok()) {
            failures++;
          }
        }
        if (!hanging) {
          healthy++;
          minRuns = Math.min(minRuns, runs);
        }
      }
      double[] l = lateness.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.println("## " + title);
      System.out.printf(Locale.ROOT, "window %.1f s; healthy (not hanging) checks %d, runs of each in window: min %d (expected ~%d); "
          + "failed runs of healthy checks %d; runs of hanging checks %d%n", wall, healthy, minRuns, (int) (wall - 1),
          failures, hungRuns);
      System.out.printf(Locale.ROOT, "exporter threads CPU: %.1f%% of one core; whole JVM incl. in-process targets: "
          + "%.1f%%%n", 100 * cpu / wall, 100 * proc / wall);
      long runsInWindow = 0;
      for (HealthChecks.Status st : hc.status()) {
        runsInWindow += st.history().stream().filter(e -> e.scheduledAtMillis() >= windowStart).count();
      }
      System.out.printf(Locale.ROOT, "context switches of exporter threads (health-*, OkHttp*, Okio*; "
          + "threads alive at the end): %d, %.1f per check run%n", switches, (double) switches / runsInWindow);
      System.out.printf(Locale.ROOT, "start lateness of healthy checks (ms): p50 %.1f  p99 %.1f  max %.1f  (n=%d)%n",
          pct(l, 50), pct(l, 99), l.length == 0 ? 0 : l[l.length - 1], l.length);
      System.out.printf(Locale.ROOT, "snapshots() (scrape path) mean %.3f ms over %d calls%n",
          scrapeNs / 1e6 / scrapes, scrapes);
    }
  }

  /** The scheduler's own cost: 100 checks that do nothing, at 1 s. */
  static void noop(int seconds) throws Exception {
    java.util.Map<ServiceCheckConfig, org.hpcstatus.exporter.health.Check> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      m.put(ServiceCheckConfig.of("noop-" + i, "tcp", "127.0.0.1:1")
          .withTiming(java.time.Duration.ofSeconds(1), java.time.Duration.ofMillis(500), 1),
          new org.hpcstatus.exporter.health.Check() {
            @Override
            public org.hpcstatus.exporter.health.CheckResult run(org.hpcstatus.exporter.health.CheckContext ctx) {
              return new org.hpcstatus.exporter.health.CheckResult();
            }

            @Override
            public List<org.hpcstatus.exporter.core.MetricDef> metrics() {
              return List.of();
            }
          });
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (HealthChecks hc = new HealthChecks(m, () -> "bench").start()) {
      Thread.sleep(5000);
      long c0 = exporterCpu(threads);
      long w0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      System.out.println("## 100 no-op checks (scheduler overhead)");
      System.out.printf(Locale.ROOT, "exporter threads CPU: %.1f%% of one core%n",
          100.0 * (exporterCpu(threads) - c0) / (System.nanoTime() - w0));
    }
  }

  static long exporterCpu(ThreadMXBean threads) {
    long sum = 0;
    for (ThreadInfo ti : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (ti != null && (ti.getThreadName().startsWith("health-") || ti.getThreadName().startsWith("OkHttp"))) {
        long t = threads.getThreadCpuTime(ti.getThreadId());
        if (t > 0) {
          sum += t;
        }
      }
    }
    return sum;
  }

  /**
   * Voluntary + involuntary context switches of the exporter's threads (by /proc comm: health-*, OkHttp*,
   * Okio*): a load-independent count of thread hand-offs.
   */
  static long contextSwitches() {
    long sum = 0;
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return 0;
    }
    for (java.io.File t : tasks) {
      try {
        String comm = java.nio.file.Files.readString(t.toPath().resolve("comm")).strip();
        if (!(comm.startsWith("health-") || comm.startsWith("OkHttp") || comm.startsWith("Okio"))) {
          continue;
        }
        for (String line : java.nio.file.Files.readAllLines(t.toPath().resolve("status"))) {
          if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
          }
        }
      } catch (IOException | RuntimeException e) {
        // the thread ended meanwhile
      }
    }
    return sum;
  }

  static double pct(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void daemon(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
  }

  private HealthBench() {}

}
