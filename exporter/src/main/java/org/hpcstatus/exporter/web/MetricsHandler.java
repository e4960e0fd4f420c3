package org.hpcstatus.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * {@code /metrics}, served from a cache of the encoded exposition. Snapshots only change when a
 * collector finishes a run, so encoding (and gzipping) a 10k-node cluster on every scrape would be
 * wasted work: the cache is keyed by format, compression and escaping, and invalidated by the
 * collectors' generation number. Content negotiation is client_java's (text, OpenMetrics, protobuf).
 *
 * <p>While {@code notReady} names a reason (the cluster name is not known yet), the answer is 503 with
 * that reason: a scrape never stores series under a guessed {@code cluster} label.
 */
public final class MetricsHandler implements HttpHandler, FastPath {
  private final PrometheusRegistry registry;
  private final LongSupplier generation;
  private final Supplier<String> notReady;
  private final ExpositionFormats formats = ExpositionFormats.init();

  private record Key(String contentType, boolean gzip, EscapingScheme escaping) {}

  private record Encoded(long generation, byte[] body) {}

  private record Negotiated(Key key, ExpositionFormatWriter writer) {}

  /** Bodies up to this size are written on the dispatcher thread: they fit a socket's send buffer. */
  static final int INLINE_MAX_BYTES = 64 << 10;

  private final Map<Key, Encoded> cache = new ConcurrentHashMap<>();
  private final Map<String, Negotiated> negotiated = new ConcurrentHashMap<>();

  /**
   * {@code generation} must change whenever the registry's snapshots may have; {@code notReady} returns
   * null when the exporter can answer, else why not.
   */
  public MetricsHandler(PrometheusRegistry registry, LongSupplier generation, Supplier<String> notReady) {
    this.registry = registry;
    this.generation = generation;
    this.notReady = notReady;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    answer(ex, false);
  }

  /** Answers from the cache when it holds a small enough body for this request (see {@link FastPath}). */
  @Override
  public boolean tryAnswer(HttpExchange ex) throws IOException {
    return answer(ex, true);
  }

  private boolean answer(HttpExchange ex, boolean cachedOnly) throws IOException {
    String reason = notReady.get();
    if (reason != null) {
      ex.getResponseHeaders().set("Retry-After", "1");
      Responses.text(ex, 503, reason + "\n");
      return true;
    }
    Negotiated n = negotiate(ex.getRequestHeaders().getFirst("Accept"),
        ex.getRequestHeaders().getFirst("Accept-Encoding"));
    byte[] body;
    if (cachedOnly) {
      Encoded e = cache.get(n.key());
      if (e == null || e.generation() != generation.getAsLong() || e.body().length > INLINE_MAX_BYTES) {
        return false;
      }
      body = e.body();
    } else {
      body = body(n.key(), n.writer());
    }
    try {
      ex.getResponseHeaders().set("Content-Type", n.key().contentType());
      if (n.key().gzip()) {
        ex.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(200, -1);
      } else {
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    } finally {
      ex.close();
    }
    return true;
  }

  /** Format, compression and escaping for these request headers (remembered per distinct header pair). */
  private Negotiated negotiate(String accept, String acceptEncoding) {
    String k = accept + "\n" + acceptEncoding;
    Negotiated n = negotiated.get(k);
    if (n != null) {
      return n;
    }
    ExpositionFormatWriter writer = formats.findWriter(accept);
    if (!writer.isAvailable()) {
      writer = formats.getPrometheusTextFormatWriter();
    }
    boolean gzip = acceptEncoding != null && acceptEncoding.contains("gzip");
    n = new Negotiated(new Key(writer.getContentType(), gzip, EscapingScheme.fromAcceptHeader(accept)), writer);
    if (negotiated.size() >= 64) {
      negotiated.clear(); // header values are client-chosen: bound the memo
    }
    negotiated.put(k, n);
    return n;
  }

  /** The encoded exposition for this key, re-encoded only when the collectors' generation changed. */
  byte[] body(Key key, ExpositionFormatWriter writer) throws IOException {
    long gen = generation.getAsLong();
    Encoded e = cache.get(key);
    if (e != null && e.generation() == gen) {
      return e.body();
    }
    synchronized (this) {
      e = cache.get(key);
      if (e != null && e.generation() == gen) {
        return e.body();
      }
      ByteArrayOutputStream bos = new ByteArrayOutputStream(1 << 16);
      if (key.gzip()) {
        try (GZIPOutputStream gz = new GZIPOutputStream(bos, 1 << 16)) {
          writer.write(gz, registry.scrape(), key.escaping());
        }
      } else {
        writer.write(bos, registry.scrape(), key.escaping());
      }
      byte[] body = bos.toByteArray();
      cache.put(key, new Encoded(gen, body));
      return body;
    }
  }
}
