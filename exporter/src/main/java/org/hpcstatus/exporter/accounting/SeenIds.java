package org.hpcstatus.exporter.accounting;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.hpcstatus.exporter.core.AtomicFiles;
import org.roaringbitmap.RoaringBitmap;

/**
 * Exact dedupe of counted jobs: one {@link RoaringBitmap} of JobIDRaw per month of the job's End time.
 *
 * <p>Why per End-month: a finished job's End never changes, so every sacct window that returns it maps
 * it to the same month; months are also the backfill unit, so re-running a month consults exactly one
 * bitmap. Slurm job ids are mostly consecutive, so a month of a million jobs is a few run containers
 * (kilobytes). Ids wrap at MaxJobId (67 M by default); keying by month keeps a wrapped id distinct unless
 * a cluster runs 67 M jobs within one month.
 *
 * <p>Bounded memory: all months stay on disk forever (they are what makes a re-run backfill
 * idempotent), but only the {@link #MAX_LOADED} most recently used clean months stay in memory.
 */
final class SeenIds {
  static final int MAX_LOADED = 4;
  private static final byte[] MAGIC = "HPCSEEN1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Path dir;
  /** month → file name (committed state). */
  private final Map<String, String> files = new TreeMap<>();
  /** loaded months, access-ordered for LRU. */
  private final LinkedHashMap<String, RoaringBitmap> loaded = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Boolean> dirty = new HashMap<>();

  // one-entry cache for the hot path
  private long cacheFrom = 1;
  private long cacheTo = 0;
  private RoaringBitmap cacheBitmap;

  SeenIds(Path dir, Map<String, String> committedFiles) {
    this.dir = dir;
    this.files.putAll(committedFiles);
  }

  static String month(long epochSecond) {
    return YearMonth.from(java.time.Instant.ofEpochSecond(epochSecond).atOffset(ZoneOffset.UTC)).toString();
  }

  /** Marks job {@code id} ending at {@code end} as counted; true if it was not counted before. */
  boolean markNew(long end, long id) throws IOException {
    RoaringBitmap b;
    if (end >= cacheFrom && end < cacheTo) {
      b = cacheBitmap;
    } else {
      String m = month(end);
      b = bitmap(m);
      dirty.put(m, Boolean.TRUE);
      YearMonth ym = YearMonth.parse(m);
      cacheFrom = ym.atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
      cacheTo = ym.plusMonths(1).atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
      cacheBitmap = b;
    }
    return b.checkedAdd((int) id);
  }

  boolean contains(long end, long id) throws IOException {
    return bitmap(month(end)).contains((int) id);
  }

  /** Replaces a month's bitmap (rebuild after corruption). */
  void replace(String month, RoaringBitmap b) {
    loaded.put(month, b);
    dirty.put(month, Boolean.TRUE);
    invalidateCache();
  }

  private void invalidateCache() {
    cacheFrom = 1;
    cacheTo = 0;
    cacheBitmap = null;
  }

  private RoaringBitmap bitmap(String m) throws IOException {
    RoaringBitmap b = loaded.get(m);
    if (b != null) {
      return b;
    }
    String f = files.get(m);
    b = f == null ? new RoaringBitmap() : read(dir.resolve(f));
    loaded.put(m, b);
    return b;
  }

  long cardinality(String month) throws IOException {
    return bitmap(month).getLongCardinality();
  }

  /** Writes the dirty months as new files tagged with {@code generation}; returns the new month → file map. */
  Map<String, String> writeDirty(long generation) throws IOException {
    Files.createDirectories(dir);
    Map<String, String> next = new TreeMap<>(files);
    for (String m : dirty.keySet()) {
      RoaringBitmap b = loaded.get(m);
      b.runOptimize();
      String name = m + ".g" + generation + ".roar";
      AtomicFiles.write(dir.resolve(name), serialize(b));
      next.put(m, name);
    }
    return next;
  }

  /** After the state file referencing {@code next} is committed: forget the old files, evict clean months. */
  void committed(Map<String, String> next) {
    files.clear();
    files.putAll(next);
    dirty.clear();
    while (loaded.size() > MAX_LOADED) {
      String eldest = loaded.keySet().iterator().next();
      loaded.remove(eldest);
    }
    invalidateCache();
  }

  /** Months currently held in memory (tests check the bound). */
  int loadedMonths() {
    return loaded.size();
  }

  static byte[] serialize(RoaringBitmap b) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(b.serializedSizeInBytes() + 32);
    DataOutputStream out = new DataOutputStream(bos);
    out.write(MAGIC);
    ByteBuffer body = ByteBuffer.allocate(b.serializedSizeInBytes());
    b.serialize(body);
    byte[] bytes = body.array();
    out.writeInt(bytes.length);
    out.write(bytes);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    out.writeLong(crc.getValue());
    out.flush();
    return bos.toByteArray();
  }

  /** Reads a bitmap file; a wrong magic, length or checksum is a {@link CorruptStateException}. */
  static RoaringBitmap read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new CorruptStateException(file, "not a job-id bitmap file (bad magic)");
      }
      int len = in.readInt();
      if (len < 0 || len > all.length) {
        throw new CorruptStateException(file, "bad length " + len);
      }
      byte[] bytes = in.readNBytes(len);
      if (bytes.length != len) {
        throw new CorruptStateException(file, "truncated");
      }
      long want = in.readLong();
      CRC32 crc = new CRC32();
      crc.update(bytes);
      if (crc.getValue() != want) {
        throw new CorruptStateException(file, "checksum mismatch");
      }
      RoaringBitmap b = new RoaringBitmap();
      b.deserialize(ByteBuffer.wrap(bytes));
      return b;
    } catch (java.io.EOFException e) {
      throw new CorruptStateException(file, "truncated");
    }
  }
}
