package org.hpcstatus.exporter.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one producer behind every page, stream, badge and API answer: every 200 ms it looks whether the
 * exporter's state or the outages changed, and at least once a second it takes one snapshot, records
 * it in the history, builds the view and renders it once (page, JSON, SSE event). Readers only take
 * the last {@link Published} result, so a thousand open pages cost what one does.
 */
public final class StatusHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusHub.class);
  static final long TICK_MILLIS = 200;
  static final long PUBLISH_MILLIS = 1000;
  static final long SAVE_MILLIS = 60_000;

  /** One rendered state. */
  public record Published(long seq, StatusView view, byte[] page, byte[] json, byte[] event) {}

  private final StatusSource source;
  private final OutageStore outages;
  private final HistoryStore store;
  private final Clock clock;
  private final Supplier<String> cluster;
  private final History history;
  private final Object lock = new Object();
  private volatile Published current;
  private volatile List<Outage> activeOutages = List.of();
  private volatile long metricsGeneration;
  private ScheduledExecutorService timer;
  private long seq;
  private long lastGeneration = Long.MIN_VALUE;
  private long lastOutages = Long.MIN_VALUE;
  private long lastPublish;
  private long lastReload;
  private long lastSave;
  private long lastErrorLog;
  private volatile boolean poked;

  /** {@code store} null: history in memory only. {@code cluster}: the metrics' cluster label. */
  public StatusHub(StatusSource source, OutageStore outages, HistoryStore store, Clock clock, Supplier<String> cluster) {
    this.source = source;
    this.outages = outages;
    this.store = store;
    this.clock = clock;
    this.cluster = cluster;
    this.history = store == null ? new History() : store.load();
    this.lastSave = clock.millis();
    tick();
  }

  public synchronized StatusHub start() {
    if (timer == null) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "status-hub");
        t.setDaemon(true);
        return t;
      });
      timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** Asks for a publication at the next tick (an outage was posted). */
  public void poke() {
    poked = true;
  }

  /** The last publication; before {@link #start()} (one-shot commands, tests) it is brought up to date first. */
  public Published current() {
    boolean running;
    synchronized (this) {
      running = timer != null;
    }
    if (!running) {
      tick();
    }
    return current;
  }

  /** Waits until something newer than {@code afterSeq} is published, at most {@code timeoutMillis}. */
  public Published await(long afterSeq, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    synchronized (lock) {
      while (current.seq() <= afterSeq) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          break;
        }
        lock.wait(left);
      }
      return current;
    }
  }

  public <T> T withHistory(Function<History, T> f) {
    synchronized (history) {
      return f.apply(history);
    }
  }

  public OutageStore outages() {
    return outages;
  }

  /** One tick (the timer's, or a test's). Never throws: a failure is logged (at most once a minute). */
  synchronized void tick() {
    try {
      long now = clock.millis();
      if (now - lastReload >= PUBLISH_MILLIS) {
        lastReload = now;
        outages.reloadIfChanged();
      }
      long gen = source.generation();
      long ov = outages.version();
      if (poked || gen != lastGeneration || ov != lastOutages || now - lastPublish >= PUBLISH_MILLIS
          || current == null) {
        poked = false;
        lastGeneration = gen;
        lastOutages = ov;
        lastPublish = now;
        publish(now);
      }
      if (store != null && now - lastSave >= SAVE_MILLIS) {
        lastSave = now;
        save();
      }
    } catch (RuntimeException | Error e) {
      long now = System.currentTimeMillis();
      if (now - lastErrorLog > 60_000) {
        lastErrorLog = now;
        LOG.error("status page update failed; the page keeps its last state", e);
      }
    }
  }

  private void publish(long now) {
    StatusSnapshot snap = source.snapshot();
    StatusView view;
    synchronized (history) {
      for (StatusSnapshot.Service s : snap.services()) {
        history.observe(ViewBuilder.serviceKey(s.name()), s.state(), s.lastFailureReason(), now);
      }
      for (StatusSnapshot.Cluster c : snap.clusters()) {
        history.observe(ViewBuilder.clusterKey(c.name()), ViewBuilder.clusterState(c, now / 1000.0), null, now);
      }
      List<Outage> all = new ArrayList<>(outages.all());
      all.addAll(ViewBuilder.maintenance(snap.clusters()));
      view = ViewBuilder.build(snap, history, all, outages.declaredError(), now);
    }
    if (!view.active().equals(activeOutages)) {
      activeOutages = view.active();
      metricsGeneration++;
    }
    String main = PageRenderer.main(view);
    byte[] page = PageRenderer.page(view, main).getBytes(StandardCharsets.UTF_8);
    ObjectNode status = StatusJson.status(view);
    byte[] json = status.toString().getBytes(StandardCharsets.UTF_8);
    Published p;
    synchronized (lock) {
      seq++;
      ObjectNode ev = StatusJson.MAPPER.createObjectNode();
      ev.put("seq", seq).put("overall", view.overall().label).put("title", PageRenderer.title(view)).put("html", main);
      byte[] event = ("id: " + seq + "\nevent: status\ndata: " + ev + "\n\n").getBytes(StandardCharsets.UTF_8);
      p = new Published(seq, view, page, json, event);
      current = p;
      lock.notifyAll();
    }
  }

  /** Saves the history now (also every minute, and on close). */
  public void save() {
    if (store == null) {
      return;
    }
    try {
      synchronized (history) {
        history.prune(clock.millis());
        store.save(history);
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot save the status history to {}: {}", store.file(), e.toString());
    }
  }

  /** hpcstatus_outage_active / hpcstatus_maintenance_active for the scrape. */
  public List<MetricSnapshot> snapshots() {
    return StatusMetrics.snapshots(cluster.get(), activeOutages, clock.instant());
  }

  /** Changes when the active outages change (the exposition cache key). */
  public long generation() {
    return metricsGeneration;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
    save();
  }
}
