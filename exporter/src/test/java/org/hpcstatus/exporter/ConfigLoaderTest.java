package org.hpcstatus.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.config.Durations;
import org.hpcstatus.exporter.Collectors;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void emptyConfigGivesWorkingDefaults() {
    Config c = ConfigLoader.parse("");
    assertThat(c.web().listenAddress()).isEqualTo(":9850");
    assertThat(c.slurm().commandTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.jobs().topUsers()).isEqualTo(50);
    assertThat(Collectors.enabled(c)).extracting(s -> s.collector().name())
        .containsExactly("nodes", "partitions", "jobs", "scheduler", "fairshare", "reservations", "licenses",
            "controller");
  }

  @Test
  void readsDurationsAndCollectorSwitches() {
    Config c = ConfigLoader.parse("""
        cluster: hpc1
        slurm:
          bin_dir: /opt/slurm/bin
          command_timeout: 2500ms
        collectors:
          fairshare: {enabled: false}
          nodes: {interval: 1m}
        jobs:
          top_users: 5
          exclude_users: [root]
        """);
    assertThat(c.cluster()).isEqualTo("hpc1");
    assertThat(c.slurm().commandTimeout()).isEqualTo(Duration.ofMillis(2500));
    var enabled = Collectors.enabled(c);
    assertThat(enabled).extracting(s -> s.collector().name()).doesNotContain("fairshare");
    assertThat(enabled.get(0).interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.jobs().excludeUsers()).containsExactly("root");
  }

  @Test
  void yesNoOnOffAreBooleansOnlyWhereABooleanIsExpected() {
    // found by ConfigYamlProperties: a user called "no" was excluded as "false" (YAML 1.1 booleans)
    Config c = ConfigLoader.parse("""
        collectors:
          jobs: {enabled: no}
          nodes: {enabled: yes}
          partitions: {enabled: Off}
        jobs:
          exclude_users: [no, on, yes, off, y, n, "true"]
        """);
    assertThat(c.collectors().get("jobs").enabled()).isFalse();
    assertThat(c.collectors().get("nodes").enabled()).isTrue();
    assertThat(c.collectors().get("partitions").enabled()).isFalse();
    assertThat(c.jobs().excludeUsers()).containsExactly("no", "on", "yes", "off", "y", "n", "true");
    assertThatThrownBy(() -> ConfigLoader.parse("collectors:\n  jobs: {enabled: maybe}\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/collectors/jobs/enabled:")
        .hasMessageContaining("true or false");
  }

  @Test
  void errorsNameTheYamlPath() {
    assertThatThrownBy(() -> ConfigLoader.parse("slurm:\n  command_timeout: soon\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/slurm/command_timeout:")
        .hasMessageContaining("not a duration");
    assertThatThrownBy(() -> ConfigLoader.parse("slurm:\n  comand_timeout: 5s\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/slurm/comand_timeout:")
        .hasMessageContaining("unknown key");
    assertThatThrownBy(() -> ConfigLoader.parse("jobs:\n  top_users: many\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/jobs/top_users:");
    assertThatThrownBy(() -> Collectors.enabled(ConfigLoader.parse("collectors:\n  gpus: {enabled: true}\n")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/collectors/gpus:")
        .hasMessageContaining("unknown collector");
    assertThatThrownBy(() -> Collectors.enabled(ConfigLoader.parse("collectors:\n  nodes: {interval: 10ms}\n")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/collectors/nodes/interval:");
    assertThatThrownBy(() -> ConfigLoader.parse("slurm:\n  command_timeout: 0s\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/slurm/command_timeout:");
    assertThatThrownBy(() -> ConfigLoader.parse("slurm:\n  max_output_bytes: 0\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/slurm/max_output_bytes:");
    assertThatThrownBy(() -> ConfigLoader.parse("jobs:\n  top_users: -1\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/jobs/top_users:");
    assertThatThrownBy(() -> ConfigLoader.parse("fairshare:\n  top_accounts: -1\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/fairshare/top_accounts:");
    assertThatThrownBy(() -> ConfigLoader.parse("fairshare:\n  top_users: -5\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/fairshare/top_users:");
    assertThatThrownBy(() -> ConfigLoader.parse("fairshare:\n  top_acounts: 5\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/fairshare/top_acounts:")
        .hasMessageContaining("unknown key");
    assertThatThrownBy(() -> ConfigLoader.parse("- just\n- a list\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mapping");
    assertThatThrownBy(() -> ConfigLoader.parse("web: [unclosed\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("invalid YAML");
  }

  @Test
  void theExampleConfigLoadsAndEqualsTheDefaults() throws Exception {
    java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath();
    while (!java.nio.file.Files.exists(p.resolve("config/example.yaml"))) {
      p = p.getParent();
    }
    Config example = ConfigLoader.load(p.resolve("config/example.yaml"));
    Config defaults = Config.defaults();
    assertThat(example.web()).isEqualTo(defaults.web());
    assertThat(example.slurm()).isEqualTo(defaults.slurm());
    assertThat(example.jobs()).isEqualTo(defaults.jobs());
    assertThat(example.fairshare()).isEqualTo(defaults.fairshare());
    assertThat(Collectors.enabled(example)).extracting(s -> s.collector().name() + "@" + s.interval())
        .isEqualTo(Collectors.enabled(defaults).stream().map(s -> s.collector().name() + "@" + s.interval()).toList());
  }

  @Test
  void fairshareCapsDefaultAndTheUserCapFollowsJobsTopUsersUnlessSet() throws Exception {
    Config d = Config.defaults();
    assertThat(d.fairshare().topAccounts()).isEqualTo(200);
    assertThat(d.fairshare().topUsers()).isEqualTo(500);
    assertThat(ConfigLoader.parse("jobs: {top_users: 7}\n").fairshare().topUsers()).isEqualTo(70);
    Config set = ConfigLoader.parse("jobs: {top_users: 7}\nfairshare: {top_accounts: 3, top_users: 9}\n");
    assertThat(set.fairshare().topAccounts()).isEqualTo(3);
    assertThat(set.fairshare().topUsers()).isEqualTo(9);
  }

  @Test
  void durations() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> Durations.parse("15")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("15s junk")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Durations.format(Duration.ofSeconds(15))).isEqualTo("15s");
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
  }
}
