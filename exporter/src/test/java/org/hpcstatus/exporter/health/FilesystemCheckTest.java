package org.hpcstatus.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.ok;
import static org.hpcstatus.exporter.health.HealthTesting.HistoryEntryAssert.reason;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.hpcstatus.exporter.health.kinds.FilesystemCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemCheckTest {

  @Test
  void reportsCapacityAndInodesOfARealMount() {
    // /tmp is a plain directory on many hosts: checked as such
    try (HealthChecks hc = HealthTesting.checks("- {name: tmp, kind: filesystem, target: /tmp, require_mount: false}")) {
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
    }, () -> Set.of("/", "/lustre"))); // mounted (the mount-table check passes) but hung
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

  /** Captured from a compute node (trimmed): root, an NFS home, a Lustre scratch, a path with a space. */
  static final String MOUNTINFO = """
      22 27 0:21 / /proc rw,relatime - proc proc rw
      27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
      95 27 0:52 / /home rw,relatime shared:50 - nfs4 nas1:/export/home rw,vers=4.2,hard,proto=tcp
      101 27 0:58 / /lustre/scratch rw,flock,lazystatfs shared:55 - lustre 10.0.0.1@o2ib:/scratch rw
      102 27 0:59 / /mnt/with\\040space rw,relatime - tmpfs tmpfs rw
      garbage
      """;

  @Test
  void parsesMountInfo() throws Exception {
    var m = FilesystemCheck.class.getDeclaredMethod("parseMountPoints", String.class);
    m.setAccessible(true);
    @SuppressWarnings("unchecked")
    Set<String> points = (Set<String>) m.invoke(null, MOUNTINFO);
    assertThat(points).containsExactlyInAnyOrder("/proc", "/", "/home", "/lustre/scratch", "/mnt/with space");
  }

  static ServiceCheckConfig scratch(String extraYaml) {
    return HealthTesting.services("- {name: scratch, kind: filesystem, target: /lustre/scratch" + extraYaml + "}")
        .get(0);
  }

  /** The classic silent outage: the Lustre mount is gone, the empty directory reports the root filesystem. */
  @Test
  void unmountedPathIsUnhealthyNotTheParentFilesystem(@TempDir Path dir) {
    // a real directory that is not a mount point, checked against the real mount table
    try (HealthChecks hc = HealthTesting.checks("- {name: gone, kind: filesystem, target: '" + dir + "'}")) {
      HealthChecks.HistoryEntry e = HealthTesting.runOnce(hc, "gone");
      reason(e, Reason.UNHEALTHY);
      assertThat(e.message()).contains(dir.toString()).contains("is not a mount point");
      assertThat(HealthTesting.scrape(hc)).doesNotContain("service_filesystem_size_bytes{");
    }
    try (HealthChecks hc = HealthTesting.checks("- {name: root, kind: filesystem, target: /}")) {
      ok(HealthTesting.runOnce(hc, "root")); // "/" is always a mount point
    }
  }

  @Test
  void requireMountFollowsTheMountTable() {
    FilesystemCheck.StatFs fake = (path, inodes, ctx) -> new FilesystemCheck.Usage(100, 50, 40, 10, 5);
    FilesystemCheck.MountTable unmounted = () -> Set.of("/", "/lustre");
    FilesystemCheck.MountTable mounted = () -> Set.of("/", "/lustre/scratch");
    ServiceCheckConfig def = scratch("");
    ServiceCheckConfig off = scratch(", require_mount: false");
    assertThat(def.options(FilesystemCheck.Options.class).requireMount()).isNull();
    assertThat(off.options(FilesystemCheck.Options.class).requireMount()).isFalse();
    Map<ServiceCheckConfig, Check> m = new LinkedHashMap<>();
    m.put(def, new FilesystemCheck(def, fake, mounted));
    try (HealthChecks hc = new HealthChecks(m, () -> "test")) {
      ok(HealthTesting.runOnce(hc, "scratch"));
    }
    m.clear();
    m.put(def, new FilesystemCheck(def, fake, unmounted));
    try (HealthChecks hc = new HealthChecks(m, () -> "test")) {
      HealthChecks.HistoryEntry e = HealthTesting.runOnce(hc, "scratch");
      reason(e, Reason.UNHEALTHY);
      assertThat(e.message()).contains("/lustre/scratch").contains("not mounted");
    }
    m.clear();
    m.put(off, new FilesystemCheck(off, fake, unmounted));
    try (HealthChecks hc = new HealthChecks(m, () -> "test")) {
      ok(HealthTesting.runOnce(hc, "scratch"));
    }
  }

  @Test
  void requireMountIsOnlyForFilesystemChecks() {
    assertThatThrownBy(() -> HealthTesting.services("- {name: t, kind: tcp, target: 'h:1', require_mount: true}"))
        .hasMessageContaining("/services/0/require_mount");
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
