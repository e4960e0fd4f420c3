package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.hpcstatus.exporter.web.ReloadHandler;
import org.hpcstatus.exporter.web.security.WebSecurity;
import org.hpcstatus.exporter.core.Poller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's "a config reload with errors": a good reload changes what /metrics exposes, a bad one of any
 * kind keeps the running config (the same series) and says why, and the reload metrics tell which.
 */
class ConfigReloadTest {
  static final String SUCCESSFUL = "hpcstatus_config_last_reload_successful{cluster=\"reload\"}";
  static final String FAILURES = "hpcstatus_config_reloads_total{cluster=\"reload\",result=\"failure\"}";
  static final String SUCCESSES = "hpcstatus_config_reloads_total{cluster=\"reload\",result=\"success\"}";

  @TempDir
  Path tmp;

  @Test
  void aGoodReloadAddsACheckAndDropsACollector() throws Exception {
    try (ReloadFixture f = new ReloadFixture(tmp, "", WebSecurity.none())) {
      String before = f.metrics();
      assertThat(before).contains("hpcstatus_collector_success{cluster=\"reload\",collector=\"licenses\"} 1")
          .contains("slurm_licenses{").doesNotContain("service_up{");
      assertThat(ReloadFixture.value(before, SUCCESSFUL)).isEqualTo(1);

      f.write("""
          collectors: {licenses: {enabled: false}}
          services:
            - {name: login1, kind: tcp, target: "127.0.0.1:TCP_PORT", timeout: 5s}
          """);
      ReloadHandler.Outcome o = f.exporter.reload("test");
      assertThat(o.status()).as(o.message()).isEqualTo(200);
      assertThat(o.message()).isEqualTo("config reloaded");

      // the reload answered after the new parts had their first results: no wait, no gap
      String after = f.metrics();
      assertThat(after).contains("service_up{cluster=\"reload\",kind=\"tcp\",service=\"login1\"} 1.0")
          .doesNotContain("hpcstatus_collector_success{cluster=\"reload\",collector=\"licenses\"}")
          .doesNotContain("slurm_licenses{")
          .contains("hpcstatus_collector_success{cluster=\"reload\",collector=\"nodes\"} 1");
      assertThat(ReloadFixture.value(after, SUCCESSES)).isEqualTo(1);
      assertThat(ReloadFixture.value(after, FAILURES)).isZero();
      assertThat(f.exporter.config().services()).hasSize(1);
    }
  }

  @Test
  void everyKindOfBadConfigKeepsTheRunningOneUntilAGoodOneArrives() throws Exception {
    Path notADir = Files.writeString(tmp.resolve("plain-file"), "x");
    String good = "services:\n  - {name: login1, kind: tcp, target: \"127.0.0.1:TCP_PORT\", timeout: 5s}\n";
    try (ReloadFixture f = new ReloadFixture(tmp, good, WebSecurity.none())) {
      sacct(f);
      Set<String> running = ReloadFixture.series(f.metrics());
      Config config = f.exporter.config();
      record Bad(String yaml, boolean raw, String key) {}
      var bad = java.util.List.of(
          new Bad("slurm: [unclosed\n", true, "invalid YAML"),
          new Bad("slurmm: {}\n", false, "unknown key 'slurmm'"),
          new Bad("jobs: {top_users: -1}\n", false, "/jobs/top_users"),
          new Bad("collectors: {nodes: {interval: fast}}\n", false, "/collectors/nodes/interval"),
          new Bad("services:\n  - {name: x, kind: carrier-pigeon, target: \"h:1\"}\n", false, "/services/0/kind"),
          new Bad("accounting: {enabled: true, state_dir: " + notADir.resolve("sub") + "}\n", false,
              "/accounting/enabled"));
      double failures = 0;
      for (Bad b : bad) {
        if (b.raw()) {
          f.writeRaw(b.yaml());
        } else {
          f.write(b.yaml());
        }
        ReloadHandler.Outcome o = f.exporter.reload("test");
        assertThat(o.status()).as(b.yaml()).isEqualTo(400);
        assertThat(o.message()).as(b.yaml()).startsWith("config not reloaded, the previous config keeps running: ")
            .contains(b.key());
        String now = f.metrics();
        assertThat(ReloadFixture.series(now)).as("series after %s", b.yaml()).isEqualTo(running);
        assertThat(ReloadFixture.value(now, SUCCESSFUL)).isZero();
        assertThat(ReloadFixture.value(now, FAILURES)).isEqualTo(++failures);
        assertThat(f.exporter.config()).isSameAs(config);
        assertThat(f.exporter.healthChecks().status("login1").up()).isTrue();
      }
      f.write(good + "collectors: {nodes: {interval: 20s}}\n");
      assertThat(f.exporter.reload("test").status()).isEqualTo(200);
      String now = f.metrics();
      assertThat(ReloadFixture.value(now, SUCCESSFUL)).isEqualTo(1);
      assertThat(ReloadFixture.value(now, SUCCESSES)).isEqualTo(1);
      assertThat(now).contains("hpcstatus_collector_interval_seconds{cluster=\"reload\",collector=\"nodes\"} 20.0");
    }
  }

  /** The state-directory check comes after sacct is found: give the fake Slurm one. */
  static void sacct(ReloadFixture f) throws Exception {
    Path p = f.fake.dir().resolve("sacct");
    Files.writeString(p, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  static String bcrypt(String password) {
    byte[] salt = new byte[16];
    new java.security.SecureRandom().nextBytes(salt);
    return org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 4);
  }

  @Test
  void aChangedFairshareCapIsAppliedByAReload() throws Exception {
    try (ReloadFixture f = new ReloadFixture(tmp, "", WebSecurity.none())) {
      String before = f.metrics();
      assertThat(before).contains("slurm_account_usage_raw{")
          .contains("hpcstatus_fairshare_hidden_accounts{cluster=\"reload\"} 0.0");
      Poller old = f.exporter.poller();
      f.write("fairshare: {top_accounts: 0}\n");
      ReloadHandler.Outcome o = f.exporter.reload("test");
      assertThat(o.status()).as(o.message()).isEqualTo(200);
      assertThat(f.exporter.poller()).as("collectors rebuilt").isNotSameAs(old);
      assertThat(f.exporter.config().fairshare().topAccounts()).isZero();
      String after = f.metrics();
      assertThat(after).doesNotContain("slurm_account_usage_raw{").doesNotContain("slurm_user_fairshare{");
      assertThat(ReloadFixture.value(after, "hpcstatus_fairshare_hidden_accounts{cluster=\"reload\"}")).isPositive();
    }
  }

  @Test
  void keysThatNeedARestartKeepTheirRunningValue() throws Exception {
    try (ReloadFixture f = new ReloadFixture(tmp, "", WebSecurity.none())) {
      Files.writeString(f.file, Files.readString(f.file).replace("cluster: reload", "cluster: renamed")
          + "web: {listen_address: \":9999\"}\nstatus: {max_streams: 7}\njobs: {top_users: 3}\n");
      ReloadHandler.Outcome o = f.exporter.reload("test");
      assertThat(o.status()).isEqualTo(200);
      assertThat(o.message()).contains("needs a restart to apply: /cluster, /web, /status");
      assertThat(f.exporter.config().cluster()).isEqualTo("reload");
      assertThat(f.exporter.config().web().listenAddress()).isEqualTo(":9850");
      assertThat(f.exporter.config().status().maxStreams()).isEqualTo(256);
      assertThat(f.exporter.config().jobs().topUsers()).isEqualTo(3);
      assertThat(f.metrics()).contains("cluster=\"reload\"").doesNotContain("renamed");
    }
  }

  @Test
  void theReloadRouteNeedsCredentialsAndPost() throws Exception {
    Path web = tmp.resolve("web.yml");
    String hash = bcrypt("reload-secret-7Qz");
    Files.writeString(web, "basic_auth_users:\n  ops: \"" + hash + "\"\n");
    try (ReloadFixture f = new ReloadFixture(tmp, "", WebSecurity.load(web))) {
      HttpResponse<String> r = f.post("/-/reload", null);
      assertThat(r.statusCode()).isEqualTo(401);
      r = f.post("/-/reload", "ops:wrong");
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(ReloadFixture.value(metricsAs(f), SUCCESSES)).isZero();

      f.write("collectors: {licenses: {enabled: false}}\n");
      r = f.post("/-/reload", "ops:reload-secret-7Qz");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("config reloaded\n");
      f.write("slurm: {command_timeout: 0s}\n");
      r = f.post("/-/reload", "ops:reload-secret-7Qz");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("/slurm/command_timeout: must be greater than 0")
          .doesNotContain("reload-secret").doesNotContain(hash);

      var get = f.http.send(java.net.http.HttpRequest.newBuilder(f.uri("/-/reload"))
          .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("ops:reload-secret-7Qz".getBytes()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).hasValue("POST");
      assertThat(ReloadFixture.value(metricsAs(f), SUCCESSES)).isEqualTo(1);
      assertThat(ReloadFixture.value(metricsAs(f), FAILURES)).isEqualTo(1);
    }
  }

  @Test
  void withoutUsersTheReloadRouteIsClosed() throws Exception {
    try (ReloadFixture f = new ReloadFixture(tmp, "", WebSecurity.none())) {
      assertThat(f.post("/-/reload", null).statusCode()).isEqualTo(403);
      assertThat(ReloadFixture.value(f.metrics(), SUCCESSES)).isZero();
    }
  }

  static String metricsAs(ReloadFixture f) throws Exception {
    var r = f.http.send(java.net.http.HttpRequest.newBuilder(f.uri("/metrics"))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("ops:reload-secret-7Qz".getBytes()))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
