package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.hpcstatus.exporter.web.WebServer;
import org.hpcstatus.exporter.web.security.WebSecurity;

/**
 * An exporter over {@link FakeSlurm} serving on a free port, whose config file a test rewrites and
 * reloads; a TCP listener for service checks; /metrics as text and as a set of series.
 */
final class ReloadFixture implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(120);

  final FakeSlurm fake;
  final Path file;
  final ServerSocket tcp;
  final Exporter exporter;
  final WebServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  ReloadFixture(Path dir, String yaml, WebSecurity security) throws Exception {
    fake = new FakeSlurm(Files.createDirectories(dir.resolve("bin")));
    file = dir.resolve("config.yaml");
    tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    write(yaml);
    exporter = new Exporter(ConfigLoader.load(file)).reloadFrom(() -> ConfigLoader.load(file));
    server = exporter.serve("127.0.0.1", 0, security);
    exporter.start();
    awaitFirstResults();
  }

  /** The fake Slurm, a fixed cluster name, no accounting unless the YAML says so, and {@code yaml}. */
  String config(String yaml) {
    return "cluster: reload\n" + fake.config("10s") + (yaml.contains("accounting:") ? "" : "accounting: {enabled: false}\n")
        + yaml.replace("TCP_PORT", Integer.toString(tcp.getLocalPort()));
  }

  void write(String yaml) throws IOException {
    Files.writeString(file, config(yaml));
  }

  /** Writes {@code raw} as the whole file (for syntax errors). */
  void writeRaw(String raw) throws IOException {
    Files.writeString(file, raw);
  }

  void awaitFirstResults() {
    await("every collector and check ran", () -> exporter.poller().allRan()
        && exporter.healthChecks().status().stream().allMatch(s -> s.ran()));
  }

  static void await(String what, BooleanSupplier done) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime() - end).as("waited %s for: %s", DEADLINE, what).isNegative();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String basicAuth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(120))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (basicAuth != null) {
      b.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(basicAuth.getBytes()));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  String metrics() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).as("GET /metrics").isEqualTo(200);
    return r.body();
  }

  /** The series (name and labels) of an exposition, without the reload metrics themselves. */
  static Set<String> series(String exposition) {
    Set<String> s = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("hpcstatus_config_")) {
        continue;
      }
      s.add(line.substring(0, line.lastIndexOf(' ')));
    }
    return s;
  }

  /** The value of one series of an exposition (name with labels exactly as exposed), or NaN. */
  static double value(String exposition, String series) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  @Override
  public void close() throws Exception {
    server.close();
    exporter.close();
    tcp.close();
  }
}
