package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.kinds.HttpCheck;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

  /** A check that plays back scripted outcomes: a CheckResult, or an exception to throw. */
  static final class Scripted implements Check {
    final Deque<Object> outcomes = new ArrayDeque<>();
    final AtomicInteger runs = new AtomicInteger();

    Scripted then(Object o) {
      outcomes.add(o);
      return this;
    }

    @Override
    public CheckResult run(CheckContext ctx) throws Exception {
      runs.incrementAndGet();
      Object o = outcomes.isEmpty() ? new CheckResult() : outcomes.poll();
      if (o instanceof Exception e) {
        throw e;
      }
      if (o instanceof Error e) {
        throw e;
      }
      return (CheckResult) o;
    }

    @Override
    public List<MetricDef> metrics() {
      return List.of(HttpCheck.STATUS_CODE);
    }
  }

  /** A check that blocks (ignoring interrupts) until released: a hung NFS statfs. */
  static final class Hung implements Check {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public CheckResult run(CheckContext ctx) {
      runs.incrementAndGet();
      while (true) {
        try {
          if (release.await(10, TimeUnit.SECONDS)) {
            return new CheckResult();
          }
        } catch (InterruptedException e) {
          // like a process in D state: interrupts do not help
        }
      }
    }

    @Override
    public List<MetricDef> metrics() {
      return List.of();
    }
  }

  /**
   * For checks that answer at once: a generous timeout, so a loaded machine (a worker thread waiting
   * long for a CPU) cannot turn an instant answer into a timeout.
   */
  static ServiceCheckConfig cfg(String name, int threshold) {
    return ServiceCheckConfig.of(name, "http", "http://127.0.0.1:1")
        .withTiming(Duration.ofSeconds(30), Duration.ofSeconds(20), threshold);
  }

  /** For {@link Hung} checks, whose timeout is the point. */
  static ServiceCheckConfig hungCfg(String name) {
    return ServiceCheckConfig.of(name, "filesystem", "/hung")
        .withTiming(Duration.ofSeconds(30), Duration.ofMillis(300), 1);
  }

  /** Waits (generously) until the check has at least {@code n} results. */
  static List<HealthChecks.HistoryEntry> awaitHistory(HealthChecks hc, String service, int n)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (hc.status(service).history().size() < n && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    List<HealthChecks.HistoryEntry> h = hc.status(service).history();
    assertThat(h).as(service + " results").hasSizeGreaterThanOrEqualTo(n);
    return h;
  }

  static HealthChecks single(ServiceCheckConfig c, Check check) {
    Map<ServiceCheckConfig, Check> m = new LinkedHashMap<>();
    m.put(c, check);
    return new HealthChecks(m, () -> "test");
  }

  @Test
  void upTurnsZeroOnlyAfterFailureThresholdConsecutiveFailures() {
    Scripted s = new Scripted()
        .then(new CheckResult().version("1.2.3").add(HttpCheck.STATUS_CODE, 200))
        .then(new ConnectException("Connection refused"))
        .then(new ConnectException("Connection refused"))
        .then(new ConnectException("Connection refused"))
        .then(new CheckResult());
    try (HealthChecks hc = single(cfg("web", 3), s)) {
      HealthTesting.runOnce(hc, "web");
      String text = HealthTesting.scrape(hc);
      assertThat(text).contains("service_up{cluster=\"test\",kind=\"http\",service=\"web\"} 1.0")
          .contains("service_info{cluster=\"test\",kind=\"http\",service=\"web\",version=\"1.2.3\"} 1")
          .contains("service_http_status_code{cluster=\"test\",kind=\"http\",service=\"web\"} 200.0");

      HealthTesting.runOnce(hc, "web");
      HealthTesting.runOnce(hc, "web");
      assertThat(hc.status("web").up()).as("2 failures < threshold 3: no flapping").isTrue();
      text = HealthTesting.scrape(hc);
      assertThat(text).contains("service_up{cluster=\"test\",kind=\"http\",service=\"web\"} 1.0")
          .contains("service_check_success{cluster=\"test\",kind=\"http\",service=\"web\"} 0.0")
          .doesNotContain("service_http_status_code{")
          .doesNotContain("service_info{");

      HealthTesting.HistoryEntryAssert.reason(HealthTesting.runOnce(hc, "web"), Reason.REFUSED);
      text = HealthTesting.scrape(hc);
      assertThat(text).contains("service_up{cluster=\"test\",kind=\"http\",service=\"web\"} 0.0")
          .contains("service_check_failures_total{cluster=\"test\",kind=\"http\",reason=\"refused\",service=\"web\"} 3.0")
          .contains("service_check_failures_total{cluster=\"test\",kind=\"http\",reason=\"timeout\",service=\"web\"} 0.0")
          .contains("service_checks_total{cluster=\"test\",kind=\"http\",service=\"web\"} 4.0")
          .contains("service_check_consecutive_failures{cluster=\"test\",kind=\"http\",service=\"web\"} 3.0");

      HealthTesting.runOnce(hc, "web");
      assertThat(hc.status("web").up()).as("one success recovers").isTrue();
      assertThat(hc.status("web").history()).extracting(HealthChecks.HistoryEntry::ok)
          .containsExactly(true, false, false, false, true);
    }
  }

  @Test
  void generationChangesWithEveryRecordedResult() {
    try (HealthChecks hc = single(cfg("web", 1), new Scripted())) {
      long g0 = hc.generation();
      HealthTesting.runOnce(hc, "web");
      long g1 = hc.generation();
      assertThat(g1).as("the exposition cache must be invalidated by a new result").isNotEqualTo(g0);
      assertThat(hc.generation()).as("and stays valid while nothing runs").isEqualTo(g1);
    }
  }

  @Test
  void noServicesNoFamilies() {
    try (HealthChecks hc = new HealthChecks(List.of(), () -> "test")) {
      assertThat(hc.snapshots()).isEmpty();
      assertThat(HealthTesting.scrape(hc)).doesNotContain("service_");
    }
  }

  @Test
  void neverSucceededMeansDown() {
    try (HealthChecks hc = single(cfg("web", 5), new Scripted().then(new ConnectException("refused")))) {
      assertThat(HealthTesting.scrape(hc)).as("nothing known before the first run").doesNotContain("service_up{");
      HealthTesting.runOnce(hc, "web");
      assertThat(HealthTesting.scrape(hc)).contains("service_up{cluster=\"test\",kind=\"http\",service=\"web\"} 0.0");
    }
  }

  @Test
  void unexpectedExceptionsAndErrorsAreCountedAsProtocolNeverThrown() {
    Scripted s = new Scripted()
        .then(new IllegalStateException("driver bug"))
        .then(new NoClassDefFoundError("x/Y"))
        .then(new CheckException(Reason.UNHEALTHY, "status DOWN"));
    try (HealthChecks hc = single(cfg("web", 1), s)) {
      HealthTesting.HistoryEntryAssert.reason(HealthTesting.runOnce(hc, "web"), Reason.PROTOCOL);
      HealthTesting.HistoryEntryAssert.reason(HealthTesting.runOnce(hc, "web"), Reason.PROTOCOL);
      HealthChecks.HistoryEntry last = HealthTesting.runOnce(hc, "web");
      HealthTesting.HistoryEntryAssert.reason(last, Reason.UNHEALTHY);
      assertThat(last.message()).isEqualTo("status DOWN");
      assertThat(HealthTesting.scrape(hc))
          .contains("service_check_failures_total{cluster=\"test\",kind=\"http\",reason=\"protocol\",service=\"web\"} 2.0")
          .contains("service_check_failures_total{cluster=\"test\",kind=\"http\",reason=\"unhealthy\",service=\"web\"} 1.0");
    }
  }

  @Test
  void hungCheckTimesOutWithoutPilingUpThreadsOrBlockingOthers() throws Exception {
    Hung hung = new Hung();
    Scripted fine = new Scripted();
    Map<ServiceCheckConfig, Check> m = new LinkedHashMap<>();
    m.put(hungCfg("nfs"), hung);
    m.put(cfg("web", 1), fine);
    try (HealthChecks hc = new HealthChecks(m, () -> "test")) {
      HealthChecks.HistoryEntry first = HealthTesting.runOnce(hc, "nfs");
      HealthTesting.HistoryEntryAssert.reason(first, Reason.TIMEOUT);
      assertThat(first.durationSeconds()).isEqualTo(0.3);
      // the other check is unaffected while nfs is stuck
      assertThat(HealthTesting.runOnce(hc, "web").ok()).isTrue();
      // a further run while the first is still stuck does not start a second thread
      hc.runNow("nfs").get(5, TimeUnit.SECONDS);
      assertThat(hung.runs.get()).isEqualTo(1);
      assertThat(hc.status("nfs").up()).isFalse();
      // scrapes work and report the timeout
      assertThat(HealthTesting.scrape(hc))
          .contains("service_check_failures_total{cluster=\"test\",kind=\"filesystem\",reason=\"timeout\",service=\"nfs\"} 1.0")
          .contains("service_up{cluster=\"test\",kind=\"http\",service=\"web\"} 1.0");
      // once the mount recovers, the stuck run ends and the next run starts a fresh attempt
      hung.release.countDown();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (hc.status("nfs").last() != null && System.nanoTime() < until) {
        HealthTesting.runOnce(hc, "nfs");
        if (hung.runs.get() == 2) {
          break;
        }
        Thread.sleep(20);
      }
      assertThat(hung.runs.get()).isEqualTo(2);
      assertThat(hc.status("nfs").last().ok()).isTrue();
    }
  }

  @Test
  void scheduledRunsOfAStuckCheckCountAsTimeouts() throws Exception {
    Hung hung = new Hung();
    ServiceCheckConfig c = ServiceCheckConfig.of("nfs", "filesystem", "/x")
        .withTiming(Duration.ofSeconds(1), Duration.ofMillis(200), 2);
    try (HealthChecks hc = single(c, hung).start()) {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (hc.status("nfs").history().size() < 3 && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      List<HealthChecks.HistoryEntry> h = hc.status("nfs").history();
      assertThat(h).hasSizeGreaterThanOrEqualTo(3);
      assertThat(h).allSatisfy(e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
      assertThat(h.get(1).message()).contains("previous check still running");
      assertThat(hung.runs.get()).isEqualTo(1);
      assertThat(hc.status("nfs").up()).isFalse();
      hung.release.countDown();
    }
  }

  /** A worker pool whose first {@code failures} submissions fail like a JVM out of native threads. */
  static final class NoThreadsPool extends java.util.concurrent.AbstractExecutorService {
    final java.util.concurrent.ExecutorService delegate = java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-worker");
      t.setDaemon(true);
      return t;
    });
    final AtomicInteger failures;

    NoThreadsPool(int failures) {
      this.failures = new AtomicInteger(failures);
    }

    @Override
    public void execute(Runnable command) {
      if (failures.getAndDecrement() > 0) {
        throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
      }
      delegate.execute(command);
    }

    @Override
    public void shutdown() {
      delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return delegate.awaitTermination(timeout, unit);
    }
  }

  @Test
  void anErrorWhileSchedulingIsAFailedRunAndTheScheduleSurvives() throws Exception {
    // an Error escaping a fixed-rate task cancels all its future runs: the check would freeze with its
    // last state (here: never run) forever
    Scripted s = new Scripted();
    // fast ticks, a timeout no loaded machine reaches (a timeout is not what this is about)
    ServiceCheckConfig c = ServiceCheckConfig.of("web", "http", "http://127.0.0.1:1")
        .withTiming(Duration.ofMillis(100), Duration.ofSeconds(20), 1);
    Map<ServiceCheckConfig, Check> m = new LinkedHashMap<>();
    m.put(c, s);
    try (HealthChecks hc = new HealthChecks(m, () -> "test", new NoThreadsPool(2)).start()) {
      List<HealthChecks.HistoryEntry> h = awaitHistory(hc, "web", 3);
      assertThat(s.runs.get()).as("the schedule survived the Errors and ran the check again").isGreaterThanOrEqualTo(1);
      HealthTesting.HistoryEntryAssert.reason(h.get(0), Reason.PROTOCOL);
      HealthTesting.HistoryEntryAssert.reason(h.get(1), Reason.PROTOCOL);
      assertThat(h.get(0).message()).startsWith("exporter could not run the check: OutOfMemoryError: unable to create native thread");
      HealthTesting.HistoryEntryAssert.ok(h.get(2));
      assertThat(hc.status("web").up()).isTrue();
      assertThat(HealthTesting.scrape(hc))
          .contains("service_check_failures_total{cluster=\"test\",kind=\"http\",reason=\"protocol\",service=\"web\"} 2.0");
    }
  }

  @Test
  void runNowAfterAFailedThreadStartIsNotStuckInFlight() throws Exception {
    Scripted s = new Scripted();
    Map<ServiceCheckConfig, Check> m = new LinkedHashMap<>();
    m.put(cfg("web", 1), s);
    try (HealthChecks hc = new HealthChecks(m, () -> "test", new NoThreadsPool(1))) {
      HealthTesting.HistoryEntryAssert.reason(HealthTesting.runOnce(hc, "web"), Reason.PROTOCOL);
      HealthTesting.HistoryEntryAssert.ok(HealthTesting.runOnce(hc, "web"));
      assertThat(s.runs.get()).isEqualTo(1);
    }
  }

  @Test
  void errorsThrownByScheduledChecksDoNotStopTheSchedule() throws Exception {
    Scripted s = new Scripted().then(new StackOverflowError()).then(new OutOfMemoryError("Java heap space"));
    ServiceCheckConfig c = ServiceCheckConfig.of("web", "http", "http://127.0.0.1:1")
        .withTiming(Duration.ofMillis(100), Duration.ofSeconds(20), 1);
    try (HealthChecks hc = single(c, s).start()) {
      List<HealthChecks.HistoryEntry> h = awaitHistory(hc, "web", 3);
      HealthTesting.HistoryEntryAssert.reason(h.get(0), Reason.PROTOCOL);
      assertThat(h.get(0).message()).startsWith("StackOverflowError");
      HealthTesting.HistoryEntryAssert.reason(h.get(1), Reason.PROTOCOL);
      HealthTesting.HistoryEntryAssert.ok(h.get(2));
    }
  }

  @Test
  void runAllOnceWaitsForEveryResultButNotForAHungCheck() {
    Hung hung = new Hung();
    Map<ServiceCheckConfig, Check> m = new LinkedHashMap<>();
    m.put(hungCfg("nfs"), hung);
    m.put(cfg("web", 1), new Scripted());
    try (HealthChecks hc = new HealthChecks(m, () -> "test")) {
      hc.runAllOnce();
      assertThat(hc.status("web").last().ok()).isTrue();
      assertThat(hc.status("nfs").last().reason()).isEqualTo(Reason.TIMEOUT);
      hung.release.countDown();
    }
  }

  @Test
  void historyIsBounded() {
    try (HealthChecks hc = single(cfg("web", 1), new Scripted())) {
      for (int i = 0; i < HealthChecks.HISTORY + 5; i++) {
        HealthTesting.runOnce(hc, "web");
      }
      assertThat(hc.status("web").history()).hasSize(HealthChecks.HISTORY);
      assertThat(HealthTesting.scrape(hc))
          .contains("service_checks_total{cluster=\"test\",kind=\"http\",service=\"web\"} " + (HealthChecks.HISTORY + 5) + ".0");
    }
  }

  @Test
  void latencyHistogramAndTimestamps() {
    try (HealthChecks hc = single(cfg("web", 1), new Scripted())) {
      HealthTesting.runOnce(hc, "web");
      HealthTesting.runOnce(hc, "web");
      String text = HealthTesting.scrape(hc);
      assertThat(text).contains("service_check_latency_seconds_count{cluster=\"test\",kind=\"http\",service=\"web\"} 2")
          .contains("service_check_latency_seconds_bucket{cluster=\"test\",kind=\"http\",service=\"web\",le=\"+Inf\"} 2")
          .contains("service_check_interval_seconds{cluster=\"test\",kind=\"http\",service=\"web\"} 30.0")
          .contains("service_check_failure_threshold{cluster=\"test\",kind=\"http\",service=\"web\"} 1.0")
          .containsPattern("service_last_check_timestamp_seconds\\{[^}]*\\} 1\\.[0-9]+E9")
          .containsPattern("service_last_success_timestamp_seconds\\{[^}]*\\} 1\\.[0-9]+E9");
    }
  }

  @Test
  void metricCatalogFollowsConventions() {
    List<MetricDef> all = HealthChecks.metrics();
    assertThat(all).extracting(MetricDef::name).doesNotHaveDuplicates().allMatch(n -> n.startsWith("service_"));
    assertThat(all).allSatisfy(d -> assertThat(d.labels()).startsWith("service", "kind"));
    assertThat(all).extracting(MetricDef::name).contains("service_up", "service_check_duration_seconds",
        "service_check_latency_seconds", "service_checks_total", "service_check_failures_total",
        "service_last_check_timestamp_seconds", "service_info", "service_tls_cert_expiry_timestamp_seconds");
  }
}
