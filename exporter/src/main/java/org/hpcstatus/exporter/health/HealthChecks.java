package org.hpcstatus.exporter.health;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.core.ScheduledJob;
import org.hpcstatus.exporter.core.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured service checks, each on its own interval, concurrently, with a hard timeout (one
 * {@link Scheduler} job per check), keeps their state in memory ({@link CheckState}) and offers it as
 * metrics ({@link #snapshots()}, the scrape path, which only reads) and as a status model
 * ({@link #status()}, {@link #subscribe}, {@link #awaitChange}) for status pages and probes.
 *
 * <p>A check never runs twice at once: while a timed-out run is still stuck (a hung NFS {@code statfs}, a
 * driver ignoring interrupts), each further tick counts as another {@code timeout} without starting a new
 * thread, so a hung target costs one thread and never delays other checks or scrapes.
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

  /**
   * Current state of one check, for status pages and probes. {@code sinceMillis}: epoch ms of the run that
   * last changed {@code up} (or of the first run; 0 before it); {@code transitions}: up/down changes so far;
   * {@code lastFailure}: the most recent failed run (null if none); {@code generation}: of
   * {@link HealthChecks#generation()} when this was read.
   */
  public record Status(String service, String kind, boolean up, boolean ran, int consecutiveFailures,
                       String version, List<HistoryEntry> history, int failureThreshold, long sinceMillis,
                       long transitions, HistoryEntry lastFailure, long generation) {
    public HistoryEntry last() {
      return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    /** Duration of the last run in seconds (the timeout if it timed out); NaN before the first. */
    public double latencySeconds() {
      HistoryEntry l = last();
      return l == null ? Double.NaN : l.durationSeconds();
    }

    /** Why the last run failed ({@code reason: message}), or null if it succeeded or none ran yet. */
    public String failureReason() {
      HistoryEntry l = last();
      return l == null || l.ok() ? null : l.reason().label() + ": " + l.message();
    }
  }

  /** Epoch millis of a System.nanoTime() instant (one monotonic base, so lateness is not clock skew). */
  private final long epochBaseMillis = System.currentTimeMillis();
  private final long nanoBase = System.nanoTime();

  private final Map<String, CheckState> states = new LinkedHashMap<>();
  private final Map<String, ScheduledJob<CheckResult>> jobs = new LinkedHashMap<>();
  private final Map<String, MetricDef> defs = new LinkedHashMap<>();
  private final Supplier<String> cluster;
  private final Scheduler scheduler;
  private final AtomicLong generation = new AtomicLong();
  private final List<Consumer<Status>> subscribers = new CopyOnWriteArrayList<>();
  private volatile boolean started;

  /** Checks from config (validated here too, so programmatic configs get the same errors). */
  public HealthChecks(List<ServiceCheckConfig> services, Supplier<String> cluster) {
    this(services, cluster, new Secrets());
  }

  public HealthChecks(List<ServiceCheckConfig> services, Supplier<String> cluster, Secrets secrets) {
    this(bind(services, secrets), cluster);
  }

  private static Map<ServiceCheckConfig, Check> bind(List<ServiceCheckConfig> services, Secrets secrets) {
    ServiceChecks.validate(services);
    Map<ServiceCheckConfig, Check> m = new LinkedHashMap<>();
    for (ServiceCheckConfig c : services) {
      m.put(c, ServiceChecks.create(c, secrets));
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
    this.scheduler = new Scheduler("health", workerPool);
    for (var e : checks.entrySet()) {
      ServiceCheckConfig c = e.getKey();
      CheckState st = new CheckState(c, e.getValue());
      if (states.put(c.name(), st) != null) {
        throw new IllegalArgumentException("service " + c.name() + " listed twice");
      }
      for (MetricDef d : e.getValue().metrics()) {
        MetricDef prev = defs.putIfAbsent(d.name(), d);
        if (prev != null && !prev.equals(d)) {
          throw new IllegalArgumentException("metric " + d.name() + " defined differently by two checks");
        }
      }
      jobs.put(c.name(), scheduler.job(c.name(), () -> run(st))
          .every(c.interval())
          .timeout(c.timeout())
          .onOutcome(o -> record(st, o))
          .build());
    }
  }

  public boolean isEmpty() {
    return states.isEmpty();
  }

  /**
   * Starts every check on its interval. First runs are spread over the first second (or the interval, if
   * shorter) so that many checks do not fire in the same millisecond.
   */
  public synchronized HealthChecks start() {
    if (started) {
      return this;
    }
    started = true;
    int i = 0;
    int n = jobs.size();
    for (CheckState st : states.values()) {
      long spread = Math.min(1000, st.cfg.interval().toMillis());
      jobs.get(st.cfg.name()).start(Duration.ofMillis(spread * i / n));
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
    ScheduledJob<CheckResult> job = jobs.get(service);
    if (job == null) {
      throw new IllegalArgumentException("no service check " + service);
    }
    return job.runNow().thenAccept(o -> { });
  }

  /**
   * Runs every check once, concurrently, and waits until each has a result (success, failure or its
   * timeout): for {@code probe} and {@code print-metrics}.
   */
  public void runAllOnce() {
    List<CompletableFuture<?>> all = new ArrayList<>();
    long maxTimeoutMs = 0;
    for (CheckState st : states.values()) {
      all.add(jobs.get(st.cfg.name()).runNow());
      maxTimeoutMs = Math.max(maxTimeoutMs, st.cfg.timeout().toMillis());
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(maxTimeoutMs + 2000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("not every service check finished: {}", e.toString());
    }
  }

  /** One run of a check, on a worker thread. */
  private static CheckResult run(CheckState st) throws Exception {
    CheckResult r = st.check.run(new CheckContext(st.cfg.timeout()));
    if (r == null) {
      throw new CheckException(Reason.PROTOCOL, "check returned no result");
    }
    return r;
  }

  private long epochMillis(long nanos) {
    return epochBaseMillis + (nanos - nanoBase) / 1_000_000;
  }

  /** The scheduler's outcome of one run → history entry, state, log line, listeners. */
  private void record(CheckState st, Scheduler.Outcome<CheckResult> o) {
    ServiceCheckConfig c = st.cfg;
    Reason reason = null;
    String message = "ok";
    switch (o.status()) {
      case OK -> { }
      case FAILED -> {
        reason = Failures.classify(o.error());
        message = Failures.describe(o.error(), c.target());
      }
      case TIMED_OUT -> {
        reason = Reason.TIMEOUT;
        message = "no answer within " + c.timeout().toMillis() + "ms";
      }
      case STILL_RUNNING -> {
        reason = Reason.TIMEOUT;
        message = "previous check still running after its " + c.timeout().toMillis() + "ms timeout (target hung)";
      }
      case INTERNAL -> {
        // the exporter itself could not run the check (no thread, no memory): not the target's fault
        LOG.error("service check {}: could not run the check", c.name(), o.error());
        reason = Reason.PROTOCOL;
        message = "exporter could not run the check: " + Failures.describe(o.error());
      }
      default -> throw new IllegalStateException(o.status().toString());
    }
    HistoryEntry e = new HistoryEntry(epochMillis(o.plannedNanos()), epochMillis(o.startedNanos()), o.seconds(),
        o.ok(), reason, message);
    CheckState.Change change = st.record(e, o.ok() ? o.value() : null);
    long gen = generation.incrementAndGet();
    log(st, change, e);
    synchronized (generation) {
      generation.notifyAll();
    }
    if (!subscribers.isEmpty()) {
      Status now = st.status(gen);
      for (Consumer<Status> s : subscribers) {
        try {
          s.accept(now);
        } catch (RuntimeException ex) {
          LOG.warn("service status subscriber failed", ex);
        }
      }
    }
  }

  private static void log(CheckState st, CheckState.Change change, HistoryEntry e) {
    ServiceCheckConfig c = st.cfg;
    if (change == CheckState.Change.WENT_DOWN) {
      LOG.warn("service {} ({}) is DOWN after {} failed check(s): {}: {}", c.name(), c.kind(),
          c.failureThreshold(), e.reason().label(), e.message());
    } else if (change == CheckState.Change.WENT_UP) {
      LOG.info("service {} ({}) is up", c.name(), c.kind());
    } else if (!e.ok()) {
      int consecutive;
      synchronized (st) {
        consecutive = st.consecutiveFailures;
      }
      if (consecutive == 1 || consecutive % 100 == 0) {
        LOG.info("service {} ({}) check failed ({} in a row): {}: {}", c.name(), c.kind(), consecutive,
            e.reason().label(), e.message());
      }
    }
  }

  /** Changes whenever a result is recorded (the exposition cache is valid while it does not). */
  public long generation() {
    return generation.get();
  }

  /**
   * Waits until {@link #generation()} differs from {@code seen} (a result was recorded since) or
   * {@code max} passed, and returns the current generation: long polling for live status pages.
   */
  public long awaitChange(long seen, Duration max) throws InterruptedException {
    long until = System.nanoTime() + max.toNanos();
    synchronized (generation) {
      long now;
      while ((now = generation.get()) == seen) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return now;
        }
        TimeUnit.NANOSECONDS.timedWait(generation, left);
      }
      return now;
    }
  }

  /**
   * Calls {@code listener} with the new status of a check after each of its results is recorded, on the
   * check's thread: it must be quick and must not block. Returns a handle that unsubscribes.
   */
  public AutoCloseable subscribe(Consumer<Status> listener) {
    subscribers.add(listener);
    return () -> subscribers.remove(listener);
  }

  /** The scrape path: reads the recorded results only. Never throws for one bad check. */
  public List<MetricSnapshot> snapshots() {
    return HealthSnapshots.render(states.values(), cluster.get(), defs);
  }

  /** Current state and recent history of every check. */
  public List<Status> status() {
    long gen = generation.get();
    List<Status> out = new ArrayList<>(states.size());
    for (CheckState st : states.values()) {
      out.add(st.status(gen));
    }
    return out;
  }

  public Status status(String service) {
    CheckState st = states.get(service);
    if (st == null) {
      throw new IllegalArgumentException("no service check " + service);
    }
    return st.status(generation.get());
  }

  /** Configured checks with their effective settings. */
  public List<ServiceCheckConfig> configs() {
    return states.values().stream().map(s -> s.cfg).toList();
  }

  @Override
  public synchronized void close() {
    scheduler.close();
    for (CheckState st : states.values()) {
      try {
        st.check.close();
      } catch (RuntimeException e) {
        LOG.debug("closing check {}", st.cfg.name(), e);
      }
    }
  }
}
