package org.hpcstatus.exporter.health.kinds;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hpcstatus.exporter.core.MetricDef;
import org.hpcstatus.exporter.health.Check;
import org.hpcstatus.exporter.health.CheckContext;
import org.hpcstatus.exporter.health.CheckException;
import org.hpcstatus.exporter.health.CheckResult;
import org.hpcstatus.exporter.health.Kind;
import org.hpcstatus.exporter.health.Reason;
import org.hpcstatus.exporter.health.ServiceCheckConfig;
import org.hpcstatus.exporter.health.Targets;

/**
 * Capacity of a mounted filesystem: bytes via {@link FileStore} (statfs), inodes via {@code stat -f}.
 * Both calls can block forever on a hung NFS/Lustre mount; they run on the scheduler's worker thread,
 * whose hard timeout records {@code timeout} and leaves at most one stuck thread per check (no new run
 * starts while it is stuck).
 *
 * <p>With {@code require_mount} (the default) the path must be a mount point in
 * {@code /proc/self/mountinfo}: an NFS/Lustre mount that is simply missing leaves an empty directory on
 * the root filesystem, whose statfs would report the root filesystem's capacity as a healthy mount.
 * Reading the mount table does not touch the mounts, so it cannot hang on a hung one.
 */
public final class FilesystemCheck implements Check {
  public static final MetricDef SIZE = Kind.gauge("service_filesystem_size_bytes", "Total size of the filesystem.");
  public static final MetricDef FREE = Kind.gauge("service_filesystem_free_bytes",
      "Free bytes (including reserved blocks).");
  public static final MetricDef AVAIL = Kind.gauge("service_filesystem_avail_bytes",
      "Bytes available to unprivileged users.");
  public static final MetricDef FILES = Kind.gauge("service_filesystem_files",
      "Total inodes (0 if the filesystem has no fixed inode table).");
  public static final MetricDef FILES_FREE = Kind.gauge("service_filesystem_files_free", "Free inodes.");

  /** {@code inodes} (default true): also count inodes; {@code require_mount} (default true): see above. */
  public record Options(Boolean inodes, @JsonProperty("require_mount") Boolean requireMount) {}

  public static final Kind<Options> KIND = new Kind<>("filesystem", Options.class, Set.of(),
      List.of(SIZE, FREE, AVAIL, FILES, FILES_FREE),
      (p, c, o, shared) -> Targets.absolutePath(p + "/target", c.target()),
      (c, o, secrets) -> new FilesystemCheck(c));


  /** The mount points currently mounted (as in {@code /proc/self/mountinfo}); replaceable in tests. */
  @FunctionalInterface
  public interface MountTable {
    Set<String> mountPoints() throws IOException;
  }

  static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  /** The statfs numbers of a path. */
  public record Usage(long size, long free, long avail, long files, long filesFree) {}

  /** Reads usage of a path; replaceable in tests to simulate a hung mount. */
  @FunctionalInterface
  public interface StatFs {
    Usage stat(Path path, boolean inodes, CheckContext ctx) throws Exception;
  }

  private final Path path;
  private final boolean inodes;
  private final boolean requireMount;
  private final StatFs statFs;
  private final MountTable mounts;

  FilesystemCheck(ServiceCheckConfig c) {
    this(c, FilesystemCheck::statfs, FilesystemCheck::procMountPoints);
  }

  /** With a replaced statfs and no mount-point check (the fake statfs stands for the whole filesystem). */
  public FilesystemCheck(ServiceCheckConfig c, StatFs statFs) {
    this(c, statFs, null);
  }

  /** {@code mounts} null: no mount-point check; otherwise the check follows {@code require_mount}. */
  public FilesystemCheck(ServiceCheckConfig c, StatFs statFs, MountTable mounts) {
    this.path = Path.of(c.target()).normalize();
    Options o = KIND.options(c);
    this.inodes = o.inodes() == null || o.inodes();
    this.requireMount = mounts != null && (o.requireMount() == null || o.requireMount());
    this.statFs = statFs;
    this.mounts = mounts;
  }

  @Override
  public CheckResult run(CheckContext ctx) throws Exception {
    if (requireMount) {
      requireMountPoint();
    }
    Usage u = statFs.stat(path, inodes, ctx);
    CheckResult r = new CheckResult()
        .add(SIZE, u.size())
        .add(FREE, u.free())
        .add(AVAIL, u.avail());
    if (inodes && u.files() >= 0) {
      r.add(FILES, u.files()).add(FILES_FREE, u.filesFree());
    }
    return r;
  }

  private void requireMountPoint() throws Exception {
    Set<String> points;
    try {
      points = mounts.mountPoints();
    } catch (IOException e) {
      throw new CheckException(Reason.PROTOCOL, "cannot read the mount table: " + e.getMessage());
    }
    if (points.contains(path.toString())) {
      return;
    }
    if (!Files.exists(path)) {
      throw new CheckException(Reason.UNHEALTHY, "path " + path + " does not exist (not mounted?)");
    }
    // the configured path may go through a symlink; mountinfo lists resolved paths. Only reached when the
    // path is not itself a mount point, so a hung mount is never resolved here.
    Path real = path.toRealPath();
    if (!points.contains(real.toString())) {
      throw new CheckException(Reason.UNHEALTHY, "path " + path + " is not a mount point (filesystem not mounted?"
          + " its statfs would be the parent filesystem's); set require_mount: false to check a plain directory");
    }
  }

  /** The mount points of this process's mount namespace. */
  static Set<String> procMountPoints() throws IOException {
    return parseMountPoints(Files.readString(MOUNTINFO, StandardCharsets.UTF_8));
  }

  /**
   * Mount points (field 5) of {@code /proc/<pid>/mountinfo} text, with the kernel's octal escapes
   * ({@code \040} for a space, …) decoded. Malformed lines are skipped.
   */
  static Set<String> parseMountPoints(String mountinfo) {
    Set<String> out = new HashSet<>();
    for (String line : mountinfo.split("\n")) {
      String[] f = line.strip().split(" ");
      if (f.length >= 5 && f[4].startsWith("/")) {
        out.add(unescape(f[4]));
      }
    }
    return out;
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
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
    return KIND.metrics();
  }
}
