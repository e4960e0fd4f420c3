package org.hpcstatus.exporter.accounting;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.common.KeyValues;
import org.hpcstatus.exporter.slurm.common.SlurmValues;

/**
 * Pure parser of {@code sacct -n -P --format=}{@link #FORMAT}. Allocation lines become
 * {@link JobRecord}s; step lines ({@code 123.batch}, {@code 123.extern}, {@code 123.0}) are skipped and
 * counted as steps, not errors; lines that cannot be understood are counted as malformed and skipped.
 *
 * <p>Hot path: it runs over millions of lines in a backfill, so fields are found by index, integers and
 * the common {@code 2026-11-23T19:29:09} timestamp are parsed by hand (falling back to
 * {@link SlurmValues#timestamp} for anything else), and the TRES map is only built for GPU jobs.
 */
public final class SacctParser {

  /** The field list we ask sacct for; the parser depends on this order. */
  public static final String FORMAT = "JobIDRaw,JobID,Cluster,User,Account,Partition,QOS,State,ExitCode,"
      + "Submit,Start,End,ElapsedRaw,AllocCPUS,NNodes,ReqMem,AllocTRES,NodeList";
  /** Terminal states we ask for ({@code -s}); with {@code -S/-E} sacct then selects by end time. */
  public static final String STATES = "CA,CD,F,NF,OOM,PR,TO,BF,DL";
  static final int FIELDS = 18;
  /**
   * Longest line accepted (sacct's are a few hundred bytes; a NodeList can make one a few MB); a longer one
   * is counted as malformed and skipped, so one bad line cannot grow the buffer without bound.
   */
  static final int MAX_LINE_BYTES = 16 << 20;
  private static final java.time.format.DateTimeFormatter SACCT_TIME =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(java.time.ZoneOffset.UTC);

  private static final int F_JOBIDRAW = 0;
  private static final int F_JOBID = 1;
  private static final int F_USER = 3;
  private static final int F_ACCOUNT = 4;
  private static final int F_PARTITION = 5;
  private static final int F_QOS = 6;
  private static final int F_STATE = 7;
  private static final int F_SUBMIT = 9;
  private static final int F_START = 10;
  private static final int F_END = 11;
  private static final int F_ELAPSED = 12;
  private static final int F_CPUS = 13;
  private static final int F_NNODES = 14;
  private static final int F_REQMEM = 15;
  private static final int F_TRES = 16;

  /** The argv of one sacct call for jobs that ended in {@code [start, end]}. */
  public static List<String> argv(Instant start, Instant end) {
    return List.of("sacct", "-a", "-X", "-n", "-P", "-S", sacctTime(start), "-E", sacctTime(end),
        "-s", STATES, "--format=" + FORMAT);
  }

  static String sacctTime(Instant t) {
    return SACCT_TIME.format(t);
  }

  /** What one parse saw besides the records. */
  public static final class Counts {
    public long jobs;
    public long steps;
    public long notFinished;
    public final Parsed.Errors errors = new Parsed.Errors();

    public long malformed() {
      return errors.count();
    }
  }

  private final int[] cuts = new int[FIELDS + 1];
  private final Interner strings = new Interner();

  /** Parses every line of {@code text}. */
  public static Parsed<List<JobRecord>> parse(String text) {
    List<JobRecord> out = new ArrayList<>();
    Counts c = new SacctParser().parse(text, out::add);
    return Parsed.of(out, c.errors);
  }

  /** Streams the records of {@code text} to {@code sink}; never throws on bad input. */
  public Counts parse(String text, Consumer<JobRecord> sink) {
    try {
      return parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), sink);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Streams the records of UTF-8 sacct output to {@code sink}, line by line over a reused byte buffer
   * (memory does not grow with the input); never throws on bad input.
   */
  public Counts parse(InputStream in, Consumer<JobRecord> sink) throws IOException {
    Counts c = new Counts();
    byte[] buf = new byte[1 << 20];
    int len = 0;
    int lineStart = 0;
    int scan = 0;
    int pipes = 0;
    boolean skipping = false; // inside a line longer than the buffer
    cuts[0] = -1;
    while (true) {
      int n = in.read(buf, len, buf.length - len);
      if (n < 0) {
        break;
      }
      len += n;
      int i = scan;
      if (skipping) {
        int nl = i;
        while (nl < len && buf[nl] != '\n') {
          nl++;
        }
        if (nl == len) {
          len = 0;
          scan = 0;
          continue;
        }
        skipping = false;
        lineStart = nl + 1;
        i = nl + 1;
        pipes = 0;
        cuts[0] = nl;
      }
      // one pass over the bytes finds both the line ends and the field separators
      for (; i < len; i++) {
        byte x = buf[i];
        if (x == '|') {
          if (pipes < FIELDS) {
            if (++pipes < FIELDS) {
              cuts[pipes] = i;
            }
          }
        } else if (x == '\n') {
          parseScanned(buf, lineStart, i, pipes, sink, c);
          lineStart = i + 1;
          pipes = 0;
          cuts[0] = i;
        }
      }
      if (lineStart == 0 && len == buf.length && buf.length < MAX_LINE_BYTES) {
        buf = Arrays.copyOf(buf, Math.min(MAX_LINE_BYTES, buf.length * 2)); // a long line: room for it
        scan = len;
      } else if (lineStart == 0 && len == buf.length) {
        // a line longer than any sacct line can be: malformed, skipped up to its end (memory stays bounded)
        c.errors.add("line longer than " + MAX_LINE_BYTES + " bytes", text(buf, 0, 120) + "…");
        skipping = true;
        len = 0;
        scan = 0;
        pipes = 0;
        cuts[0] = -1;
      } else {
        // move the partial last line to the front and rescan it (it is short)
        System.arraycopy(buf, lineStart, buf, 0, len - lineStart);
        len -= lineStart;
        lineStart = 0;
        pipes = 0;
        cuts[0] = -1;
        for (int k = 0; k < len; k++) {
          if (buf[k] == '|' && pipes < FIELDS && ++pipes < FIELDS) {
            cuts[pipes] = k;
          }
        }
        scan = len;
      }
    }
    if (len > 0 && !skipping) {
      parseScanned(buf, 0, len, pipes, sink, c);
    }
    return c;
  }

  /** Parses one line (bytes {@code [from, to)}, without the newline) into {@code sink}, or counts why not. */
  void parseLine(byte[] b, int from, int to, Consumer<JobRecord> sink, Counts c) {
    int n = 0;
    cuts[0] = from - 1;
    for (int i = from; i < to; i++) {
      if (b[i] == '|' && n < FIELDS && ++n < FIELDS) {
        cuts[n] = i;
      }
    }
    parseScanned(b, from, to, n, sink, c);
  }

  /** {@code cuts[1..pipes]} hold the separator positions of the line {@code [from, to)}. */
  private void parseScanned(byte[] b, int from, int to, int n, Consumer<JobRecord> sink, Counts c) {
    if (to > from && b[to - 1] == '\r') {
      to--;
    }
    boolean blank = true;
    for (int i = from; i < to && blank; i++) {
      blank = b[i] == ' ' || b[i] == '\t' || b[i] == '\r';
    }
    if (blank) {
      return;
    }
    if (n != FIELDS - 1) {
      c.errors.add("expected " + FIELDS + " fields", text(b, from, to));
      return;
    }
    cuts[FIELDS] = to;
    // steps: JobIDRaw "123.batch", "123.extern", "123.0"
    int idStart = cuts[F_JOBIDRAW] + 1;
    int idEnd = cuts[F_JOBIDRAW + 1];
    for (int i = idStart; i < idEnd; i++) {
      if (b[i] == '.') {
        c.steps++;
        return;
      }
    }
    long id = digits(b, idStart, idEnd);
    if (id < 0 || id > 0xFFFF_FFFFL) {
      c.errors.add("bad JobIDRaw", text(b, from, to));
      return;
    }
    JobState state = JobState.parse(field(b, F_STATE));
    if (state == null) {
      c.notFinished++;
      return;
    }
    long end = time(b, F_END);
    if (end < 0) {
      c.errors.add("finished job without End", text(b, from, to));
      return;
    }
    long elapsed = digits(b, cuts[F_ELAPSED] + 1, cuts[F_ELAPSED + 1]);
    long cpus = digits(b, cuts[F_CPUS] + 1, cuts[F_CPUS + 1]);
    if (elapsed < 0 || cpus < 0) {
      c.errors.add("bad ElapsedRaw/AllocCPUS", text(b, from, to));
      return;
    }
    long submit = time(b, F_SUBMIT);
    long start = time(b, F_START);
    int tFrom = cuts[F_TRES] + 1;
    int tTo = cuts[F_TRES + 1];
    long gpus = gpus(b, tFrom, tTo);
    long mem = allocatedMemory(b, tFrom, tTo);
    if (mem < 0) {
      mem = requestedMemory(text(b, cuts[F_REQMEM] + 1, cuts[F_REQMEM + 1]), cpus,
          digits(b, cuts[F_NNODES] + 1, cuts[F_NNODES + 1]));
    }
    String user = field(b, F_USER);
    if (user.isEmpty()) {
      user = "unknown";
    }
    c.jobs++;
    sink.accept(new JobRecord(id, new String(b, cuts[F_JOBID] + 1, cuts[F_JOBID + 1] - cuts[F_JOBID] - 1,
        StandardCharsets.ISO_8859_1), user, orNone(field(b, F_ACCOUNT)), orNone(field(b, F_PARTITION)),
        orNone(field(b, F_QOS)), state, submit, start, end, elapsed, cpus, gpus, Math.max(0, mem)));
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "none" : s;
  }

  private static String text(byte[] b, int from, int to) {
    return new String(b, from, Math.max(0, to - from), StandardCharsets.UTF_8);
  }

  private String field(byte[] b, int f) {
    return strings.get(b, cuts[f] + 1, cuts[f + 1]);
  }

  /** Non-negative decimal integer in {@code [from, to)}, or -1. */
  static long digits(byte[] s, int from, int to) {
    if (from >= to || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = s[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private final byte[] lastDate = new byte[10];
  private long lastDays = Long.MIN_VALUE;

  private long time(byte[] b, int f) {
    int from = cuts[f] + 1;
    int to = cuts[f + 1];
    // consecutive timestamps mostly share the date: reuse its day number
    if (to - from == 19 && lastDays != Long.MIN_VALUE && b[from + 10] == 'T' && b[from + 13] == ':'
        && b[from + 16] == ':' && Arrays.equals(b, from, from + 10, lastDate, 0, 10)) {
      long h = digits(b, from + 11, from + 13);
      long mi = digits(b, from + 14, from + 16);
      long se = digits(b, from + 17, from + 19);
      if (h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59) {
        return lastDays * 86400 + h * 3600 + mi * 60 + se;
      }
    }
    long t = fastTimestamp(b, from, to);
    if (t != Long.MIN_VALUE) {
      System.arraycopy(b, from, lastDate, 0, 10);
      lastDays = Math.floorDiv(t, 86400L);
      return t;
    }
    Long slow = SlurmValues.timestamp(text(b, from, to));
    return slow == null ? -1 : slow;
  }

  /** {@code YYYY-MM-DDTHH:MM:SS} (UTC) to epoch seconds, or {@code Long.MIN_VALUE} if not exactly that shape. */
  static long fastTimestamp(byte[] s, int from, int to) {
    if (to - from != 19 || s[from + 4] != '-' || s[from + 7] != '-' || s[from + 10] != 'T'
        || s[from + 13] != ':' || s[from + 16] != ':') {
      return Long.MIN_VALUE;
    }
    long y = digits(s, from, from + 4);
    long mo = digits(s, from + 5, from + 7);
    long d = digits(s, from + 8, from + 10);
    long h = digits(s, from + 11, from + 13);
    long mi = digits(s, from + 14, from + 16);
    long se = digits(s, from + 17, from + 19);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) {
      return Long.MIN_VALUE;
    }
    return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
  static long daysFromCivil(long y, long m, long d) {
    y -= m <= 2 ? 1 : 0;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }

  private static final byte[] GPU = "gres/gpu".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MEM = "mem=".getBytes(StandardCharsets.US_ASCII);

  /** Index of the TRES item starting with {@code key} in {@code [from, to)}, or -1. */
  private static int item(byte[] b, int from, int to, byte[] key, int searchFrom) {
    for (int i = searchFrom; i + key.length <= to; i++) {
      if ((i == from || b[i - 1] == ',') && Arrays.equals(b, i, i + key.length, key, 0, key.length)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * GPUs in AllocTRES, same rule as {@link SlurmValues#gpus}: the untyped {@code gres/gpu=N} wins, typed
   * {@code gres/gpu:TYPE=N} are summed only without it. Unusual values (suffixes) go through
   * {@link SlurmValues} itself.
   */
  static long gpus(byte[] b, int from, int to) {
    int i = item(b, from, to, GPU, from);
    if (i < 0) {
      return 0;
    }
    long typed = 0;
    while (i >= 0) {
      int k = i + GPU.length;
      if (k < to && (b[k] == '=' || b[k] == ':')) {
        int eq = k;
        while (eq < to && b[eq] != '=' && b[eq] != ',') {
          eq++;
        }
        int end = eq;
        while (end < to && b[end] != ',') {
          end++;
        }
        long v = eq < to && b[eq] == '=' ? digits(b, eq + 1, end) : -1;
        if (v < 0) {
          return SlurmValues.gpus(SlurmValues.tres(text(b, from, to)));
        }
        if (b[k] == '=') {
          return v;
        }
        typed += v;
      }
      i = item(b, from, to, GPU, i + 1);
    }
    return typed;
  }

  /** {@code mem=} of AllocTRES in bytes, or -1 if absent. */
  static long allocatedMemory(byte[] b, int from, int to) {
    int i = item(b, from, to, MEM, from);
    if (i < 0) {
      return -1;
    }
    int v = i + MEM.length;
    int end = v;
    while (end < to && b[end] != ',') {
      end++;
    }
    // common case: integer + binary unit
    int last = end - 1;
    if (last >= v) {
      long n = digits(b, v, b[last] >= '0' && b[last] <= '9' ? end : last);
      if (n >= 0) {
        long mult = switch (b[last]) {
          case 'K', 'k' -> 1L << 10;
          case 'G', 'g' -> 1L << 30;
          case 'T', 't' -> 1L << 40;
          case 'P', 'p' -> 1L << 50;
          default -> b[last] >= '0' && b[last] <= '9' || b[last] == 'M' || b[last] == 'm' ? 1L << 20 : -1;
        };
        if (mult > 0) {
          return n * mult;
        }
      }
    }
    Long bytes = SlurmValues.memoryBytes(text(b, v, end));
    return bytes == null ? -1 : bytes;
  }

  /**
   * ReqMem in bytes for the whole job. Before Slurm 21.08 the value ends in {@code c} (per CPU) or
   * {@code n} (per node): {@code 4000Mc} with 4 CPUs is 16000 MiB, {@code 1.50Gn} on 2 nodes is 3 GiB.
   */
  static long requestedMemory(String reqMem, long cpus, long nodes) {
    if (KeyValues.isNull(reqMem)) {
      return -1;
    }
    String t = reqMem.strip();
    long mult = 1;
    char last = t.charAt(t.length() - 1);
    if (last == 'c' || last == 'n') {
      mult = last == 'c' ? Math.max(cpus, 1) : Math.max(nodes, 1);
      t = t.substring(0, t.length() - 1);
    }
    if (t.isEmpty()) {
      return -1;
    }
    Long b = SlurmValues.memoryBytes(t);
    return b == null ? -1 : b * mult;
  }
}
