package org.hpcstatus.exporter.bench;

import org.hpcstatus.exporter.web.WebServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Locale;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.ConfigLoader;

/**
 * /metrics latency over loopback: sequential GETs from one client after the poller has filled its
 * snapshots. {@code live} uses the Slurm on this machine; {@code synthetic} fake Slurm binaries that
 * print a 10k-node / 100k-job cluster. Prints median, p99, max and the body size.
 *
 * <p>Usage: ScrapeBench live|synthetic [requests] — or ScrapeBench serve-synthetic PORT SECONDS, which
 * only serves the synthetic cluster on 127.0.0.1:PORT for an external load generator (wrk).
 */
public final class ScrapeBench {
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "live";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    String yaml = "";
    boolean serveOnly = mode.equals("serve-synthetic");
    if (mode.equals("synthetic") || serveOnly) {
      Path dir = Files.createTempDirectory("synthetic-slurm");
      Files.writeString(dir.resolve("nodes.txt"), SyntheticSlurm.nodes(10_000));
      Files.writeString(dir.resolve("partitions.txt"), SyntheticSlurm.partitions());
      Files.writeString(dir.resolve("squeue.txt"), SyntheticSlurm.squeue(100_000));
      script(dir, "scontrol", """
          case "$*" in
            "show config") echo "ClusterName = synthetic";;
            "-d -o show nodes") cat "%1$s/nodes.txt";;
            "-o show partitions") cat "%1$s/partitions.txt";;
            "ping") echo "Slurmctld(primary) at ctl is UP";;
            "-o show licenses") echo "No licenses configured";;
            *) echo "No reservations in the system";;
          esac""".formatted(dir));
      script(dir, "squeue", "cat \"" + dir.resolve("squeue.txt") + "\"");
      yaml = "slurm: {bin_dir: " + dir + "}\ncollectors:\n  scheduler: {enabled: false}\n  fairshare: {enabled: false}\n";
    }
    yaml += "accounting: {enabled: false}\n";
    try (Exporter e = new Exporter(ConfigLoader.parse(yaml), new PrometheusRegistry());
         WebServer server = e.serve("127.0.0.1", serveOnly ? n : 0)) {
      e.poller().runAllOnce();
      if (serveOnly) {
        System.out.println("serving synthetic cluster on 127.0.0.1:" + server.port());
        System.out.flush();
        Thread.sleep(Long.parseLong(args[2]) * 1000);
        return;
      }
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
      long bytes = 0;
      // Prometheus asks for gzip; measure what it gets
      HttpRequest req = HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip").build();
      for (int i = 0; i < 200; i++) { // warm-up
        bytes = client.send(req, HttpResponse.BodyHandlers.ofByteArray()).body().length;
      }
      long t0 = System.nanoTime();
      e.poller().runAllOnce(); // a new generation: the first scrape after a poll re-encodes
      long firstAfterPoll = System.nanoTime();
      client.send(req, HttpResponse.BodyHandlers.ofByteArray());
      double reencodeMs = (System.nanoTime() - firstAfterPoll) / 1e6;
      System.out.printf(Locale.ROOT, "poll of all collectors took %.0f ms; first scrape after it (re-encode) %.1f ms%n",
          (firstAfterPoll - t0) / 1e6, reencodeMs);
      long[] ns = new long[n];
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        ns[i] = System.nanoTime() - t;
        if (r.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + r.statusCode());
        }
      }
      Arrays.sort(ns);
      System.out.printf(Locale.ROOT, "scrape %s: n=%d median=%.3f ms p99=%.3f ms max=%.3f ms gzipped body=%d bytes collectors=%s%n",
          mode, n, ns[n / 2] / 1e6, ns[(int) (n * 0.99)] / 1e6, ns[n - 1] / 1e6, bytes, e.status());
    }
  }

  private static void script(Path dir, String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
