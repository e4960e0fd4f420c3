package org.hpcstatus.exporter.accounting;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.hpcstatus.exporter.core.Parsed;

/**
 * Pure parser of {@code sacct -n -P --format=}{@link #FORMAT}. Allocation lines become rows; step lines
 * ({@code 123.batch}, {@code 123.extern}, {@code 123.0}) are skipped and counted as steps, not errors; lines
 * that cannot be understood (or are longer than {@link #MAX_LINE_BYTES}) are counted as malformed and skipped.
 *
 * <p>Hot path (millions of lines per backfill month, straight from sacct's stdout): one pass over the bytes
 * finds line ends and separators 8 bytes at a time (SWAR: a {@code long} per step, zero-byte trick on
 * {@code x ^ '|'} and {@code x ^ '\n'}); names become dense int ids ({@link Names}); the common timestamp is
 * parsed by hand with a small cache of dates' day numbers; nothing is allocated per row — the
 * {@link Row} handed to a {@link RowSink} is reused. {@link JobRecord}s are built only for the callers that
 * want them.
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
  private static final int FIRST_BUFFER = 1 << 20;
  /** Bytes after the data that word reads may touch ({@link Names} reads 16 past a field's start). */
  private static final int SLACK = 16;
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

  private static final long PIPES = 0x7C7C7C7C7C7C7C7CL;
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

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

  /** One allocation line: valid only during {@link RowSink#row}, then reused. Names are {@link #names()} ids. */
  final class Row {
    long id;
    int user;
    int account;
    int partition;
    JobState state;
    long submit;
    long start;
    long end;
    long elapsed;
    long cpus;
    long gpus;
    long memoryBytes;
    private byte[] buf;

    JobRecord toRecord() {
      return new JobRecord(id, new String(buf, cuts[F_JOBID] + 1, cuts[F_JOBID + 1] - cuts[F_JOBID] - 1,
          StandardCharsets.ISO_8859_1), names.name(user), names.name(account), names.name(partition),
          names.name(orNone(names.id(buf, cuts[F_QOS] + 1, cuts[F_QOS + 1]))), state, submit, start, end, elapsed,
          cpus, gpus, memoryBytes);
    }
  }

  /** Receives the rows of a parse. */
  @FunctionalInterface
  interface RowSink {
    void row(Row r) throws IOException;
  }

  private final int[] cuts = new int[FIELDS + 1];
  private final long[] gpusOut = new long[1];
  private final Names names = new Names();
  private final Row row = new Row();
  private final int unknownId;
  private final int noneId;
  private final int emptyId;
  /** Per {@link Names} id of a State value: 0 = not looked at yet, 1 = not a terminal state, 2 + ordinal. */
  private byte[] stateById = new byte[64];
  private final Timestamps dates = new Timestamps();

  public SacctParser() {
    unknownId = names.id(Arrays.copyOf("unknown".getBytes(StandardCharsets.US_ASCII), 7 + SLACK), 0, 7);
    noneId = names.id(Arrays.copyOf("none".getBytes(StandardCharsets.US_ASCII), 4 + SLACK), 0, 4);
    emptyId = names.id(new byte[SLACK], 0, 0);
  }

  /** The names behind the ids of {@link Row}. */
  Names names() {
    return names;
  }

  private int orNone(int id) {
    return id == emptyId ? noneId : id;
  }

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

  /** Streams the records of UTF-8 sacct output to {@code sink}; never throws on bad input. */
  public Counts parse(InputStream in, Consumer<JobRecord> sink) throws IOException {
    return scan(in, r -> sink.accept(r.toRecord()));
  }

  /** High bit of each byte set where that byte of {@code x} is zero (exact: no false positives). */
  private static long zeroBytes(long x) {
    return ~(((x & LOW7) + LOW7) | x | LOW7);
  }

  /**
   * Streams the rows of UTF-8 sacct output to {@code sink} over one reused buffer (1 MiB, growing only for
   * lines longer than that, up to {@link #MAX_LINE_BYTES}); never throws on bad input.
   */
  Counts scan(InputStream in, RowSink sink) throws IOException {
    Counts c = new Counts();
    int cap = FIRST_BUFFER;
    byte[] buf = new byte[cap + SLACK];
    int len = 0;
    int pos = 0; // next byte to scan
    int lineStart = 0;
    int pipes = 0;
    boolean skipping = false; // inside a line longer than MAX_LINE_BYTES
    int[] cuts = this.cuts;
    cuts[0] = -1;
    while (true) {
      int n = in.read(buf, len, cap - len);
      if (n < 0) {
        break;
      }
      len += n;
      while (pos < len) {
        long w = (long) Names.LONGS.get(buf, pos);
        int avail = len - pos;
        long nl = zeroBytes(w ^ NEWLINES);
        long m = zeroBytes(w ^ PIPES) | nl;
        if (avail < 8) {
          long keep = (1L << (avail << 3)) - 1;
          m &= keep;
          nl &= keep;
        }
        while (m != 0) {
          long bit = m & -m; // the high bit of the first matching byte k, i.e. 1 << (8k + 7)
          // k without numberOfTrailingZeros (not an intrinsic in C1, which the launcher uses): the multiply
          // shifts the byte sequence 7, 6 … 0 up by k bytes, so its top byte is k
          int at = pos + (int) (((bit >>> 7) * 0x0001020304050607L) >>> 56);
          m ^= bit;
          if ((nl & bit) == 0) {
            if (pipes < FIELDS && ++pipes < FIELDS) {
              cuts[pipes] = at;
            }
          } else {
            if (!skipping) {
              line(buf, lineStart, at, pipes, sink, c);
            }
            skipping = false;
            lineStart = at + 1;
            pipes = 0;
            cuts[0] = at;
          }
        }
        pos += Math.min(8, avail);
      }
      if (skipping) {
        len = 0; // still inside the over-long line: drop it as it streams by
        pos = 0;
        lineStart = 0;
      } else if (lineStart == 0 && len == cap) {
        if (cap < MAX_LINE_BYTES) {
          cap = Math.min(MAX_LINE_BYTES, cap * 2); // a long line: room for it
          buf = Arrays.copyOf(buf, cap + SLACK);
        } else {
          c.errors.add("line longer than " + MAX_LINE_BYTES + " bytes", text(buf, 0, 120) + "…");
          skipping = true;
          len = 0;
          pos = 0;
          pipes = 0;
          cuts[0] = -1;
        }
      } else if (lineStart > 0) {
        // move the partial last line to the front; its separators move with it
        int rest = len - lineStart;
        System.arraycopy(buf, lineStart, buf, 0, rest);
        for (int k = 1, top = Math.min(pipes, FIELDS - 1); k <= top; k++) {
          cuts[k] -= lineStart;
        }
        cuts[0] = -1;
        pos -= lineStart;
        len = rest;
        lineStart = 0;
      }
    }
    if (len > lineStart && !skipping) {
      line(buf, lineStart, len, pipes, sink, c);
    }
    return c;
  }

  /** One line {@code [from, to)} without its newline; {@code cuts[1..]} hold its separators. */
  private void line(byte[] b, int from, int to, int pipes, RowSink sink, Counts c) throws IOException {
    if (to > from && b[to - 1] == '\r') {
      to--;
    }
    if (pipes != FIELDS - 1) {
      boolean blank = true;
      for (int i = from; i < to && blank; i++) {
        blank = b[i] == ' ' || b[i] == '\t' || b[i] == '\r';
      }
      if (!blank) {
        c.errors.add("expected " + FIELDS + " fields", text(b, from, to));
      }
      return;
    }
    int[] cuts = this.cuts;
    cuts[FIELDS] = to;
    int idStart = cuts[F_JOBIDRAW] + 1;
    int idEnd = cuts[F_JOBIDRAW + 1];
    long id = 0;
    boolean digits = idEnd > idStart && idEnd - idStart <= 18;
    for (int i = idStart; i < idEnd && digits; i++) {
      int d = b[i] - '0';
      digits = d >= 0 && d <= 9;
      id = id * 10 + d;
    }
    if (!digits) {
      for (int i = idStart; i < idEnd; i++) {
        if (b[i] == '.') { // steps: JobIDRaw "123.batch", "123.extern", "123.0"
          c.steps++;
          return;
        }
      }
      c.errors.add("bad JobIDRaw", text(b, from, to));
      return;
    }
    if (id > 0xFFFF_FFFFL) {
      c.errors.add("bad JobIDRaw", text(b, from, to));
      return;
    }
    JobState state = state(b, cuts[F_STATE] + 1, cuts[F_STATE + 1]);
    if (state == null) {
      c.notFinished++;
      return;
    }
    long end = time(b, F_END);
    if (end < 0) {
      c.errors.add("finished job without End", text(b, from, to));
      return;
    }
    long elapsed = SacctValues.digits(b, cuts[F_ELAPSED] + 1, cuts[F_ELAPSED + 1]);
    long cpus = SacctValues.digits(b, cuts[F_CPUS] + 1, cuts[F_CPUS + 1]);
    if (elapsed < 0 || cpus < 0) {
      c.errors.add("bad ElapsedRaw/AllocCPUS", text(b, from, to));
      return;
    }
    Row r = row;
    r.submit = time(b, F_SUBMIT);
    r.start = time(b, F_START);
    int tFrom = cuts[F_TRES] + 1;
    int tTo = cuts[F_TRES + 1];
    long mem = SacctValues.gpusAndMemory(b, tFrom, tTo, gpusOut);
    r.gpus = gpusOut[0];
    if (mem < 0) {
      mem = SacctValues.requestedMemory(text(b, cuts[F_REQMEM] + 1, cuts[F_REQMEM + 1]), cpus,
          SacctValues.digits(b, cuts[F_NNODES] + 1, cuts[F_NNODES + 1]));
    }
    r.memoryBytes = Math.max(0, mem);
    int user = names.id(b, cuts[F_USER] + 1, cuts[F_USER + 1]);
    r.user = user == emptyId ? unknownId : user;
    r.account = orNone(names.id(b, cuts[F_ACCOUNT] + 1, cuts[F_ACCOUNT + 1]));
    r.partition = orNone(names.id(b, cuts[F_PARTITION] + 1, cuts[F_PARTITION + 1]));
    r.id = id;
    r.state = state;
    r.end = end;
    r.elapsed = elapsed;
    r.cpus = cpus;
    r.buf = b;
    c.jobs++;
    sink.row(r);
  }

  private JobState state(byte[] b, int from, int to) {
    int id = names.id(b, from, to);
    if (id >= stateById.length) {
      stateById = Arrays.copyOf(stateById, Math.max(id + 1, stateById.length * 2));
    }
    int s = stateById[id];
    if (s == 0) {
      JobState st = JobState.parse(names.name(id));
      s = st == null ? 1 : 2 + st.ordinal();
      stateById[id] = (byte) s;
    }
    return s == 1 ? null : JobState.ALL[s - 2];
  }

  private static String text(byte[] b, int from, int to) {
    return new String(b, from, Math.max(0, to - from), StandardCharsets.UTF_8);
  }

  /** Field {@code f} as epoch seconds, or -1. */
  private long time(byte[] b, int f) {
    return dates.epochSeconds(b, cuts[f] + 1, cuts[f + 1]);
  }

  /** {@code YYYY-MM-DDTHH:MM:SS} (UTC) to epoch seconds, or {@code Long.MIN_VALUE} (see {@link SacctValues}). */
  static long fastTimestamp(byte[] s, int from, int to) {
    return SacctValues.fastTimestamp(s, from, to);
  }

  /** ReqMem in bytes for the whole job (legacy {@code c}/{@code n} suffixes; see {@link SacctValues}). */
  static long requestedMemory(String reqMem, long cpus, long nodes) {
    return SacctValues.requestedMemory(reqMem, cpus, nodes);
  }
}
