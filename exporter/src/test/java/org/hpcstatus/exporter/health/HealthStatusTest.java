package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The status model the status page builds on: state, reason, since when, latency, change notification. */
class HealthStatusTest {

  @Test
  void statusCarriesStateReasonSinceAndTransitions() {
    HealthChecksTest.Scripted s = new HealthChecksTest.Scripted()
        .then(new CheckResult())
        .then(new ConnectException("Connection refused"))
        .then(new ConnectException("Connection refused"))
        .then(new CheckResult());
    try (HealthChecks hc = HealthChecksTest.single(HealthChecksTest.cfg("web", 2), s)) {
      HealthChecks.Status before = hc.status("web");
      assertThat(before.ran()).isFalse();
      assertThat(before.sinceMillis()).isZero();
      assertThat(before.latencySeconds()).isNaN();
      assertThat(before.failureReason()).isNull();

      HealthTesting.runOnce(hc, "web");
      HealthChecks.Status up = hc.status("web");
      assertThat(up.up()).isTrue();
      assertThat(up.sinceMillis()).isEqualTo(up.last().startedAtMillis());
      assertThat(up.transitions()).isEqualTo(1);
      assertThat(up.failureThreshold()).isEqualTo(2);
      assertThat(up.latencySeconds()).isGreaterThanOrEqualTo(0);

      HealthTesting.runOnce(hc, "web");
      HealthChecks.Status failing = hc.status("web");
      assertThat(failing.up()).as("one failure < threshold 2").isTrue();
      assertThat(failing.sinceMillis()).as("state did not change").isEqualTo(up.sinceMillis());
      assertThat(failing.failureReason()).startsWith("refused: ");
      assertThat(failing.lastFailure()).isSameAs(failing.last());

      HealthTesting.runOnce(hc, "web");
      HealthChecks.Status down = hc.status("web");
      assertThat(down.up()).isFalse();
      assertThat(down.sinceMillis()).isEqualTo(down.last().startedAtMillis());
      assertThat(down.transitions()).isEqualTo(2);

      HealthTesting.runOnce(hc, "web");
      HealthChecks.Status again = hc.status("web");
      assertThat(again.up()).isTrue();
      assertThat(again.failureReason()).isNull();
      assertThat(again.lastFailure()).as("kept after recovery").isEqualTo(down.last());
      assertThat(again.transitions()).isEqualTo(3);
      assertThat(again.generation()).isEqualTo(hc.generation());
    }
  }

  @Test
  void subscribersAndLongPollSeeEveryRecordedResult() throws Exception {
    try (HealthChecks hc = HealthChecksTest.single(HealthChecksTest.cfg("web", 1), new HealthChecksTest.Scripted()
        .then(new ConnectException("Connection refused")))) {
      List<HealthChecks.Status> seen = new CopyOnWriteArrayList<>();
      long g0 = hc.generation();
      assertThat(hc.awaitChange(g0, Duration.ofMillis(20))).as("nothing recorded: times out").isEqualTo(g0);
      try (AutoCloseable sub = hc.subscribe(seen::add)) {
        HealthTesting.runOnce(hc, "web");
        assertThat(hc.awaitChange(g0, Duration.ofSeconds(30))).isGreaterThan(g0);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).up()).isFalse();
        assertThat(seen.get(0).failureReason()).startsWith("refused");
      }
      HealthTesting.runOnce(hc, "web");
      assertThat(seen).as("unsubscribed").hasSize(1);
    }
  }
}
