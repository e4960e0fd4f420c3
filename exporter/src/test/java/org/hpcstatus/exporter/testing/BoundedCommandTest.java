package org.hpcstatus.exporter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoundedCommandTest {

  @Test
  void returnsOutputAndExitCode() throws Exception {
    BoundedCommand.Result r = BoundedCommand.run(List.of("sh", "-c", "echo hello; echo err >&2; exit 3"),
        Map.of("X", "1"), Duration.ofSeconds(30));
    assertThat(r.timedOut()).isFalse();
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.out()).contains("hello").contains("err");
  }

  @Test
  void deadlineAppliesEvenWhileTheCommandKeepsWritingAndChildrenHoldThePipe() throws Exception {
    // the old AccountingIT.run() read all output before waitFor(timeout): a command like this hung it forever
    BoundedCommand.Result r = BoundedCommand.run(
        List.of("sh", "-c", "echo started; sleep 600 & while true; do echo tick; sleep 0.2; done"),
        Map.of(), Duration.ofSeconds(2));
    assertThat(r.timedOut()).isTrue();
    assertThat(r.exit()).isEqualTo(-1);
    assertThat(r.out()).startsWith("started").contains("tick");
    assertThat(r.took()).isLessThan(Duration.ofSeconds(20));
  }
}
