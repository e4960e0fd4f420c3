package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.jobs.Job;
import org.hpcstatus.exporter.slurm.jobs.JobsCollector;
import org.hpcstatus.exporter.slurm.jobs.SqueueParser;
import org.junit.jupiter.api.Test;

class JobsCollectorTest {

  static Job job(String id, String user, String account, String parts, String state, long cpus, long gpus) {
    return new Job(id, user, account, List.of(parts.split(",")), state, "Priority", cpus, 1, gpus, "normal",
        1_000L, null);
  }

  @Test
  void multiPartitionPendingJobCountsOnceInTotalsAndInEachPartition() throws Exception {
    Out out = new Out("c");
    new JobsCollector(50, 50, List.of()).write(List.of(
        job("1", "alice", "phys", "batch,gpu", "pending", 8, 0),
        job("2", "bob", "chem", "batch", "running", 4, 2)), out);
    String text = Snapshots.text(out);
    assertThat(text)
        .contains("slurm_jobs{cluster=\"c\",state=\"pending\"} 1.0")
        .contains("slurm_jobs{cluster=\"c\",state=\"running\"} 1.0")
        .contains("slurm_partition_jobs{cluster=\"c\",partition=\"batch\",state=\"pending\"} 1.0")
        .contains("slurm_partition_jobs{cluster=\"c\",partition=\"gpu\",state=\"pending\"} 1.0")
        .contains("slurm_job_cpus{cluster=\"c\",state=\"pending\"} 8.0")
        .contains("slurm_job_gpus{cluster=\"c\",state=\"running\"} 2.0")
        .contains("slurm_user_gpus{cluster=\"c\",state=\"running\",user=\"bob\"} 2.0")
        .contains("slurm_jobs{cluster=\"c\",state=\"suspended\"} 0.0");
  }

  @Test
  void topNFoldsTheRestIntoOtherAndKeepsTotalsExact() throws Exception {
    Out out = new Out("c");
    new JobsCollector(2, 1, List.of("root")).write(List.of(
        job("1", "big", "a1", "p", "running", 100, 0),
        job("2", "mid", "a2", "p", "running", 50, 0),
        job("3", "small", "a2", "p", "running", 1, 0),
        job("4", "small", "a3", "p", "pending", 1, 0),
        job("5", "root", "a3", "p", "running", 500, 0)), out);
    String text = Snapshots.text(out);
    assertThat(text)
        .contains("slurm_user_cpus{cluster=\"c\",state=\"running\",user=\"big\"} 100.0")
        .contains("slurm_user_cpus{cluster=\"c\",state=\"running\",user=\"mid\"} 50.0")
        // small (1) and opted-out root (500) are folded
        .contains("slurm_user_cpus{cluster=\"c\",state=\"running\",user=\"other\"} 501.0")
        .contains("slurm_user_jobs{cluster=\"c\",state=\"pending\",user=\"other\"} 1.0")
        .doesNotContain("user=\"small\"")
        .doesNotContain("user=\"root\"")
        .contains("slurm_account_cpus{account=\"a3\",cluster=\"c\",state=\"running\"} 500.0")
        .contains("slurm_account_cpus{account=\"other\",cluster=\"c\",state=\"running\"} 151.0");
  }

  @Test
  void edgeFixtureEndToEnd() throws Exception {
    Out out = new Out("c");
    new JobsCollector(50, 50, List.of()).write(
        SqueueParser.parse(Fixtures.read("edge-cases/squeue_edge.txt")).value(), out);
    assertThat(Snapshots.text(out))
        .contains("slurm_jobs_pending{cluster=\"c\",reason=\"ReqNodeNotAvail\"} 1.0")
        .contains("slurm_partition_oldest_pending_submit_timestamp_seconds{cluster=\"c\",partition=\"batch\"} 1.7954136E9");
  }
}
