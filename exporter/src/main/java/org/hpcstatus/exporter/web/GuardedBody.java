package org.hpcstatus.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The response body every route writes to ({@link WebServer} installs it with
 * {@link HttpExchange#setStreams} before the handler runs), so that a client that goes away mid-response
 * costs no socket.
 *
 * <p>Why it is needed: when a fixed-length body is closed with bytes still owed (the write failed because
 * the client reset the connection, or the handler threw between writes), the JDK's body stream marks itself
 * closed and then closes the exchange; the exchange's close finds the body already closed and so never
 * closes the connection. The usual handler shape, {@code try (OutputStream out = ex.getResponseBody())}
 * around the write, does exactly that, and the socket stays open for good (the JDK closes it only when the
 * IOException reaches its own code on the exchange thread). This stream, when closed after a failed write
 * or short of the announced length, closes the exchange first; the exchange's close calls back into this
 * stream, closes the real body, sees the short write and closes the connection. Complete and chunked
 * bodies are closed exactly as before.
 */
final class GuardedBody extends OutputStream {
  private final HttpExchange ex;
  private final OutputStream body;
  private long written;
  private boolean failed;
  private boolean closingExchange;
  private boolean closed;

  private GuardedBody(HttpExchange ex, OutputStream body) {
    this.ex = ex;
    this.body = body;
  }

  /** Puts a guard in front of the exchange's response body (once). */
  static void install(HttpExchange ex) {
    OutputStream b = ex.getResponseBody();
    if (!(b instanceof GuardedBody)) {
      ex.setStreams(null, new GuardedBody(ex, b));
    }
  }

  @Override
  public void write(int b) throws IOException {
    try {
      body.write(b);
      written++;
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      body.write(b, off, len);
      written += len;
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      body.flush();
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    if (!closingExchange && (failed || isShort())) {
      closingExchange = true;
      ex.close(); // comes back here (below) while the exchange can still close the connection
      if (closed) {
        return;
      }
    }
    closed = true;
    body.close();
  }

  /** Fewer bytes written than the Content-length the JDK sent (chunked bodies have none). */
  private boolean isShort() {
    String len = ex.getResponseHeaders().getFirst("Content-length");
    if (len == null || ex.getRequestMethod().equals("HEAD")) {
      return false;
    }
    try {
      return written < Long.parseLong(len.trim());
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
