package org.hpcstatus.exporter.accounting;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hpcstatus.exporter.core.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounting state directory of one cluster: {@code <state_dir>/<cluster>/} holding
 * {@code state.json} (the commit point), {@code seen/<month>.g<generation>.roar} (job-id bitmaps),
 * {@code origin} (a one-line copy of where the totals start, so a lost state can be rebuilt),
 * {@code lock} and {@code quarantine/}.
 *
 * <p>Every file is replaced atomically (temp file, fsync, rename, fsync of the directory). A commit first
 * writes the changed bitmaps under new names, then renames {@code state.json}; only then are old bitmap
 * files deleted. A crash at any point leaves either the old or the new state, never a mix.
 *
 * <p>The lock is {@link FileChannel#tryLock()} on {@code lock}: on Linux the JDK implements that with
 * {@code fcntl(F_SETLK)}, i.e. a POSIX record lock (not {@code flock(2)}). It is held for the life of the
 * process and released by the kernel when the process dies; a second exporter or backfill on the same
 * directory refuses to start and says who holds it. On a shared filesystem this protects across hosts only
 * where POSIX locks are coherent across clients: NFSv4, or NFSv3 with a working lockd/NLM (not mounted
 * {@code nolock}/{@code local_lock=posix}); Lustre mounted with {@code -o flock} ({@code localflock} locks
 * only within one client node; {@code noflock} makes locking fail).
 */
public final class StateStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

  static final String STATE = "state.json";
  static final String ORIGIN = "origin";
  static final String LOCK = "lock";
  static final String SEEN = "seen";
  static final String QUARANTINE = "quarantine";
  /** One line, {@code <time> <error>}: the last failed step, until a step succeeds (read by {@code probe}). */
  static final String LAST_ERROR = "last-error";

  /** Built on first use: a backfill reads a whole month before it first needs JSON (start-up time). */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /**
   * Test hook, called with a stage name ({@code bitmaps-written}, {@code state-temp-written}) inside every
   * commit, so a crash test can kill the process at a known point of a write. Null in production.
   */
  static volatile java.util.function.Consumer<String> commitHook;

  static ObjectMapper json() {
    return Json.MAPPER;
  }

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private StateStore(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Directory name for a cluster: anything but {@code [A-Za-z0-9._-]} becomes {@code _}. */
  static String dirName(String cluster) {
    String s = cluster == null || cluster.isBlank() ? "default" : cluster.strip();
    s = s.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.startsWith(".") ? "_" + s : s;
  }

  /** The state directory of {@code cluster} under {@code root}. */
  static Path clusterDir(Path root, String cluster) {
    return root.resolve(dirName(cluster));
  }

  /** Opens (creating) {@code root/<cluster>} and takes its lock, or throws {@link StateLockedException}. */
  public static StateStore open(Path root, String cluster) throws IOException {
    Path dir = clusterDir(root, cluster);
    Files.createDirectories(dir.resolve(SEEN));
    Path lockFile = dir.resolve(LOCK);
    FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
      ch.close();
      throw new StateLockedException("accounting state directory " + dir + " is locked by another process ("
          + (holder.isEmpty() ? "holder unknown" : holder) + "); only one exporter or backfill may use it at a "
          + "time — stop the other one, or give this one its own accounting.state_dir");
    }
    String me = "pid=" + ProcessHandle.current().pid() + " host=" + host() + " since=" + Instant.now();
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    ch.force(true);
    return new StateStore(dir, ch, l);
  }

  private static String host() {
    String n = ManagementFactory.getRuntimeMXBean().getName();
    int at = n.indexOf('@');
    return at < 0 ? "?" : n.substring(at + 1);
  }

  public Path dir() {
    return dir;
  }

  Path seenDir() {
    return dir.resolve(SEEN);
  }

  /** A loaded state with its bitmaps. */
  record Loaded(AccountingState state, SeenIds seen) {}

  /**
   * Loads the state. A missing state starts fresh. A corrupt {@code state.json} is quarantined together
   * with the bitmaps and, if {@code origin} survives, a rebuild (backfill from origin to {@code now}) is
   * scheduled. A corrupt bitmap is quarantined and its month scheduled for rebuild from sacct.
   */
  Loaded load(long now) throws IOException {
    Path stateFile = dir.resolve(STATE);
    AccountingState st = null;
    if (Files.exists(stateFile)) {
      try {
        st = json().readValue(stateFile.toFile(), AccountingState.class);
        if (st == null || st.version != AccountingState.VERSION || st.totals == null) {
          throw new CorruptStateException(stateFile, "unsupported version or empty");
        }
      } catch (IOException e) {
        Path q = quarantine(stateFile);
        try (Stream<Path> files = Files.list(seenDir())) {
          for (Path p : files.toList()) {
            quarantine(p);
          }
        }
        LOG.error("accounting state {} is corrupt ({}); moved to {} — rebuilding from sacct", stateFile,
            e.getMessage(), q);
        st = null;
        Long origin = readOrigin();
        AccountingState fresh = new AccountingState();
        if (origin != null && origin < now) {
          fresh.origin = origin;
          fresh.cursor = now;
          fresh.backfill = new AccountingState.Backfill(origin, now);
          LOG.error("accounting: rebuilding totals from sacct, month by month, since {}", Instant.ofEpochSecond(origin));
        } else {
          LOG.error("accounting: no usable {} file, counting starts afresh; run `backfill --since` to restore history",
              dir.resolve(ORIGIN));
        }
        return new Loaded(fresh, new SeenIds(seenDir(), Map.of()));
      }
    }
    if (st == null) {
      return new Loaded(new AccountingState(), new SeenIds(seenDir(), Map.of()));
    }
    // drop leftovers of interrupted commits (best effort: on a read-only directory the committed state must
    // still load; the next commit removes them), verify the referenced bitmaps
    try {
      deleteUnreferenced(st.seenFiles.values());
    } catch (IOException e) {
      LOG.warn("accounting: cannot remove leftover bitmap files of an interrupted commit in {} ({}); the next "
          + "commit removes them", seenDir(), e.toString());
    }
    Map<String, String> good = new TreeMap<>();
    for (var e : st.seenFiles.entrySet()) {
      Path f = seenDir().resolve(e.getValue());
      try {
        SeenIds.read(f);
        good.put(e.getKey(), e.getValue());
      } catch (IOException ex) {
        Path q = Files.exists(f) ? quarantine(f) : null;
        LOG.error("accounting: job-id bitmap for {} is unusable ({}){}; its month will be rebuilt from sacct "
            + "before counting resumes", e.getKey(), ex.getMessage(), q == null ? "" : ", moved to " + q);
        if (!st.rebuildMonths.contains(e.getKey())) {
          st.rebuildMonths.add(e.getKey());
        }
      }
    }
    st.seenFiles = good;
    return new Loaded(st, new SeenIds(seenDir(), good));
  }

  /** Commits the state: new bitmaps first, then {@code state.json} (the commit point), then cleanup. */
  void commit(AccountingState st, SeenIds seen) throws IOException {
    if (!lock.isValid()) {
      // closed (shutdown or a config reload handing the directory to a new engine): another engine may own it now
      throw new IOException("accounting state " + dir + ": the lock was released, not committing");
    }
    st.generation++;
    Map<String, String> files = seen.writeDirty(st.generation);
    java.util.function.Consumer<String> hook = commitHook;
    if (hook != null) {
      hook.accept("bitmaps-written");
    }
    Map<String, String> previous = st.seenFiles;
    st.seenFiles = files;
    try {
      AtomicFiles.write(dir.resolve(STATE), json().writeValueAsBytes(st),
          hook == null ? null : () -> hook.accept("state-temp-written"));
    } catch (IOException | RuntimeException e) {
      st.seenFiles = previous;
      st.generation--;
      throw e;
    }
    seen.committed(files);
    // the replaced bitmaps, and leftovers of commits that failed on a disk that was full or read-only then
    deleteUnreferenced(files.values());
    if (st.origin >= 0) {
      Long o = readOrigin();
      if (o == null || o != st.origin) {
        AtomicFiles.write(dir.resolve(ORIGIN), (st.origin + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  /** Deletes every file in {@code seen/} that {@code referenced} does not name. */
  private void deleteUnreferenced(java.util.Collection<String> referenced) throws IOException {
    Set<String> keep = new HashSet<>(referenced);
    try (Stream<Path> files = Files.list(seenDir())) {
      for (Path p : files.toList()) {
        if (!keep.contains(p.getFileName().toString())) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Remembers a failed step for {@code probe}; best effort (it may be the disk that failed). */
  void recordFailure(Instant at, Throwable t) {
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    if (t instanceof Error) {
      msg = t.getClass().getSimpleName() + ": " + msg;
    }
    try {
      AtomicFiles.write(dir.resolve(LAST_ERROR), (at + " " + msg.replace('\n', ' ') + "\n")
          .getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not record the accounting failure: {}", e.toString());
    }
  }

  /** A step succeeded: the last failure is history. */
  void clearFailure() {
    try {
      Files.deleteIfExists(dir.resolve(LAST_ERROR));
    } catch (IOException e) {
      LOG.debug("could not remove {}: {}", LAST_ERROR, e.toString());
    }
  }

  private Long readOrigin() {
    try {
      return Long.parseLong(Files.readString(dir.resolve(ORIGIN), StandardCharsets.US_ASCII).strip());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  private Path quarantine(Path file) throws IOException {
    Path q = dir.resolve(QUARANTINE);
    Files.createDirectories(q);
    Path target = q.resolve(file.getFileName() + "." + System.currentTimeMillis());
    Files.move(file, target);
    return target;
  }

  List<Path> quarantined() throws IOException {
    Path q = dir.resolve(QUARANTINE);
    if (!Files.isDirectory(q)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(q)) {
      return new ArrayList<>(s.toList());
    }
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("releasing the accounting state lock: {}", e.getMessage());
    }
  }
}
