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
public final class MetricsHandler implements HttpHandler {
  private final PrometheusRegistry registry;
  private final LongSupplier generation;
  private final Supplier<String> notReady;
  private final ExpositionFormats formats = ExpositionFormats.init();

  private record Key(String contentType, boolean gzip, EscapingScheme escaping) {}

  private record Encoded(long generation, byte[] body) {}

  private final Map<Key, Encoded> cache = new ConcurrentHashMap<>();

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
    String reason = notReady.get();
    if (reason != null) {
      ex.getResponseHeaders().set("Retry-After", "1");
      Responses.text(ex, 503, reason + "\n");
      return;
    }
    try {
      String accept = ex.getRequestHeaders().getFirst("Accept");
      ExpositionFormatWriter writer = formats.findWriter(accept);
      if (!writer.isAvailable()) {
        writer = formats.getPrometheusTextFormatWriter();
      }
      String encoding = ex.getRequestHeaders().getFirst("Accept-Encoding");
      boolean gzip = encoding != null && encoding.contains("gzip");
      EscapingScheme escaping = EscapingScheme.fromAcceptHeader(accept);
      Key key = new Key(writer.getContentType(), gzip, escaping);
      byte[] body = body(key, writer);
      ex.getResponseHeaders().set("Content-Type", writer.getContentType());
      if (gzip) {
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
