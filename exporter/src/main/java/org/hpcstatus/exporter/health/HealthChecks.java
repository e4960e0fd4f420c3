package org.hpcstatus.exporter.health;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.health.kinds.CheckFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured service checks, each on its own interval, concurrently, with a hard timeout, and
 * keeps their results in memory. {@link #snapshots()} (the scrape path) only reads those results.
 *
 * <p>Scheduling: one small timer pool fires ticks at a fixed rate; each tick hands the check to a worker
 * thread and arms a timeout. Whichever comes first — the check's answer or the timeout — is recorded;
 * a check that times out is interrupted. A check never runs twice at once: while a previous run is still
 * stuck (a hung NFS {@code statfs}, a driver ignoring interrupts), each further tick counts as another
 * {@code timeout} without starting a new thread, so a hung target costs one thread and never delays other
 * checks or scrapes.
 *
 * <p>{@code service_up} turns 0 only after {@code failure_threshold} consecutive failures (no flapping),
 * and is 0 until the first success.
 */
public final class HealthChecks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);

  /** How many past results each check keeps (for the status page and "recent failures"). */
  public static final int HISTORY = 120;

  /** Every metric the service checks can emit, for docs/metrics.md ({@code service_sql_<metric>} is user-defined). */
  public static List<MetricDef> metrics() {
    return HealthMetrics.all();
  }

  /** One past check result. Times are epoch milliseconds; {@code message} is credential-free. */
  public record HistoryEntry(long scheduledAtMillis, long startedAtMillis, double durationSeconds, boolean ok,
                             Reason reason, String message) {
    /** How late the run started relative to its planned time, in seconds. */
    public double latenessSeconds() {
      return Math.max(0, (startedAtMillis - scheduledAtMillis) / 1000.0);
    }
  }

  /** Current state of one check, for status pages and probes. */
  public record Status(String service, String kind, boolean up, boolean ran, int consecutiveFailures,
                       String version, List<HistoryEntry> history) {
    public HistoryEntry last() {
      return history.isEmpty() ? null : history.get(history.size() - 1);
    }
  }

  /** Epoch millis of a System.nanoTime() instant (one monotonic base, so lateness is not clock skew). */
  private final long epochBaseMillis = System.currentTimeMillis();
  private final long nanoBase = System.nanoTime();

  private long epochMillis(long nanos) {
    return epochBaseMillis + (nanos - nanoBase) / 1_000_000;
  }

  private static final class Attempt {
    final long plannedEpochMillis;
    final AtomicBoolean recorded = new AtomicBoolean();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile long startedEpochMillis;
    volatile Future<?> future;
    volatile ScheduledFuture<?> timeoutTask;

    Attempt(long plannedEpochMillis) {
      this.plannedEpochMillis = plannedEpochMillis;
    }
  }

  private final class State {
    final ServiceCheckConfig cfg;
    final Check check;
    final long intervalMillis;
    // guarded by this
    Attempt inFlight;
    boolean ran;
    boolean lastOk;
    boolean everOk;
    int consecutiveFailures;
    long checks;
    final long[] failures = new long[Reason.values().length];
    double lastDuration;
    double lastFinished;
    double lastSuccess;
    final long[] latencyCounts = new long[HealthMetrics.LATENCY_BOUNDS.length + 1];
    double latencySum;
    String version;
    Double tlsExpiry;
    List<CheckResult.Sample> samples = List.of();
    final ArrayDeque<HistoryEntry> history = new ArrayDeque<>();
    long nextPlannedNanos;

    State(ServiceCheckConfig cfg, Check check) {
      this.cfg = cfg;
      this.check = check;
      this.intervalMillis = cfg.interval().toMillis();
    }

    boolean up() {
      return everOk && consecutiveFailures < cfg.failureThreshold();
    }
  }

  private final Map<String, State> states = new LinkedHashMap<>();
  private final Map<String, MetricDef> defs = new LinkedHashMap<>();
  private final Supplier<String> cluster;
  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean started;
  private volatile boolean closed;

  /** Checks from config (validated here too, so programmatic configs get the same errors). */
  public HealthChecks(List<ServiceCheckConfig> services, Supplier<String> cluster) {
    this(services, cluster, new Secrets());
  }

  public HealthChecks(List<ServiceCheckConfig> services, Supplier<String> cluster, Secrets secrets) {
    this(bind(services, secrets), cluster);
  }

  private static Map<ServiceCheckConfig, Check> bind(List<ServiceCheckConfig> services, Secrets secrets) {
    ServiceChecksValidator.validate(services);
    Map<ServiceCheckConfig, Check> m = new LinkedHashMap<>();
    for (ServiceCheckConfig c : services) {
      m.put(c, CheckFactory.create(c, secrets));
    }
    return m;
  }

  /** Checks with explicit implementations (tests, benchmarks). */
  public HealthChecks(Map<ServiceCheckConfig, Check> checks, Supplier<String> cluster) {
    this(checks, cluster, null);
  }

  /** As above with the worker pool given (tests: a pool that fails to start threads); null = the default pool. */
  HealthChecks(Map<ServiceCheckConfig, Check> checks, Supplier<String> cluster, ExecutorService workerPool) {
    this.cluster = cluster;
    for (var e : checks.entrySet()) {
      State st = new State(e.getKey(), e.getValue());
      if (states.put(e.getKey().name(), st) != null) {
        throw new IllegalArgumentException("service " + e.getKey().name() + " listed twice");
      }
      for (MetricDef d : e.getValue().metrics()) {
        MetricDef prev = defs.putIfAbsent(d.name(), d);
        if (prev != null && !prev.equals(d)) {
          throw new IllegalArgumentException("metric " + d.name() + " defined differently by two checks");
        }
      }
    }
    AtomicInteger n = new AtomicInteger();
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(2, r -> daemon(r, "health-timer-" + n.incrementAndGet()));
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
    AtomicInteger w = new AtomicInteger();
    this.workers = workerPool != null ? workerPool
        : Executors.newCachedThreadPool(r -> daemon(r, "health-check-" + w.incrementAndGet()));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public boolean isEmpty() {
    return states.isEmpty();
  }

  /**
   * Starts every check on its interval. First runs are spread over the first second (or the interval, if
   * shorter) so that many checks do not fire in the same millisecond.
   */
  public synchronized HealthChecks start() {
    if (started || closed) {
      return this;
    }
    started = true;
    int i = 0;
    int n = states.size();
    for (State st : states.values()) {
      long spread = Math.min(1000, st.intervalMillis);
      long delay = n == 0 ? 0 : spread * i / n;
      synchronized (st) {
        st.nextPlannedNanos = System.nanoTime() + delay * 1_000_000L;
      }
      timer.scheduleAtFixedRate(() -> tick(st), delay, st.intervalMillis, TimeUnit.MILLISECONDS);
      i++;
    }
    return this;
  }

  /**
   * Runs one check now, through the same path as scheduled runs (worker thread, hard timeout), and
   * returns a future completed when its result is recorded. If the check is still running, the future
   * of the running attempt is returned.
   */
  public CompletableFuture<Void> runNow(String service) {
    State st = states.get(service);
    if (st == null) {
      throw new IllegalArgumentException("no service check " + service);
    }
    return launch(st, epochMillis(System.nanoTime()), false);
  }

  /**
   * Runs every check once, concurrently, and waits until each has a result (success, failure or its
   * timeout): for {@code probe} and {@code print-metrics}.
   */
  public void runAllOnce() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    long maxTimeoutMs = 0;
    for (State st : states.values()) {
      all.add(launch(st, epochMillis(System.nanoTime()), false));
      maxTimeoutMs = Math.max(maxTimeoutMs, st.cfg.timeout().toMillis());
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .get(maxTimeoutMs + 2000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("not every service check finished: {}", e.toString());
    }
  }

  /**
   * One scheduled firing. Must never throw: any Throwable escaping a {@code scheduleAtFixedRate} task
   * cancels all its future runs, which would freeze this check's last state forever. A failure here is
   * recorded as a failed run (classified like any other, an Error is {@code protocol}) and the next
   * tick tries again.
   */
  private void tick(State st) {
    long planned = 0;
    try {
      synchronized (st) {
        planned = st.nextPlannedNanos;
        st.nextPlannedNanos += st.intervalMillis * 1_000_000L;
      }
      launch(st, epochMillis(planned), true);
    } catch (Throwable e) {
      recordInternalFailure(st, epochMillis(planned == 0 ? System.nanoTime() : planned), e);
    }
  }

  /**
   * Records that the exporter itself could not run a check (no thread, no memory, a broken library) as a
   * failed run, so the failure is visible in history and metrics. Never throws.
   */
  private void recordInternalFailure(State st, long plannedEpochMillis, Throwable e) {
    try {
      LOG.error("service check {}: could not run the check", st.cfg.name(), e);
    } catch (Throwable ignored) {
      // logging itself failed (e.g. out of memory): the failed run below is still recorded
    }
    try {
      Attempt failed = new Attempt(plannedEpochMillis);
      failed.startedEpochMillis = epochMillis(System.nanoTime());
      record(st, failed, null, internal(e), 0);
    } catch (Throwable ignored) {
      // nothing left to do; the next tick tries again
    }
  }

  /** An exporter-side failure (not the target's): reason {@code protocol}, message saying so. */
  private static CheckException internal(Throwable e) {
    return new CheckException(Reason.PROTOCOL, "exporter could not run the check: " + Failures.describe(e));
  }

  private CompletableFuture<Void> launch(State st, long planned, boolean scheduled) {
    if (closed) {
      return CompletableFuture.completedFuture(null);
    }
    Attempt a;
    synchronized (st) {
      Attempt running = st.inFlight;
      if (running != null) {
        if (scheduled && running.recorded.get()) {
          // the previous run timed out and its thread is still stuck: the target is still not answering
          Attempt skipped = new Attempt(planned);
          skipped.startedEpochMillis = epochMillis(System.nanoTime());
          record(st, skipped, null, new CheckException(Reason.TIMEOUT, "previous check still running after its "
              + st.cfg.timeout().toMillis() + "ms timeout (target hung)"), st.cfg.timeout().toNanos() / 1e9);
        }
        return running.done;
      }
      a = new Attempt(planned);
      st.inFlight = a;
    }
    try {
      a.future = workers.submit(() -> execute(st, a));
    } catch (RejectedExecutionException e) {
      // closed while launching
      synchronized (st) {
        if (st.inFlight == a) {
          st.inFlight = null;
        }
      }
      a.done.complete(null);
      return a.done;
    } catch (Throwable e) {
      // e.g. OutOfMemoryError "unable to create native thread": the check never started. Without this the
      // attempt would stay in flight forever and the check would never run again.
      synchronized (st) {
        if (st.inFlight == a) {
          st.inFlight = null;
        }
      }
      recordInternalFailure(st, planned, e);
      a.done.complete(null);
      return a.done;
    }
    try {
      a.timeoutTask = timer.schedule(() -> onTimeout(st, a), st.cfg.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed while launching: the worker is interrupted by shutdownNow and clears inFlight itself
    } catch (Throwable e) {
      // no timeout armed: count this run as failed now; the worker clears inFlight when it ends, and
      // until then further ticks count as timeouts (as for any stuck run)
      recordNoTimeoutArmed(st, a, e);
    }
    return a.done;
  }

  /** The run started but its timeout could not be armed: record this attempt as failed now. Never throws. */
  private void recordNoTimeoutArmed(State st, Attempt a, Throwable e) {
    try {
      LOG.error("service check {}: could not arm its timeout", st.cfg.name(), e);
    } catch (Throwable ignored) {
      // see below
    }
    try {
      record(st, a, null, internal(e), 0);
    } catch (Throwable ignored) {
      a.recorded.set(true);
    }
    a.done.complete(null);
  }

  private void execute(State st, Attempt a) {
    long start = System.nanoTime();
    a.startedEpochMillis = epochMillis(start);
    CheckResult result = null;
    Throwable error = null;
    try {
      result = st.check.run(new CheckContext(st.cfg.timeout()));
      if (result == null) {
        error = new CheckException(Reason.PROTOCOL, "check returned no result");
      }
    } catch (VirtualMachineError e) {
      error = e;
      throw e;
    } catch (Throwable e) {
      error = e;
    } finally {
      try {
        double secs = (System.nanoTime() - start) / 1e9;
        record(st, a, error == null ? result : null, error, secs);
      } finally {
        // even if recording failed (out of memory, a logging Error): never leave the attempt in flight,
        // or the check would never run again
        synchronized (st) {
          if (st.inFlight == a) {
            st.inFlight = null;
          }
        }
        a.done.complete(null);
        ScheduledFuture<?> t = a.timeoutTask;
        if (t != null) {
          t.cancel(false);
        }
        Thread.interrupted(); // clear a timeout's interrupt before the thread goes back to the pool
      }
    }
  }

  private void onTimeout(State st, Attempt a) {
    if (a.recorded.get()) {
      return;
    }
    try {
      record(st, a, null, new CheckException(Reason.TIMEOUT, "no answer within " + st.cfg.timeout().toMillis() + "ms"),
          st.cfg.timeout().toNanos() / 1e9);
    } finally {
      a.done.complete(null);
      Future<?> f = a.future;
      if (f != null) {
        f.cancel(true);
      }
    }
  }

  private void record(State st, Attempt a, CheckResult result, Throwable error, double seconds) {
    if (!a.recorded.compareAndSet(false, true)) {
      return;
    }
    boolean ok = error == null && result != null;
    Reason reason = ok ? null : Failures.classify(error);
    String message = ok ? "ok" : Failures.describe(error, st.cfg.target());
    boolean wasUp;
    boolean isUp;
    int consecutive;
    synchronized (st) {
      wasUp = st.up();
      st.ran = true;
      st.checks++;
      st.lastOk = ok;
      st.lastDuration = seconds;
      st.lastFinished = System.currentTimeMillis() / 1000.0;
      st.latencySum += seconds;
      st.latencyCounts[bucket(seconds)]++;
      if (ok) {
        st.everOk = true;
        st.consecutiveFailures = 0;
        st.lastSuccess = st.lastFinished;
        st.version = result.version();
        st.tlsExpiry = result.tlsExpiry();
        st.samples = result.samples();
      } else {
        st.consecutiveFailures++;
        st.failures[reason.ordinal()]++;
        st.samples = List.of();
      }
      long started = a.startedEpochMillis == 0 ? epochMillis(System.nanoTime()) : a.startedEpochMillis;
      st.history.addLast(new HistoryEntry(a.plannedEpochMillis, started, seconds, ok, reason, message));
      while (st.history.size() > HISTORY) {
        st.history.removeFirst();
      }
      isUp = st.up();
      consecutive = st.consecutiveFailures;
    }
    generation.incrementAndGet();
    if (wasUp && !isUp) {
      LOG.warn("service {} ({}) is DOWN after {} failed check(s): {}: {}", st.cfg.name(), st.cfg.kind(),
          consecutive, reason.label(), message);
    } else if (!wasUp && isUp) {
      LOG.info("service {} ({}) is up", st.cfg.name(), st.cfg.kind());
    } else if (!ok && (consecutive == 1 || consecutive % 100 == 0)) {
      LOG.info("service {} ({}) check failed ({} in a row): {}: {}", st.cfg.name(), st.cfg.kind(), consecutive,
          reason.label(), message);
    }
  }

  private static int bucket(double v) {
    double[] b = HealthMetrics.LATENCY_BOUNDS;
    for (int i = 0; i < b.length; i++) {
      if (v <= b[i]) {
        return i;
      }
    }
    return b.length;
  }

  /** Changes whenever a result is recorded (the exposition cache is valid while it does not). */
  public long generation() {
    return generation.get();
  }

  /** The scrape path: reads the recorded results only. Never throws for one bad check. */
  public List<MetricSnapshot> snapshots() {
    if (states.isEmpty()) {
      return List.of(); // no service_* families at all when no services are configured
    }
    Out out = new Out(cluster.get());
    Out.Family up = out.family(HealthMetrics.UP);
    Out.Family success = out.family(HealthMetrics.SUCCESS);
    Out.Family duration = out.family(HealthMetrics.DURATION);
    Out.Histogram latency = out.histogram(HealthMetrics.LATENCY, HealthMetrics.LATENCY_BOUNDS);
    Out.Family checks = out.family(HealthMetrics.CHECKS);
    Out.Family failures = out.family(HealthMetrics.FAILURES);
    Out.Family consecutive = out.family(HealthMetrics.CONSECUTIVE_FAILURES);
    Out.Family threshold = out.family(HealthMetrics.FAILURE_THRESHOLD);
    Out.Family interval = out.family(HealthMetrics.INTERVAL);
    Out.Family lastCheck = out.family(HealthMetrics.LAST_CHECK);
    Out.Family lastSuccess = out.family(HealthMetrics.LAST_SUCCESS);
    Out.Family info = out.family(HealthMetrics.INFO);
    Out.Family tls = out.family(HealthMetrics.TLS_EXPIRY);
    for (State st : states.values()) {
      String s = st.cfg.name();
      String k = st.cfg.kind();
      threshold.set(st.cfg.failureThreshold(), s, k);
      interval.set(st.intervalMillis / 1000.0, s, k);
      checks.add(0, s, k);
      for (Reason r : Reason.values()) {
        failures.add(0, s, k, r.label());
      }
      synchronized (st) {
        if (!st.ran) {
          continue;
        }
        up.set(st.up() ? 1 : 0, s, k);
        success.set(st.lastOk ? 1 : 0, s, k);
        duration.set(st.lastDuration, s, k);
        latency.addBuckets(st.latencyCounts.clone(), st.latencySum, s, k);
        checks.set(st.checks, s, k);
        for (Reason r : Reason.values()) {
          failures.set(st.failures[r.ordinal()], s, k, r.label());
        }
        consecutive.set(st.consecutiveFailures, s, k);
        lastCheck.set(st.lastFinished, s, k);
        if (st.everOk) {
          lastSuccess.set(st.lastSuccess, s, k);
        }
        if (st.version != null && st.lastOk) {
          info.set(1, s, k, st.version);
        }
        if (st.tlsExpiry != null && st.lastOk) {
          tls.set(st.tlsExpiry, s, k);
        }
        for (CheckResult.Sample sample : st.samples) {
          try {
            MetricDef def = defs.getOrDefault(sample.def().name(), sample.def());
            String[] labels = new String[sample.labels().size() + 2];
            labels[0] = s;
            labels[1] = k;
            for (int i = 0; i < sample.labels().size(); i++) {
              labels[i + 2] = sample.labels().get(i);
            }
            if (def.type() == MetricDef.Type.INFO) {
              out.family(def).set(1, labels);
            } else {
              out.family(def).set(sample.value(), labels);
            }
          } catch (RuntimeException e) {
            LOG.error("service {}: dropping bad sample of {}", s, sample.def().name(), e);
          }
        }
      }
    }
    return out.build();
  }

  /** Current state and recent history of every check. */
  public List<Status> status() {
    List<Status> out = new ArrayList<>(states.size());
    for (State st : states.values()) {
      synchronized (st) {
        out.add(new Status(st.cfg.name(), st.cfg.kind(), st.up(), st.ran, st.consecutiveFailures,
            st.version, List.copyOf(st.history)));
      }
    }
    return out;
  }

  public Status status(String service) {
    return status().stream().filter(s -> s.service().equals(service)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service check " + service));
  }

  /** Configured checks with their effective settings. */
  public List<ServiceCheckConfig> configs() {
    return states.values().stream().map(s -> s.cfg).toList();
  }


  @Override
  public synchronized void close() {
    closed = true;
    timer.shutdownNow();
    workers.shutdownNow();
    for (State st : states.values()) {
      try {
        st.check.close();
      } catch (RuntimeException e) {
        LOG.debug("closing check {}", st.cfg.name(), e);
      }
    }
  }
}
