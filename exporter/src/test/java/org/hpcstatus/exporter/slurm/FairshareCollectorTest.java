package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.bench.SyntheticSlurm;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.fairshare.FairshareCollector;
import org.hpcstatus.exporter.slurm.fairshare.ShareRow;
import org.hpcstatus.exporter.slurm.fairshare.SshareParser;
import org.junit.jupiter.api.Test;

class FairshareCollectorTest {

  private static List<ShareRow> rows(String sshare) {
    Parsed<List<ShareRow>> p = SshareParser.parse(sshare);
    assertThat(p.errors()).isZero();
    return p.value();
  }

  private static int series(String text, String family) {
    Matcher m = Pattern.compile("(?m)^" + family + "\\{").matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static double value(String text, String family) {
    Matcher m = Pattern.compile("(?m)^" + family + "\\{[^}]*} (\\S+)$").matcher(text);
    assertThat(m.find()).as(family).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void thousandsOfAccountsAreCappedByConfigAndTheHiddenAreCounted() throws Exception {
    // root + 3000 accounts, 6000 user associations
    List<ShareRow> rows = rows(SyntheticSlurm.sshare(6000, 3000));
    Out out = new Out("c");
    new FairshareCollector(25, 40, List.of()).write(rows, out);
    String text = Snapshots.text(out);
    assertThat(series(text, "slurm_account_usage_raw")).isEqualTo(25);
    assertThat(series(text, "slurm_account_usage_effective")).isEqualTo(25);
    assertThat(series(text, "slurm_account_shares_normalized")).isEqualTo(25);
    // root (always first: its raw usage includes everyone's) has no LevelFS
    assertThat(series(text, "slurm_account_level_fairshare")).isEqualTo(24);
    assertThat(text).contains("slurm_account_usage_raw{account=\"root\",cluster=\"c\"} 1000000.0");
    assertThat(series(text, "slurm_user_fairshare")).isEqualTo(40);
    assertThat(series(text, "slurm_user_usage_effective")).isEqualTo(40);
    assertThat(value(text, "hpcstatus_fairshare_hidden_accounts")).isEqualTo(3001 - 25);
    assertThat(value(text, "hpcstatus_fairshare_hidden_users")).isEqualTo(6000 - 40);
    assertThat(text).doesNotContain("account=\"other\"");
  }

  @Test
  void theAccountsWithTheMostRawUsageAreKeptAndUsersOnlyUnderThem() throws Exception {
    String sshare = """
        Account|User|RawShares|NormShares|RawUsage|NormUsage|EffectvUsage|FairShare|LevelFS
        root|||0.000000|1000||1.000000||
         big||1|0.333333|700|0.7|0.7||0.5
         mid||1|0.333333|250|0.25|0.25||1.3
         tiny||1|0.333333|50|0.05|0.05||6.6
          big|alice|1|0.5|600|0.6|0.6|0.2|
          big|bob|1|0.5|100|0.1|0.1|0.7|
          big|root|1|0.5|0|0|0|0.9|
          mid|carol|1|1.0|250|0.25|0.25|0.4|
          tiny|dave|1|1.0|50|0.05|0.05|0.9|
        """;
    Out out = new Out("c");
    new FairshareCollector(3, 2, List.of("root")).write(rows(sshare), out);
    String text = Snapshots.text(out);
    assertThat(text)
        .contains("slurm_account_usage_raw{account=\"root\",cluster=\"c\"} 1000.0")
        .contains("slurm_account_level_fairshare{account=\"big\",cluster=\"c\"} 0.5")
        .contains("slurm_account_level_fairshare{account=\"mid\",cluster=\"c\"} 1.3")
        .doesNotContain("account=\"tiny\"")
        // top 2 associations under shown accounts; dave's account is hidden, root (user) is opted out
        .contains("slurm_user_fairshare{account=\"big\",cluster=\"c\",user=\"alice\"} 0.2")
        .contains("slurm_user_fairshare{account=\"mid\",cluster=\"c\",user=\"carol\"} 0.4")
        .doesNotContain("user=\"bob\"").doesNotContain("user=\"dave\"").doesNotContain("user=\"root\"")
        .contains("hpcstatus_fairshare_hidden_accounts{cluster=\"c\"} 1.0")
        .contains("hpcstatus_fairshare_hidden_users{cluster=\"c\"} 3.0");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "-b"})
  void theCapturedTestbedOutputIsUnchangedByTheDefaultCaps(String snap) throws Exception {
    List<ShareRow> rows = rows(CapturedFixturesTest.fx("sshare", snap));
    Out out = new Out("c");
    org.hpcstatus.exporter.Config d = org.hpcstatus.exporter.Config.defaults();
    new FairshareCollector(d.fairshare().topAccounts(), d.fairshare().topUsers(), d.jobs().excludeUsers())
        .write(rows, out);
    String text = Snapshots.text(out);
    long accounts = rows.stream().filter(ShareRow::isAccount).count();
    long users = rows.stream().filter(r -> !r.isAccount()).count();
    assertThat(accounts).isPositive();
    assertThat(users).isPositive();
    // every account row and every association has its series, as before the caps
    assertThat(series(text, "slurm_account_usage_raw"))
        .isEqualTo((int) rows.stream().filter(r -> r.isAccount() && r.rawUsage() != null).count());
    assertThat(series(text, "slurm_user_usage_effective"))
        .isEqualTo((int) rows.stream().filter(r -> !r.isAccount() && r.effectiveUsage() != null).count());
    for (ShareRow r : rows) {
      assertThat(text).contains(r.isAccount() ? "account=\"" + r.account() + "\"" : "user=\"" + r.user() + "\"");
    }
    assertThat(text).contains("hpcstatus_fairshare_hidden_accounts{cluster=\"c\"} 0.0")
        .contains("hpcstatus_fairshare_hidden_users{cluster=\"c\"} 0.0");
  }

  @Test
  void underTheDefaultCapsASmallClusterShowsEverything() throws Exception {
    List<ShareRow> rows = rows(SyntheticSlurm.sshare(30, 5));
    Out out = new Out("c");
    org.hpcstatus.exporter.Config d = org.hpcstatus.exporter.Config.defaults();
    new FairshareCollector(d.fairshare().topAccounts(), d.fairshare().topUsers(), d.jobs().excludeUsers())
        .write(rows, out);
    String text = Snapshots.text(out);
    assertThat(series(text, "slurm_account_usage_raw")).isEqualTo(6);
    assertThat(series(text, "slurm_user_fairshare")).isEqualTo(30);
    assertThat(text).contains("hpcstatus_fairshare_hidden_accounts{cluster=\"c\"} 0.0")
        .contains("hpcstatus_fairshare_hidden_users{cluster=\"c\"} 0.0");
  }
}
