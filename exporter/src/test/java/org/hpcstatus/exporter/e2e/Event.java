package org.hpcstatus.exporter.e2e;

import java.time.Duration;
import java.util.List;

/** A time span in which an end-to-end test made something happen (Unix seconds). */
record Event(String name, double from, double to) {
  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** Clusters whose queue-wait histogram moved within the last 10 s: what the queue-wait panels rate. */
  static final String WAITS_MOVING =
      "count(sum by (cluster) (rate(slurm_job_wait_seconds_count[10s])) > 0) or vector(0)";

  /**
   * Runs 2-second jobs of alice's on the testbed until every store shows the queue-wait histogram moving
   * in all {@code clusters} clusters at once: queue-wait panels rate it over $__rate_interval and show
   * numbers only while jobs finish. Usually the first job does it; a job counted into a series that is
   * new (its first job in that partition) has no rate yet, so at most 3 jobs are tried.
   */
  static Event finishedJob(String runId, List<PromApi> stores, int clusters, Duration deadline) throws Exception {
    double from = now();
    AssertionError last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      String job = Testbed.submitShortJob("alice", "e2e-" + runId + "-" + attempt, "physics_resv");
      try {
        Poll.until("job " + job + " finished in sacct", Duration.ofSeconds(180), Duration.ofSeconds(1),
            () -> Testbed.sacctState(job), st -> st.matches("COMPLETED|FAILED|TIMEOUT|CANCELLED.*"));
        for (PromApi s : stores) {
          Poll.until("queue waits moving in " + clusters + " clusters at once in " + s.base() + " after job " + job,
              deadline, Duration.ofMillis(250), () -> s.scalar(WAITS_MOVING, Double.NaN), n -> n >= clusters);
        }
        return new Event("job " + job + " finished", from, now());
      } catch (AssertionError e) {
        last = e;
      } finally {
        String st = Testbed.sacctState(job);
        if (st.isEmpty() || st.matches("PENDING|RUNNING")) {
          Testbed.cancel(job);
        }
      }
    }
    throw last;
  }
}
