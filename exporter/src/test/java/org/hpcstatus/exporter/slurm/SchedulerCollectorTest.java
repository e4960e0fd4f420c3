package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.scheduler.SchedulerCollector;
import org.hpcstatus.exporter.slurm.scheduler.Sdiag;
import org.hpcstatus.exporter.slurm.scheduler.SdiagParser;
import org.junit.jupiter.api.Test;

class SchedulerCollectorTest {

  static Sdiag withUsers(Map<String, Long> counts) {
    Map<String, Sdiag.Rpc> users = new LinkedHashMap<>();
    counts.forEach((u, c) -> users.put(u, new Sdiag.Rpc(c, c * 100)));
    return new Sdiag(Map.of(), Map.of(), Map.of(), Map.of(), users, null, null);
  }

  @Test
  void rpcUserSeriesAreStickySoCountersNeverGoBackwards() throws Exception {
    SchedulerCollector c = new SchedulerCollector();
    Map<String, Long> first = new LinkedHashMap<>();
    for (int i = 0; i < 25; i++) {
      first.put("u" + i, 100L - i); // u0..u19 are the biggest
    }
    Out o1 = new Out("c");
    c.write(withUsers(first), o1);
    String t1 = Snapshots.text(o1);
    assertThat(t1).contains("slurm_rpc_user_calls_total{cluster=\"c\",user=\"u0\"} 100.0")
        .contains("slurm_rpc_user_calls_total{cluster=\"c\",user=\"other\"} " + (80.0 + 79 + 78 + 77 + 76))
        .doesNotContain("user=\"u20\"");
    // u24 becomes the busiest user: it must stay in "other", whose counter only grows
    Map<String, Long> second = new LinkedHashMap<>(first);
    second.put("u24", 10_000L);
    Out o2 = new Out("c");
    c.write(withUsers(second), o2);
    String t2 = Snapshots.text(o2);
    assertThat(t2).doesNotContain("user=\"u24\"")
        .contains("slurm_rpc_user_calls_total{cluster=\"c\",user=\"other\"} " + (80.0 + 79 + 78 + 77 + 10_000))
        .contains("slurm_rpc_user_calls_total{cluster=\"c\",user=\"u0\"} 100.0");
  }

  @Test
  void capturedSdiagBecomesSecondsAndGauges() throws Exception {
    Out o = new Out("testbed");
    new SchedulerCollector().write(SdiagParser.parse(Fixtures.read("sdiag_22.05.8.txt")).value(), o);
    String t = Snapshots.text(o);
    assertThat(t).contains("slurm_scheduler_threads{cluster=\"testbed\"} 3.0")
        .contains("slurm_scheduler_cycle_last_seconds{cluster=\"testbed\",scheduler=\"main\"}")
        .contains("slurm_scheduler_cycle_last_seconds{cluster=\"testbed\",scheduler=\"backfill\"}")
        .contains("slurm_scheduler_stats_reset_timestamp_seconds{cluster=\"testbed\"}")
        .contains("slurm_rpc_calls_total{cluster=\"testbed\",message_type=\"REQUEST_NODE_INFO\"}")
        .contains("slurm_scheduler_jobs_since_reset{cluster=\"testbed\",event=\"submitted\"}");
  }
}
