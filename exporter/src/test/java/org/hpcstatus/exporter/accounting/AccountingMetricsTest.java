package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.core.ExporterCollector;
import org.junit.jupiter.api.Test;

class AccountingMetricsTest {
  static final long DAY = 86400;
  static final long TODAY = SyntheticSacct.epoch("2026-11-23") / DAY;
  private static long id = 1;

  private static void job(AccountingState st, String user, String account, JobState s, long endDay, long cpus,
                          long elapsed, long gpus) {
    long end = endDay * DAY + 3600;
    st.totals.add(new JobRecord(id++, "x", user, account, "batch", "normal", s, end - elapsed - 120, end - elapsed,
        end, elapsed, cpus, gpus, 1024L * 1024 * 1024));
  }

  private static String scrape(AccountingState st) throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new ExporterCollector(ExporterCollector.Part.uncached(() -> AccountingMetrics.render(st,
        "testbed", TODAY, new AccountingMetrics.Health(true, 1234, false)))));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Sums of a metric's samples by the value of one label. */
  private static Map<String, Double> sumBy(String text, String metric, String label) {
    Map<String, Double> m = new HashMap<>();
    Pattern p = Pattern.compile("^" + metric + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher mt = p.matcher(text);
    while (mt.find()) {
      Matcher lv = Pattern.compile(label + "=\"([^\"]*)\"").matcher(mt.group(1));
      String key = lv.find() ? lv.group(1) : "";
      m.merge(key, Double.parseDouble(mt.group(2)), Double::sum);
    }
    return m;
  }

  @Test
  void hiddenAndOptedOutUsersAreSummedIntoOtherAndTotalsStayExact() throws IOException {
    AccountingState st = new AccountingState();
    for (int i = 0; i < 5; i++) {
      job(st, "alice", "physics", JobState.COMPLETED, TODAY, 4, 100, 0);
    }
    job(st, "bob", "physics", JobState.FAILED, TODAY, 2, 50, 1);      // 2 jobs < min_jobs 3
    job(st, "bob", "physics", JobState.COMPLETED, TODAY, 2, 50, 1);
    for (int i = 0; i < 4; i++) {
      job(st, "carol", "chemistry", JobState.TIMEOUT, TODAY, 1, 10, 0); // opted out
    }
    Visibility.admit(st, Harness.config(3, 100, "carol"));
    assertThat(st.visibleUsers).containsExactly("alice");

    String text = scrape(st);
    Map<String, Double> cpu = sumBy(text, "slurm_user_cpu_seconds_total", "user");
    assertThat(cpu).containsOnlyKeys("alice", "other");
    assertThat(cpu.get("alice")).isEqualTo(5 * 400.0);
    assertThat(cpu.get("other")).isEqualTo(2 * 100.0 + 4 * 10.0);
    assertThat(sumBy(text, "slurm_user_jobs_finished_total", "user")).containsEntry("other", 6.0).containsEntry("alice", 5.0);
    assertThat(text).contains("slurm_user_jobs_finished_total{account=\"chemistry\",cluster=\"testbed\",state=\"timeout\",user=\"other\"} 4.0");
    assertThat(text).doesNotContain("bob").doesNotContain("carol");
    assertThat(sumBy(text, "slurm_jobs_finished_total", "state"))
        .containsEntry("completed", 6.0).containsEntry("failed", 1.0).containsEntry("timeout", 4.0);
    assertThat(text).contains("hpcstatus_accounting_hidden_users{cluster=\"testbed\"} 2.0");
    assertThat(sumBy(text, "slurm_user_gpu_seconds_total", "user")).containsEntry("other", 100.0);
  }

  @Test
  void topNCapIsStickySoSeriesDoNotFlap() {
    AccountingState st = new AccountingState();
    for (int i = 0; i < 3; i++) {
      job(st, "alice", "a", JobState.COMPLETED, TODAY, 1, 10, 0);
      job(st, "bob", "a", JobState.COMPLETED, TODAY, 8, 10, 0);
      job(st, "carol", "a", JobState.COMPLETED, TODAY, 2, 10, 0);
    }
    AccountingConfig cfg = Harness.config(3, 2);
    Visibility.admit(st, cfg);
    assertThat(st.visibleUsers).containsExactlyInAnyOrder("bob", "carol"); // by CPU-seconds
    for (int i = 0; i < 3; i++) {
      job(st, "dave", "a", JobState.COMPLETED, TODAY, 64, 1000, 0); // bigger, but the cap is full
    }
    Visibility.admit(st, cfg);
    assertThat(st.visibleUsers).containsExactlyInAnyOrder("bob", "carol");
    Visibility.admit(st, Harness.config(3, 2, "carol")); // opting out frees a place
    assertThat(st.visibleUsers).containsExactlyInAnyOrder("bob", "dave");
  }

  @Test
  void windowsComeFromDailyRollups() throws IOException {
    AccountingState st = new AccountingState();
    for (int i = 0; i < 3; i++) {
      job(st, "alice", "a", JobState.COMPLETED, TODAY, 1, 100, 1);       // today
    }
    job(st, "alice", "a", JobState.FAILED, TODAY - 29, 1, 1000, 0);      // inside 30d (last day)
    job(st, "alice", "a", JobState.OUT_OF_MEMORY, TODAY - 30, 1, 10_000, 0); // outside 30d, inside 365d
    job(st, "alice", "a", JobState.COMPLETED, TODAY - 364, 1, 100_000, 0);
    job(st, "alice", "a", JobState.COMPLETED, TODAY - 365, 1, 1_000_000, 0); // only in "all"
    job(st, "alice", "a", JobState.COMPLETED, TODAY - 500, 1, 10_000_000, 0);
    st.totals.pruneDaily(TODAY);
    Visibility.admit(st, Harness.config(3, 100));
    String text = scrape(st);
    Map<String, Double> cpu = sumBy(text, "slurm_user_windowed_cpu_seconds", "window");
    assertThat(cpu).containsEntry("30d", 1300.0).containsEntry("365d", 111_300.0).containsEntry("all", 11_111_300.0);
    Map<String, Double> failed = sumBy(text, "slurm_user_windowed_failed_jobs", "window");
    assertThat(failed).containsEntry("30d", 1.0).containsEntry("365d", 2.0).containsEntry("all", 2.0);
    assertThat(sumBy(text, "slurm_user_windowed_jobs", "window")).containsEntry("30d", 4.0)
        .containsEntry("365d", 6.0).containsEntry("all", 8.0);
    assertThat(sumBy(text, "slurm_user_windowed_gpu_seconds", "window")).containsEntry("30d", 300.0);
  }

  @Test
  void waitHistogramAndSelfMetricsAreExposed() throws IOException {
    AccountingState st = new AccountingState();
    job(st, "alice", "a", JobState.COMPLETED, TODAY, 1, 10, 0); // waited 120 s
    st.cursor = 1_700_000_000L;
    st.skip("step", 7);
    String text = scrape(st);
    assertThat(text).contains("slurm_job_wait_seconds_bucket{cluster=\"testbed\",partition=\"batch\",le=\"60.0\"} 0")
        .contains("slurm_job_wait_seconds_bucket{cluster=\"testbed\",partition=\"batch\",le=\"300.0\"} 1")
        .contains("slurm_job_wait_seconds_bucket{cluster=\"testbed\",partition=\"batch\",le=\"604800.0\"} 1")
        .contains("slurm_job_wait_seconds_sum{cluster=\"testbed\",partition=\"batch\"} 120.0")
        .contains("hpcstatus_accounting_cursor_timestamp_seconds{cluster=\"testbed\"} 1.7E9")
        .contains("hpcstatus_accounting_rows_skipped_total{cluster=\"testbed\",reason=\"step\"} 7.0")
        .contains("hpcstatus_accounting_rows_skipped_total{cluster=\"testbed\",reason=\"malformed\"} 0.0")
        .contains("hpcstatus_accounting_success{cluster=\"testbed\"} 1.0");
  }

  @Test
  void catalogListsEveryRenderedFamily() throws IOException {
    AccountingState st = new AccountingState();
    for (int i = 0; i < 3; i++) {
      job(st, "alice", "a", JobState.COMPLETED, TODAY, 1, 10, 1);
    }
    Visibility.admit(st, Harness.config(3, 100));
    List<String> names = AccountingMetrics.metrics().stream().map(d -> d.name()).toList();
    for (var snap : AccountingMetrics.render(st, "c", TODAY, new AccountingMetrics.Health(true, 0, false))) {
      String n = snap.getMetadata().getPrometheusName();
      assertThat(names.stream().anyMatch(x -> x.equals(n) || x.equals(n + "_total"))).as(n).isTrue();
    }
    assertThat(AccountingMetrics.render(st, "c", TODAY, new AccountingMetrics.Health(true, 0, false)))
        .hasSize(AccountingMetrics.metrics().size());
  }
}
