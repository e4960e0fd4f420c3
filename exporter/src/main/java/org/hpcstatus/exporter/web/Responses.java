package org.hpcstatus.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writing a whole small response (status pages, errors) in one go. */
public final class Responses {
  private Responses() {}

  /** Sends {@code body} with {@code status} and closes the exchange; HEAD gets the headers only. */
  public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    try {
      ex.getResponseHeaders().set("Content-Type", contentType);
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(status, -1);
      } else {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    } finally {
      ex.close();
    }
  }

  public static void text(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  public static void html(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }
}
