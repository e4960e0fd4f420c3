package org.hpcstatus.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * A handler that can usually answer at once from memory (cached {@code /metrics} bytes). When the
 * server dispatches inline, {@link #tryAnswer} runs on the JDK's dispatcher thread — no hand-off to a
 * worker, which under CPU contention costs a thread wake-up per request — and must never block: it
 * answers and returns true, or returns false without touching the exchange, and the request goes to
 * the shared pool's {@code handle} as usual.
 */
public interface FastPath {
  boolean tryAnswer(HttpExchange ex) throws IOException;
}
