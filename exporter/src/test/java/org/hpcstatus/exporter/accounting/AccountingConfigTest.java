package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.hpcstatus.exporter.Config;
import org.hpcstatus.exporter.config.ConfigException;
import org.hpcstatus.exporter.ConfigLoader;
import org.junit.jupiter.api.Test;

class AccountingConfigTest {

  @Test
  void emptyConfigGivesAutoAccountingWithDefaults() {
    AccountingConfig a = ConfigLoader.parse("").accounting();
    assertThat(a.enabled()).isNull();
    assertThat(a.stateDir()).isEqualTo(AccountingConfig.DEFAULT_STATE_DIR);
    assertThat(a.interval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(a.overlap()).isEqualTo(Duration.ofHours(1));
    assertThat(a.minCallSpacing()).isEqualTo(Duration.ofSeconds(30));
    assertThat(a.minJobs()).isEqualTo(3);
    assertThat(a.topUsers()).isEqualTo(200);
    assertThat(Config.defaults().accounting()).isEqualTo(a);
  }

  @Test
  void exampleConfigShowsTheDefaults() {
    java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath();
    while (!java.nio.file.Files.exists(p.resolve("config/example.yaml"))) {
      p = p.getParent();
    }
    assertThat(ConfigLoader.load(p.resolve("config/example.yaml")).accounting()).isEqualTo(AccountingConfig.defaults());
  }

  @Test
  void yamlKeysAreSnakeCase() {
    Config c = ConfigLoader.parse("""
        accounting:
          enabled: true
          state_dir: /srv/hpcstatus
          interval: 2m
          overlap: 6h
          sacct_calls_per_minute: 1
          sacct_timeout: 10m
          max_backoff: 15m
          exclude_users: [root, slurm]
          min_jobs: 5
          top_users: 50
          top_accounts: 30
        """);
    AccountingConfig a = c.accounting().validate();
    assertThat(a.enabled()).isTrue();
    assertThat(a.stateDir()).isEqualTo("/srv/hpcstatus");
    assertThat(a.interval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(a.overlap()).isEqualTo(Duration.ofHours(6));
    assertThat(a.minCallSpacing()).isEqualTo(Duration.ofSeconds(60));
    assertThat(a.sacctTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(a.maxBackoff()).isEqualTo(Duration.ofMinutes(15));
    assertThat(a.excludeUsers()).containsExactly("root", "slurm");
    assertThat(a.minJobs()).isEqualTo(5);
    assertThat(a.topUsers()).isEqualTo(50);
    assertThat(a.topAccounts()).isEqualTo(30);
    assertThat(AccountingConfig.defaults().topAccounts()).isEqualTo(200);
  }

  @Test
  void errorsNameTheYamlPath() {
    assertThatThrownBy(() -> ConfigLoader.parse("accounting:\n  min_jobz: 3\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/accounting").hasMessageContaining("min_jobz");
    assertThatThrownBy(() -> ConfigLoader.parse("accounting:\n  sacct_calls_per_minute: 0\n").accounting().validate())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/accounting/sacct_calls_per_minute");
    assertThatThrownBy(() -> ConfigLoader.parse("accounting:\n  min_jobs: -1\n").accounting().validate())
        .hasMessageStartingWith("/accounting/min_jobs");
    assertThatThrownBy(() -> ConfigLoader.parse("accounting:\n  top_accounts: -1\n").accounting().validate())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/accounting/top_accounts");
    assertThatThrownBy(() -> ConfigLoader.parse("accounting:\n  interval: soon\n"))
        .hasMessageStartingWith("/accounting/interval");
  }
}
