package org.hpcstatus.exporter.bench;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.web.WebServer;

/**
 * The status page's live streams against the live testbed.
 *
 * <p>{@code StatusStreamBench latency [requests] [streams]}: /metrics latency (sequential GETs) with no
 * stream open, then with {@code streams} open SSE clients that read every event (as browsers do).
 *
 * <p>{@code StatusStreamBench lifetime SECONDS}: what {@code sun.net.httpserver.maxRspTime} (client_java's
 * HTTPServer sets it to 600 s) does to a long response: run with {@code -Dsun.net.httpserver.maxRspTime=N}
 * and a stream_max_duration of SECONDS, and see which ends the stream first.
 */
public final class StatusStreamBench {
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "latency";
    String state = Files.createTempDirectory("status-bench").toString();
    if (mode.equals("lifetime")) {
      lifetime(Integer.parseInt(args[1]), state);
      return;
    }
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int streams = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    String yaml = "accounting: {enabled: false}\nstatus: {state_dir: " + state + ", max_streams: " + (streams + 10) + "}\n";
    try (Exporter e = new Exporter(ConfigLoader.parse(yaml), new PrometheusRegistry());
         WebServer server = e.serve("127.0.0.1", 0)) {
      e.start();
      e.poller().runAllOnce();
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
      measure(client, uri, n / 2, null); // warm-up (JIT)
      measure(client, uri, n, "scrape with 0 streams open");
      List<Socket> open = new ArrayList<>();
      List<Thread> readers = new ArrayList<>();
      long bytes[] = new long[1];
      for (int i = 0; i < streams; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        OutputStream out = s.getOutputStream();
        out.write("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        open.add(s);
        Thread t = new Thread(() -> {
          byte[] buf = new byte[65536];
          try (InputStream in = s.getInputStream()) {
            for (int r; (r = in.read(buf)) > 0; ) {
              synchronized (bytes) {
                bytes[0] += r;
              }
            }
          } catch (Exception ignored) {
            // closed at the end
          }
        });
        t.setDaemon(true);
        t.start();
        readers.add(t);
      }
      while (e.statusPage().events().open() < streams) {
        Thread.sleep(50);
      }
      long b0;
      synchronized (bytes) {
        b0 = bytes[0];
      }
      long t0 = System.nanoTime();
      measure(client, uri, n, "scrape with " + streams + " streams open");
      double secs = (System.nanoTime() - t0) / 1e9;
      long b1;
      synchronized (bytes) {
        b1 = bytes[0];
      }
      System.out.printf(Locale.ROOT, "streams: %d open, %.1f MB/s of events pushed to them during the run%n",
          e.statusPage().events().open(), (b1 - b0) / secs / 1e6);
      for (Socket s : open) {
        s.close();
      }
    }
  }

  static void measure(HttpClient client, URI uri, int n, String label) throws Exception {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
      ms[i] = (System.nanoTime() - t) / 1e6;
      if (r.statusCode() != 200) {
        throw new IllegalStateException("/metrics answered " + r.statusCode());
      }
    }
    if (label == null) {
      return;
    }
    Arrays.sort(ms);
    System.out.printf(Locale.ROOT, "%s: n=%d median %.2f ms, p99 %.2f ms, max %.2f ms%n", label, n, ms[n / 2],
        ms[(int) (n * 0.99)], ms[n - 1]);
  }

  static void lifetime(int seconds, String state) throws Exception {
    String yaml = "accounting: {enabled: false}\nstatus: {state_dir: " + state + ", stream_max_duration: " + seconds
        + "s}\n";
    try (Exporter e = new Exporter(ConfigLoader.parse(yaml), new PrometheusRegistry());
         WebServer server = e.serve("127.0.0.1", 0)) {
      e.start();
      long t = System.nanoTime();
      int events = 0;
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        s.getOutputStream().write("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        byte[] buf = new byte[65536];
        StringBuilder tail = new StringBuilder();
        for (int r; (r = in.read(buf)) > 0; ) {
          String chunk = new String(buf, 0, r, StandardCharsets.UTF_8);
          int i = -1;
          while ((i = chunk.indexOf("event: status", i + 1)) >= 0) {
            events++;
          }
          tail.append(chunk);
          if (tail.length() > 200) {
            tail.delete(0, tail.length() - 200);
          }
        }
        System.out.printf(Locale.ROOT, "maxRspTime=%s stream_max_duration=%ds: stream ended after %.1f s, %d events;"
                + " last bytes end with the chunked terminator: %b%n",
            System.getProperty("sun.net.httpserver.maxRspTime", "unset"), seconds, (System.nanoTime() - t) / 1e9,
            events, tail.toString().endsWith("0\r\n\r\n"));
      }
    }
  }
}
