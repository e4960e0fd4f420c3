package org.hpcstatus.exporter.status;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The status page assembled from its config: history and outages stores, the hub (one producer), the
 * HTTP routes and the SSE streams (their own executor). The exporter's wiring creates one, registers
 * {@link #routes()} and {@link #events()} and adds {@link #snapshots()} to the scrape.
 */
public final class StatusPage implements AutoCloseable {
  public static final String EVENTS_PATH = "/api/v1/events";

  private final StatusHub hub;
  private final Routes routes;
  private final EventStreams events;

  public StatusPage(StatusConfig cfg, StatusSource source, Supplier<Set<String>> services, Supplier<String> cluster,
                    Clock clock) {
    cfg.validate();
    Path dir = cfg.stateDir() == null ? null : Path.of(cfg.stateDir());
    OutageStore outages = new OutageStore(dir, cfg.outagesFile() == null ? null : Path.of(cfg.outagesFile()), services,
        clock);
    this.hub = new StatusHub(source, outages, dir == null ? null : new HistoryStore(dir), clock, cluster);
    BearerToken token;
    try {
      token = cfg.outagesTokenSha256() != null ? BearerToken.ofHash(cfg.outagesTokenSha256(), "/status/outages_token_sha256")
          : cfg.outagesTokenFile() != null ? BearerToken.ofFile(Path.of(cfg.outagesTokenFile()), "/status/outages_token_file")
          : null;
    } catch (IOException e) {
      throw new UncheckedIOException("/status/outages_token_file: cannot read " + cfg.outagesTokenFile(), e);
    }
    this.routes = new Routes(hub, token, cfg.maxBodyBytes(), clock);
    this.events = new EventStreams(hub, cfg.maxStreams(), cfg.streamMaxDuration());
  }

  public StatusPage start() {
    hub.start();
    return this;
  }

  public StatusHub hub() {
    return hub;
  }

  /** The page, API, feed and badges; false when the path is not the status page's. */
  public boolean handle(HttpExchange ex) throws IOException {
    return routes.handle(ex);
  }

  public Routes routes() {
    return routes;
  }

  public EventStreams events() {
    return events;
  }

  public List<MetricSnapshot> snapshots() {
    return hub.snapshots();
  }

  public long generation() {
    return hub.generation();
  }

  @Override
  public void close() {
    events.close();
    hub.close();
  }
}
