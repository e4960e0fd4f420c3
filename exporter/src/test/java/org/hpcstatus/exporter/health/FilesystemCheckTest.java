package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.hpcstatus.exporter.health.kinds.FilesystemCheck;
import org.junit.jupiter.api.Test;

class FilesystemCheckTest {

  @Test
  void reportsCapacityAndInodesOfARealMount() {
    try (HealthChecks hc = HealthTesting.checks("- {name: tmp, kind: filesystem, target: /tmp}")) {
      ok(HealthTesting.runOnce(hc, "tmp"));
      String text = HealthTesting.scrape(hc);
      assertThat(text)
          .containsPattern("service_filesystem_size_bytes\\{cluster=\"test\",kind=\"filesystem\",service=\"tmp\"\\} [1-9]")
          .containsPattern("service_filesystem_avail_bytes\\{[^}]*service=\"tmp\"\\} [0-9]")
          .containsPattern("service_filesystem_free_bytes\\{[^}]*service=\"tmp\"\\} [0-9]")
          .containsPattern("service_filesystem_files\\{[^}]*service=\"tmp\"\\} [0-9]")
          .containsPattern("service_filesystem_files_free\\{[^}]*service=\"tmp\"\\} [0-9]");
    }
  }

  @Test
  void missingPathIsUnhealthy() {
    try (HealthChecks hc = HealthTesting.checks("- {name: gone, kind: filesystem, target: /nonexistent/mount}")) {
      reason(HealthTesting.runOnce(hc, "gone"), Reason.UNHEALTHY);
    }
  }

  /** A hung NFS/Lustre mount: statfs blocks in the kernel and ignores interrupts. */
  @Test
  void hungMountIsTimeoutAndDoesNotBlockOtherChecks() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    ServiceCheckConfig hungCfg = ServiceCheckConfig.of("lustre", "filesystem", "/lustre")
        .withTiming(Duration.ofSeconds(10), Duration.ofMillis(300), 1);
    ServiceCheckConfig tmpCfg = ServiceCheckConfig.of("tmp", "filesystem", "/tmp")
        .withTiming(Duration.ofSeconds(10), Duration.ofSeconds(5), 1);
    Map<ServiceCheckConfig, Check> m = new LinkedHashMap<>();
    m.put(hungCfg, new FilesystemCheck(hungCfg, (path, inodes, ctx) -> {
      while (true) {
        try {
          never.await();
        } catch (InterruptedException e) {
          // uninterruptible, like D state
        }
      }
    }));
    m.put(tmpCfg, new FilesystemCheck(tmpCfg, (path, inodes, ctx) -> new FilesystemCheck.Usage(100, 50, 40, 10, 5)));
    try (HealthChecks hc = new HealthChecks(m, () -> "test")) {
      HealthChecks.HistoryEntry e = HealthTesting.runOnce(hc, "lustre");
      reason(e, Reason.TIMEOUT);
      assertThat(e.message()).contains("300ms");
      ok(HealthTesting.runOnce(hc, "tmp"));
      assertThat(HealthTesting.scrape(hc))
          .contains("service_up{cluster=\"test\",kind=\"filesystem\",service=\"lustre\"} 0.0")
          .contains("service_filesystem_avail_bytes{cluster=\"test\",kind=\"filesystem\",service=\"tmp\"} 40.0")
          .doesNotContain("service_filesystem_avail_bytes{cluster=\"test\",kind=\"filesystem\",service=\"lustre\"}");
    }
  }

  @Test
  void parsesStatOutput() throws Exception {
    Class<?> c = FilesystemCheck.class;
    var m = c.getDeclaredMethod("parseInodes", String.class);
    m.setAccessible(true);
    assertThat((long[]) m.invoke(null, "6553600 6421773\n")).containsExactly(6553600L, 6421773L);
    assertThatThrownBy(() -> m.invoke(null, "stat: cannot read file system information"))
        .hasCauseInstanceOf(CheckException.class);
  }
}
