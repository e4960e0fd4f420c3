package org.hpcstatus.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code POST /-/reload} (as in Prometheus and blackbox_exporter): reloads the config file and answers
 * 200 with a short text, or 400 (the config is wrong) / 500 (it could not be applied) with the error
 * naming its key. Any other method answers 405 with {@code Allow: POST}. The route table gives it
 * {@link Route.Access#AUTHENTICATED} access: it changes what the exporter does.
 */
public final class ReloadHandler implements HttpHandler {

  /** What the wiring does on a reload. */
  @FunctionalInterface
  public interface Reloader {
    Outcome reload();
  }

  /** A reload's answer: the HTTP status and a one-line text. */
  public record Outcome(int status, String message) {}

  private final Reloader reloader;

  public ReloadHandler(Reloader reloader) {
    this.reloader = reloader;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
    if (!ex.getRequestMethod().equals("POST")) {
      ex.getResponseHeaders().set("Allow", "POST");
      Responses.text(ex, 405, "use POST to reload the config\n");
      return;
    }
    Outcome o = reloader.reload();
    Responses.text(ex, o.status(), o.message().endsWith("\n") ? o.message() : o.message() + "\n");
  }
}
