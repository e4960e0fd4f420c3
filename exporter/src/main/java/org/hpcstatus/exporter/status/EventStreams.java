package org.hpcstatus.exporter.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /api/v1/events}: Server-Sent Events, one {@code status} event per publication of the
 * {@link StatusHub} (every second, and at once on a change). Streams run on their own threads
 * ({@link #executor()}, registered as the route's executor), never on the HTTP server's pool, so open
 * pages cannot starve {@code /metrics}; past {@code maxStreams} the answer is 503 with Retry-After.
 *
 * <p>A stream ends by itself after {@code maxDuration} (a {@code retry:} hint is sent first, and
 * EventSource reconnects): the JDK server under client_java cuts every response older than
 * {@code sun.net.httpserver.maxRspTime} (600 s, set by client_java's HTTPServer), so ending earlier
 * keeps reconnects clean and bounds how long one client holds a thread.
 */
public final class EventStreams implements HttpHandler, AutoCloseable {
  static final int RETRY_MILLIS = 1000;
  static final int SPARE_THREADS = 4;

  private final StatusHub hub;
  private final Semaphore permits;
  private final int maxStreams;
  private final long maxDurationNanos;
  private final ThreadPoolExecutor pool;
  private final AtomicInteger open = new AtomicInteger();

  public EventStreams(StatusHub hub, int maxStreams, Duration maxDuration) {
    this.hub = hub;
    this.maxStreams = maxStreams;
    this.permits = new Semaphore(maxStreams);
    this.maxDurationNanos = maxDuration.toNanos();
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(0, maxStreams + SPARE_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "status-sse-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Streams open now. */
  public int open() {
    return open.get();
  }

  /**
   * The executor the route must run this handler on (its own threads: a stream holds one for its
   * life). A few threads above {@code maxStreams} so that refusals (503) are answered, not dropped.
   */
  public ExecutorService executor() {
    return pool;
  }

  /** Streams on the calling thread (one of {@link #executor()}'s) until the client leaves or the stream's time is up. */
  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (!ex.getRequestMethod().equals("GET")) {
      Routes.send(ex, 405, "text/plain; charset=utf-8", "use GET\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!permits.tryAcquire()) {
      busy(ex);
      return;
    }
    stream(ex);
  }

  private void busy(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().set("Retry-After", "10");
    Routes.send(ex, 503, "text/plain; charset=utf-8",
        ("too many live streams (limit " + maxStreams + "); reload later\n").getBytes(StandardCharsets.UTF_8));
  }

  private void stream(HttpExchange ex) {
    open.incrementAndGet();
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.getResponseHeaders().set("X-Accel-Buffering", "no");
      // one stream per connection: when the stream ends the socket closes too (no idle keep-alive socket
      // per page), and EventSource reconnects on a fresh one
      ex.getResponseHeaders().set("Connection", "close");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      out.write(("retry: " + RETRY_MILLIS + "\n\n").getBytes(StandardCharsets.UTF_8));
      long end = System.nanoTime() + maxDurationNanos;
      long seq = -1;
      while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
        StatusHub.Published p = hub.await(seq, 2 * StatusHub.PUBLISH_MILLIS);
        if (p.seq() != seq) {
          out.write(p.event());
          seq = p.seq();
        } else {
          out.write(": idle\n\n".getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
      }
    } catch (IOException e) {
      // the client went away: the normal end of a stream
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.decrementAndGet();
      permits.release();
      ex.close();
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
