package org.hpcstatus.exporter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.hpcstatus.exporter.testing.Live;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP against the shaded jar's {@code serve} on the real Slurm testbed (a child JVM): a good config is
 * applied, a bad one keeps the process and the running config and sets the reload metrics, and the log says
 * why in one line.
 */
class ConfigReloadIT {
  static final Duration DEADLINE = Duration.ofSeconds(180);

  @TempDir
  Path tmp;

  static Path jar() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path f = p.resolve("exporter/target/hpc-status-exporter.jar");
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    return Path.of("exporter/target/hpc-status-exporter.jar");
  }

  static boolean slurmAnswers() {
    try {
      Process p = new ProcessBuilder("scontrol", "ping").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor(60, TimeUnit.SECONDS) && out.contains("is UP");
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void sighupAppliesAGoodConfigAndKeepsTheRunningOneOnABadOne() throws Exception {
    Live.require(Files.isRegularFile(jar()), "the shaded exporter jar " + jar() + " (mvn package)");
    Live.require(slurmAnswers(), "the Slurm testbed (scontrol ping)");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path config = tmp.resolve("config.yaml");
    Path log = tmp.resolve("exporter.log");
    Files.writeString(config, "accounting: {enabled: false}\n");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-jar", jar().toString(), "serve", "--config", config.toString(),
        "--web.listen-address", "127.0.0.1:" + port).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    try {
      await(p, http, metrics, log, "the licenses collector's first run",
          m -> m.contains("collector=\"licenses\"} 1.0") && m.contains("hpcstatus_config_last_reload_successful{"));

      Files.writeString(config, "accounting: {enabled: false}\ncollectors: {licenses: {enabled: false}}\n");
      hup(p);
      String m = await(p, http, metrics, log, "the reload",
          x -> x.contains("hpcstatus_config_reloads_total{") && x.contains("result=\"success\"} 1.0"));
      assertThat(m.lines().filter(l -> l.startsWith("hpcstatus_collector_success{") && l.contains("collector=\"licenses\"")))
          .isEmpty();
      assertThat(m).contains("collector=\"nodes\"} 1.0");
      assertThat(m.lines().filter(l -> l.startsWith("hpcstatus_config_last_reload_successful{"))).allMatch(l -> l.endsWith(" 1.0"));

      Files.writeString(config, "collectors: {licenses: {interval: soon}}\n");
      hup(p);
      m = await(p, http, metrics, log, "the failed reload", x -> x.contains("result=\"failure\"} 1.0"));
      assertThat(m.lines().filter(l -> l.startsWith("hpcstatus_config_last_reload_successful{"))).allMatch(l -> l.endsWith(" 0.0"));
      assertThat(m).contains("collector=\"nodes\"} 1.0");
      assertThat(p.isAlive()).isTrue();
      String text = Files.readString(log);
      assertThat(text.lines().filter(l -> l.contains("config reload (SIGHUP) failed"))).singleElement().asString()
          .contains("/collectors/licenses/interval: 'soon' is not a duration");
    } finally {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
      }
    }
  }

  static void hup(Process p) throws Exception {
    Process k = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
    assertThat(k.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).isZero();
  }

  /** Scrapes until {@code done} holds (generous deadline; the process must stay alive). */
  static String await(Process p, HttpClient http, URI uri, Path log, String what, Predicate<String> done) throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    String last = "";
    while (System.nanoTime() - end < 0) {
      assertThat(p.isAlive()).as("exporter alive; log:\n%s", Files.readString(log)).isTrue();
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        last = r.body();
        if (r.statusCode() == 200 && done.test(last)) {
          return last;
        }
      } catch (java.io.IOException e) {
        last = e.toString(); // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("waited " + DEADLINE + " for " + what + "; last answer:\n" + last + "\nlog:\n"
        + Files.readString(log));
  }
}
