package org.hpcstatus.exporter.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** An engine on a temp state dir with a fake clock (its rate limiter advances the clock instead of sleeping). */
final class Harness implements AutoCloseable {
  final StateStore store;
  final AccountingEngine engine;
  final FakeClock clock;

  Harness(Path root, SacctSource.Text source, AccountingConfig config, FakeClock clock) throws IOException {
    this(root, SacctSource.text(source), config, clock);
  }

  Harness(Path root, SacctSource source, AccountingConfig config, FakeClock clock) throws IOException {
    this.clock = clock;
    this.store = StateStore.open(root, "synth");
    this.engine = new AccountingEngine(store, source, config, clock,
        new RateLimiter(config.minCallSpacing(), clock, clock.sleeper()));
  }

  static AccountingConfig config(int minJobs, int topUsers, String... exclude) {
    return config(minJobs, topUsers, null, exclude);
  }

  static AccountingConfig config(int minJobs, int topUsers, Integer topAccounts, String... exclude) {
    return new AccountingConfig(null, null, null, null, null, null, null, java.util.List.of(exclude), minJobs,
        topUsers, topAccounts);
  }

  /** Runs steps until no backfill or rebuild is pending. */
  void catchUp() throws Exception {
    while (engine.catchingUp()) {
      engine.step();
    }
  }

  Totals totalsCopy() throws IOException {
    return StateStore.json().readValue(StateStore.json().writeValueAsBytes(engine.state().totals), Totals.class);
  }

  /** Asserts the engine's totals equal the generator's independent expectations. */
  static void assertMatches(Totals t, SyntheticSacct s) {
    Map<String, long[]> got = new HashMap<>();
    t.users.forEach((u, accounts) -> accounts.values().forEach(a -> {
      long[] v = got.computeIfAbsent(u, k -> new long[5 + JobState.ALL.length]);
      v[0] += a.jobCount();
      v[1] += a.cpuSeconds;
      v[2] += a.gpuSeconds;
      v[3] += a.memoryKibSeconds;
      for (JobState st : JobState.ALL) {
        v[5 + st.ordinal()] += a.jobs[st.ordinal()];
        if (st.failure) {
          v[4] += a.jobs[st.ordinal()];
        }
      }
    }));
    assertThat(got.keySet()).isEqualTo(s.byUser.keySet());
    s.byUser.forEach((u, e) -> {
      long[] v = got.get(u);
      assertThat(new long[] {v[0], v[1], v[2], v[3], v[4]}).as("jobs, cpu, gpu, mem, failed of " + u)
          .containsExactly(e.jobs, e.cpu, e.gpu, e.memKibSeconds, e.failed);
      assertThat(java.util.Arrays.copyOfRange(v, 5, v.length)).as("jobs by state of " + u).containsExactly(e.byState);
    });
    Map<String, long[]> parts = new HashMap<>();
    long waits = 0;
    long waitSum = 0;
    for (var pe : t.partitions.entrySet()) {
      parts.put(pe.getKey(), pe.getValue().jobs);
      for (long w : pe.getValue().wait) {
        waits += w;
      }
      waitSum += pe.getValue().waitSumSeconds;
    }
    assertThat(parts.keySet()).isEqualTo(s.byPartitionState.keySet());
    s.byPartitionState.forEach((p, v) -> assertThat(parts.get(p)).as(p).containsExactly(v));
    assertThat(waits).isEqualTo(s.waitObservations);
    assertThat(waitSum).isEqualTo(s.waitSum);
  }

  @Override
  public void close() {
    store.close();
  }
}
