package org.hpcstatus.exporter.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.hpcstatus.exporter.slurm.Fixtures;

/**
 * Scale benchmark of the whole exporter (docs/scaling.md, run by scripts/bench-scale.sh): a synthetic cluster
 * of a chosen size as fake Slurm commands (the {@code slurm.bin_dir} approach of FakeSlurm, outputs in the
 * captured 22.05.8 layouts), served by the real shaded jar with the launcher's flags, measured from outside.
 *
 * <ul>
 *   <li>{@code generate DIR NODES JOBS USERS CHECKS PORT [default|uncapped|tight]}: writes DIR/bin (scontrol,
 *       squeue, sdiag, sshare, sacct), DIR/data and DIR/config.yaml. USERS users in USERS/20 accounts (at least
 *       10) appear in squeue, sshare and sacct (5 finished jobs each, all ending in the last 20 minutes, so the
 *       first live accounting step counts them). CHECKS service checks, half {@code tcp} against the exporter's
 *       own port PORT, half {@code filesystem} on {@code /} (no inode call): cheap and real. The profile sets
 *       the per-user caps: the defaults, all caps lifted, or tighter than the defaults.</li>
 *   <li>{@code scrape URL CHECKS ROUNDS SECONDS}: waits until every collector, accounting and every check has
 *       succeeded once, then reads the exposition once uncompressed (series by family prefix, bytes) and once
 *       gzipped (bytes), then ROUNDS rounds of SECONDS of back-to-back gzip scrapes on one keep-alive
 *       connection (median, p99, max per round), then the collectors' and commands' durations.</li>
 * </ul>
 */
public final class ScaleBench {
  private ScaleBench() {}

  static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "generate" -> generate(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]),
          args.length > 7 ? args[7] : "default");
      case "scrape" -> scrape(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]));
      default -> throw new IllegalArgumentException("usage: ScaleBench generate|scrape …");
    }
  }

  static int accounts(int users) {
    return Math.max(10, users / 20);
  }

  static void generate(Path dir, int nodes, int jobs, int users, int checks, int port, String profile)
      throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path data = Files.createDirectories(dir.resolve("data"));
    int accounts = accounts(users);
    Files.writeString(data.resolve("nodes"), SyntheticSlurm.nodes(nodes));
    Files.writeString(data.resolve("partitions"), SyntheticSlurm.partitions());
    Files.writeString(data.resolve("squeue"), SyntheticSlurm.squeue(jobs, users, accounts));
    Files.writeString(data.resolve("sshare"), SyntheticSlurm.sshare(users, accounts));
    Files.writeString(data.resolve("sdiag"), Fixtures.read("sdiag_22.05.8.txt"));
    Files.writeString(data.resolve("reservations"), Fixtures.read("scontrol-show-reservations_22.05.8.txt"));
    Files.writeString(data.resolve("licenses"), Fixtures.read("scontrol-show-licenses_22.05.8.txt"));
    Files.writeString(data.resolve("sacct"), sacct(users, accounts, Instant.now()));
    script(bin, "scontrol", """
        case "$*" in
          "show config") echo "ClusterName             = synthetic"; echo "SLURM_VERSION           = 22.05.8";;
          "-d -o show nodes") cat "%1$s/nodes";;
          "-o show partitions") cat "%1$s/partitions";;
          "-o show reservations") cat "%1$s/reservations";;
          "-o show licenses") cat "%1$s/licenses";;
          "ping") echo "Slurmctld(primary) at ctl1 is UP";;
          "--version") echo "slurm 22.05.8";;
          *) echo "fake scontrol: unexpected args $*" >&2; exit 2;;
        esac""".formatted(data));
    for (String c : new String[] {"squeue", "sdiag", "sshare", "sacct"}) {
      script(bin, c, "cat \"" + data.resolve(c) + "\"");
    }
    StringBuilder yaml = new StringBuilder()
        .append("slurm: {bin_dir: ").append(bin).append("}\n")
        .append("accounting: {enabled: true, state_dir: ").append(dir.resolve("state"));
    yaml.append(switch (profile) {
      case "default" -> "}\n";
      case "uncapped" -> ", top_users: 1000000, min_jobs: 1}\njobs: {top_users: 1000000, top_accounts: 1000000}\n";
      case "tight" -> ", top_users: 50}\njobs: {top_users: 10, top_accounts: 10}\n";
      default -> throw new IllegalArgumentException("profile " + profile);
    });
    if (checks > 0) {
      yaml.append("services:\n");
      for (int i = 0; i < checks; i++) {
        yaml.append(i % 2 == 0
            ? String.format(Locale.ROOT, "  - {name: tcp-%04d, kind: tcp, target: '127.0.0.1:%d'}%n", i, port)
            : String.format(Locale.ROOT, "  - {name: fs-%04d, kind: filesystem, target: /, inodes: false}%n", i));
      }
    }
    Files.writeString(dir.resolve("config.yaml"), yaml);
    System.out.printf(Locale.ROOT, "generated %s: nodes=%d jobs=%d users=%d accounts=%d checks=%d profile=%s%n",
        dir, nodes, jobs, users, accounts, checks, profile);
  }

  /** Five finished jobs per user (sacct -X layout of SacctParser.FORMAT), ending in the 20 minutes before now. */
  static String sacct(int users, int accounts, Instant now) {
    Random r = new Random(3);
    String[] states = {"COMPLETED", "COMPLETED", "COMPLETED", "FAILED", "CANCELLED by 1001", "TIMEOUT"};
    String[] parts = {"batch", "gpu", "long"};
    StringBuilder sb = new StringBuilder(users * 5 * 190);
    long id = 5_000_000;
    long t = now.getEpochSecond();
    for (int u = 0; u < users; u++) {
      for (int k = 0; k < 5; k++, id++) {
        long end = t - 60 - r.nextInt(1200);
        long elapsed = 60 + r.nextInt(3600);
        long start = end - elapsed;
        int cpus = 1 << r.nextInt(7);
        String part = parts[r.nextInt(parts.length)];
        String tres = "billing=" + cpus + ",cpu=" + cpus + (part.equals("gpu") ? ",gres/gpu:a100=2,gres/gpu=2" : "")
            + ",mem=" + (cpus * 4) + "G,node=1";
        sb.append(id).append('|').append(id).append("|synthetic|user").append(u).append("|acct").append(u % accounts)
            .append('|').append(part).append("|normal|").append(states[r.nextInt(states.length)]).append("|0:0|")
            .append(TS.format(Instant.ofEpochSecond(start - r.nextInt(7200)))).append('|')
            .append(TS.format(Instant.ofEpochSecond(start))).append('|').append(TS.format(Instant.ofEpochSecond(end)))
            .append('|').append(elapsed).append('|').append(cpus).append("|1|").append(cpus * 4).append("G|")
            .append(tres).append("|node").append(String.format(Locale.ROOT, "%05d", r.nextInt(1000))).append('\n');
      }
    }
    return sb.toString();
  }

  private static void script(Path dir, String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  // ---- scrape side

  static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)", Pattern.MULTILINE);

  static void scrape(URI uri, int checks, int rounds, int seconds) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest plain = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build();
    HttpRequest gzip = HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(60))
        .build();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    String body = null;
    String missing = "no answer yet";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = client.send(plain, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          missing = notReady(r.body(), checks);
          if (missing == null) {
            body = r.body();
            break;
          }
        } else {
          missing = "HTTP " + r.statusCode();
        }
      } catch (IOException e) {
        missing = e.toString();
      }
      Thread.sleep(500); // polling for readiness with a deadline; nothing is timed here
    }
    if (body == null) {
      throw new IllegalStateException("exporter not ready after 5 minutes: " + missing);
    }
    // one poll generation later, so accounting's and the checks' first numbers are all in
    body = client.send(plain, HttpResponse.BodyHandlers.ofString()).body();
    byte[] gz = client.send(gzip, HttpResponse.BodyHandlers.ofByteArray()).body();
    String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(), StandardCharsets.UTF_8);
    Map<String, Integer> byPrefix = new TreeMap<>();
    Map<String, Integer> byFamily = new TreeMap<>();
    Matcher m = SAMPLE.matcher(body);
    int series = 0;
    while (m.find()) {
      String name = m.group(1);
      series++;
      int us = name.indexOf('_');
      byPrefix.merge(us < 0 ? name : name.substring(0, us + 1), 1, Integer::sum);
      byFamily.merge(family(name), 1, Integer::sum);
    }
    System.out.printf(Locale.ROOT, "series total=%d %s%n", series, byPrefix);
    System.out.printf(Locale.ROOT, "bytes uncompressed=%d gzip=%d (gzip body unzips to %d bytes)%n",
        body.getBytes(StandardCharsets.UTF_8).length, gz.length, unzipped.length());
    System.out.println("families " + byFamily.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
        .limit(25).map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));

    for (int i = 0; i < 200; i++) { // warm-up of both JITs (C1 only in the exporter)
      client.send(gzip, HttpResponse.BodyHandlers.discarding());
    }
    for (int round = 1; round <= rounds; round++) {
      long[] ns = new long[1 << 16];
      int n = 0;
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      while (System.nanoTime() < end && n < ns.length) {
        long t = System.nanoTime();
        HttpResponse<byte[]> r = client.send(gzip, HttpResponse.BodyHandlers.ofByteArray());
        ns[n++] = System.nanoTime() - t;
        if (r.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + r.statusCode());
        }
      }
      long[] s = Arrays.copyOf(ns, n);
      Arrays.sort(s);
      System.out.printf(Locale.ROOT, "scrape round %d: n=%d median=%.3f ms p99=%.3f ms max=%.1f ms%n", round, n,
          s[n / 2] / 1e6, s[(int) (n * 0.99)] / 1e6, s[n - 1] / 1e6);
      // the last poll's durations (one poll per collector interval, 15 s by default: rounds of >= 15 s see a new one)
      String last = client.send(plain, HttpResponse.BodyHandlers.ofString()).body();
      System.out.println("collector seconds, round " + round + " " + rounded(values(last,
          "hpcstatus_collector_duration_seconds", "collector")));
      if (round == rounds) {
        System.out.println("command mean seconds since start " + commandMeans(last));
        System.out.println("service check duration " + checkMean(last));
      }
    }
  }

  static Map<String, String> rounded(Map<String, Double> v) {
    Map<String, String> out = new TreeMap<>();
    v.forEach((k, x) -> out.put(k, String.format(Locale.ROOT, "%.3f", x)));
    return out;
  }

  /** Why the exposition is not complete yet, or null. */
  static String notReady(String body, int checks) {
    Map<String, Double> ok = values(body, "hpcstatus_collector_success", "collector");
    if (ok.size() < 8 || ok.values().stream().anyMatch(v -> v != 1.0)) {
      return "collectors " + ok;
    }
    if (!Pattern.compile("^hpcstatus_accounting_success\\{[^}]*} 1(\\.0)?$", Pattern.MULTILINE).matcher(body).find()) {
      return "accounting not yet successful";
    }
    Map<String, Double> ran = values(body, "service_checks_total", "service");
    long done = ran.values().stream().filter(v -> v >= 1).count();
    return done < checks ? "checks run " + done + " of " + checks : null;
  }

  /** Values of one metric by one label (the first sample per label value). */
  static Map<String, Double> values(String body, String metric, String label) {
    Map<String, Double> out = new TreeMap<>();
    Pattern p = Pattern.compile("^" + metric + "\\{[^}]*\\b" + label + "=\"([^\"]*)\"[^}]*} (\\S+)", Pattern.MULTILINE);
    Matcher m = p.matcher(body);
    while (m.find()) {
      out.putIfAbsent(m.group(1), Double.parseDouble(m.group(2)));
    }
    return out;
  }

  static Map<String, String> commandMeans(String body) {
    Map<String, Double> sum = values(body, "hpcstatus_command_duration_seconds_sum", "command");
    Map<String, Double> count = values(body, "hpcstatus_command_duration_seconds_count", "command");
    Map<String, String> out = new TreeMap<>();
    sum.forEach((k, v) -> out.put(k, String.format(Locale.ROOT, "%.4f (n=%.0f)", v / count.get(k), count.get(k))));
    return out;
  }

  static String checkMean(String body) {
    Map<String, Double> d = values(body, "service_check_duration_seconds", "service");
    if (d.isEmpty()) {
      return "-";
    }
    double[] v = d.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return String.format(Locale.ROOT, "median %.5f max %.5f over %d checks", v[v.length / 2], v[v.length - 1], v.length);
  }

  /** The family of a sample name: histogram/summary suffixes folded (the catalog's names never end so otherwise). */
  static String family(String name) {
    for (String suffix : new String[] {"_bucket", "_sum", "_count", "_created"}) {
      if (name.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }
}
