package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code accounting.top_accounts}: bounded series, exact sums, sticky admission, old state files. */
class AccountCapTest {
  static final long JAN = SyntheticSacct.epoch("2026-01-01");
  static final long FEB = SyntheticSacct.epoch("2026-02-01");

  @TempDir
  Path dir;

  private static String[] accounts(int n) {
    String[] a = new String[n];
    for (int i = 0; i < n; i++) {
      a[i] = "proj" + i;
    }
    return a;
  }

  private static String text(AccountingState st) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(bos, new MetricSnapshots(AccountingMetrics.render(st, "c",
        FEB / 86400, new AccountingMetrics.Health(true, 0, false))), EscapingScheme.ALLOW_UTF8);
    return bos.toString(StandardCharsets.UTF_8);
  }

  /** Sample values of {@code family} by their {@code label} value (summed), and the series count in [0]. */
  private static Map<String, Double> byLabel(String text, String family, String label, int[] series) {
    Map<String, Double> m = new HashMap<>();
    Matcher mt = Pattern.compile("(?m)^" + family + "\\{([^}]*)} (\\S+)$").matcher(text);
    while (mt.find()) {
      series[0]++;
      Matcher lv = Pattern.compile(label + "=\"([^\"]*)\"").matcher(mt.group(1));
      assertThat(lv.find()).isTrue();
      m.merge(lv.group(1), Double.parseDouble(mt.group(2)), Double::sum);
    }
    return m;
  }

  private static double gauge(String text, String family) {
    Matcher m = Pattern.compile("(?m)^" + family + "\\{[^}]*} (\\S+)$").matcher(text);
    assertThat(m.find()).as(family).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void thousandsOfAccountsAreBoundedByTopAccountsAndTheSumsStayExact() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(7, 20_000, JAN, FEB, accounts(3000));
    try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000, 40), new FakeClock(FEB + 3600))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(FEB));
      h.catchUp();
      Harness.assertMatches(h.engine.state().totals, s);
      Set<String> charged = new HashSet<>();
      h.engine.state().totals.users.values().forEach(a -> charged.addAll(a.keySet()));
      assertThat(charged.size()).as("the generator used most of the 3000 accounts").isGreaterThan(2500);

      String text = text(h.engine.state());
      int[] cpuSeries = {0};
      Map<String, Double> cpu = byLabel(text, "slurm_user_cpu_seconds_total", "account", cpuSeries);
      assertThat(cpu).hasSize(41).containsKey("other");
      int users = SyntheticSacct.USERS.length + 1; // every user may be shown, plus other
      assertThat(cpuSeries[0]).isLessThanOrEqualTo(users * 41);
      int[] jobSeries = {0};
      Map<String, Double> jobs = byLabel(text, "slurm_user_jobs_finished_total", "account", jobSeries);
      assertThat(jobs).hasSize(41);
      assertThat(jobSeries[0]).isLessThanOrEqualTo(users * 41 * JobState.ALL.length);

      long cpuTotal = s.byUser.values().stream().mapToLong(e -> e.cpu).sum();
      long gpuTotal = s.byUser.values().stream().mapToLong(e -> e.gpu).sum();
      assertThat(cpu.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo((double) cpuTotal);
      assertThat(jobs.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo((double) s.jobs);
      assertThat(byLabel(text, "slurm_user_gpu_seconds_total", "account", new int[1]).values().stream()
          .mapToDouble(Double::doubleValue).sum()).isEqualTo((double) gpuTotal);
      assertThat(gauge(text, "hpcstatus_accounting_hidden_accounts")).isEqualTo(charged.size() - 40);
      // the shown accounts are the ones with the most CPU-seconds (admitted at once by the backfill's first month)
      Map<String, Long> cpuByAccount = new HashMap<>();
      h.engine.state().totals.users.values().forEach(a -> a.forEach((acc, u) -> cpuByAccount.merge(acc, u.cpuSeconds,
          Long::sum)));
      long smallestShown = h.engine.state().visibleAccounts.stream().mapToLong(cpuByAccount::get).min().orElseThrow();
      assertThat(cpuByAccount.entrySet().stream().filter(e -> !h.engine.state().visibleAccounts.contains(e.getKey()))
          .mapToLong(Map.Entry::getValue).max().orElseThrow()).isLessThanOrEqualTo(smallestShown);
    }
  }

  @Test
  void admissionIsStickyAndARaisedCapAdmitsTheBiggestHidden() {
    AccountingState st = new AccountingState();
    long id = 1;
    for (String[] j : new String[][] {{"a", "100"}, {"b", "50"}, {"c", "10"}}) {
      st.totals.add(new JobRecord(id++, "x", "u", j[0], "batch", "normal", JobState.COMPLETED, 0, 10, 20, 10,
          Long.parseLong(j[1]), 0, 0));
    }
    Visibility.admit(st, Harness.config(0, 10, 2));
    assertThat(st.visibleAccounts).containsExactly("a", "b");
    st.totals.add(new JobRecord(id++, "x", "u", "huge", "batch", "normal", JobState.COMPLETED, 0, 10, 20, 10,
        100_000, 0, 0));
    Visibility.admit(st, Harness.config(0, 10, 2));
    assertThat(st.visibleAccounts).as("a shown account is never displaced").containsExactly("a", "b");
    assertThat(Visibility.accountLabel(st, "huge")).isEqualTo(Visibility.OTHER);
    Visibility.admit(st, Harness.config(0, 10, 3));
    assertThat(st.visibleAccounts).containsExactly("a", "b", "huge");
  }

  @Test
  void aStateFileWrittenBeforeTheCapRendersTheSameAfterLoad() throws Exception {
    SyntheticSacct s = SyntheticSacct.generate(8, 3_000, JAN, FEB);
    String before;
    try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000), new FakeClock(FEB + 3600))) {
      h.engine.startBackfill(Instant.ofEpochSecond(JAN), Instant.ofEpochSecond(FEB));
      h.catchUp();
      before = text(h.engine.state());
    }
    assertThat(before).contains("account=\"physics\",").doesNotContain("{account=\"other\",");
    // the state.json of the previous release: no visibleAccounts key
    Path state = dir.resolve("synth").resolve(StateStore.STATE);
    ObjectNode json = (ObjectNode) StateStore.json().readTree(state.toFile());
    assertThat(json.remove("visibleAccounts")).isNotNull();
    Files.write(state, StateStore.json().writeValueAsBytes(json));
    try (Harness h = new Harness(dir, s.source(new int[1]), Harness.config(0, 1000), new FakeClock(FEB + 3600))) {
      assertThat(h.engine.state().visibleAccounts).containsExactlyInAnyOrder("physics", "chemistry", "bio");
      assertThat(text(h.engine.state())).isEqualTo(before);
      Harness.assertMatches(h.engine.state().totals, s);
    }
  }
}
