package org.hpcstatus.exporter.health.kinds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.ServiceCheckConfig;

/**
 * Capacity of a mounted filesystem: bytes via {@link FileStore} (statfs), inodes via {@code stat -f}.
 * Both calls can block forever on a hung NFS/Lustre mount; they run on the scheduler's worker thread,
 * whose hard timeout records {@code timeout} and leaves at most one stuck thread per check (no new run
 * starts while it is stuck).
 */
public final class FilesystemCheck implements Check {

  /** The statfs numbers of a path. */
  public record Usage(long size, long free, long avail, long files, long filesFree) {}

  /** Reads usage of a path; replaceable in tests to simulate a hung mount. */
  @FunctionalInterface
  public interface StatFs {
    Usage stat(Path path, boolean inodes, CheckContext ctx) throws Exception;
  }

  private final Path path;
  private final boolean inodes;
  private final StatFs statFs;

  FilesystemCheck(ServiceCheckConfig c) {
    this(c, FilesystemCheck::statfs);
  }

  public FilesystemCheck(ServiceCheckConfig c, StatFs statFs) {
    this.path = Path.of(c.target());
    this.inodes = c.inodes() == null || c.inodes();
    this.statFs = statFs;
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    Usage u = statFs.stat(path, inodes, ctx);
    CheckResult r = new CheckResult()
        .add(KindMetrics.FS_SIZE, u.size())
        .add(KindMetrics.FS_FREE, u.free())
        .add(KindMetrics.FS_AVAIL, u.avail());
    if (inodes && u.files() >= 0) {
      r.add(KindMetrics.FS_FILES, u.files()).add(KindMetrics.FS_FILES_FREE, u.filesFree());
    }
    return r;
  }

  static Usage statfs(Path path, boolean inodes, CheckContext ctx) throws Exception {
    FileStore fs;
    try {
      fs = Files.getFileStore(path);
    } catch (NoSuchFileException e) {
      throw new CheckException(Reason.UNHEALTHY, "path " + path + " does not exist (not mounted?)");
    }
    long size = fs.getTotalSpace();
    long free = fs.getUnallocatedSpace();
    long avail = fs.getUsableSpace();
    long files = -1;
    long filesFree = -1;
    if (inodes) {
      long[] in = inodes(path, ctx);
      files = in[0];
      filesFree = in[1];
    }
    return new Usage(size, free, avail, files, filesFree);
  }

  /** {@code stat -f -c '%c %d'}: total and free inodes. */
  static long[] inodes(Path path, CheckContext ctx) throws Exception {
    Process p = new ProcessBuilder("stat", "-f", "-c", "%c %d", "--", path.toString())
        .redirectErrorStream(true).start();
    try {
      if (!p.waitFor(ctx.remainingMillis(), TimeUnit.MILLISECONDS)) {
        throw new CheckException(Reason.TIMEOUT, "stat -f " + path + " did not finish in time");
      }
      String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        throw new CheckException(Reason.UNHEALTHY, "stat -f " + path + " failed: " + out);
      }
      return parseInodes(out);
    } catch (IOException e) {
      throw new CheckException(Reason.PROTOCOL, "stat -f " + path + ": " + e.getMessage());
    } finally {
      p.destroyForcibly();
    }
  }

  static long[] parseInodes(String out) throws CheckException {
    String[] f = out.strip().split("\\s+");
    try {
      if (f.length == 2) {
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new CheckException(Reason.PROTOCOL, "stat -f: unexpected output");
  }

  @Override
  public List<MetricDef> metrics() {
    return List.of(KindMetrics.FS_SIZE, KindMetrics.FS_FREE, KindMetrics.FS_AVAIL, KindMetrics.FS_FILES,
        KindMetrics.FS_FILES_FREE);
  }
}
