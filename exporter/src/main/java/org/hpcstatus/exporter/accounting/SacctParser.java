package org.hpcstatus.exporter.accounting;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
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

  /** Parses every line of {@code text}. */
  public static Parsed<List<JobRecord>> parse(String text) {
    List<JobRecord> out = new ArrayList<>();
    Counts c = new SacctParser().parse(new BufferedReader(new StringReader(text)), out::add);
    return Parsed.of(out, c.errors);
  }

  /** Streams records to {@code sink}; never throws on bad input. */
  public Counts parse(BufferedReader in, Consumer<JobRecord> sink) {
    Counts c = new Counts();
    try {
      String line;
      while ((line = in.readLine()) != null) {
        parseLine(line, sink, c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return c;
  }

  /** Parses one line into {@code sink} (or counts why not). */
  public void parseLine(String line, Consumer<JobRecord> sink, Counts c) {
    if (line.isEmpty() || line.isBlank()) {
      return;
    }
    int n = 0;
    cuts[0] = -1;
    int len = line.length();
    for (int i = 0; i < len; i++) {
      if (line.charAt(i) == '|') {
        if (++n >= FIELDS) {
          break;
        }
        cuts[n] = i;
      }
    }
    if (n != FIELDS - 1) {
      c.errors.add("expected " + FIELDS + " fields", line);
      return;
    }
    cuts[FIELDS] = len;
    // steps: JobIDRaw "123.batch", "123.extern", "123.0"
    int idStart = cuts[F_JOBIDRAW] + 1;
    int idEnd = cuts[F_JOBIDRAW + 1];
    for (int i = idStart; i < idEnd; i++) {
      if (line.charAt(i) == '.') {
        c.steps++;
        return;
      }
    }
    long id = digits(line, idStart, idEnd);
    if (id < 0 || id > 0xFFFF_FFFFL) {
      c.errors.add("bad JobIDRaw", line);
      return;
    }
    JobState state = JobState.parse(field(line, F_STATE));
    if (state == null) {
      c.notFinished++;
      return;
    }
    long end = time(line, F_END);
    if (end < 0) {
      c.errors.add("finished job without End", line);
      return;
    }
    long elapsed = digits(line, cuts[F_ELAPSED] + 1, cuts[F_ELAPSED + 1]);
    long cpus = digits(line, cuts[F_CPUS] + 1, cuts[F_CPUS + 1]);
    if (elapsed < 0 || cpus < 0) {
      c.errors.add("bad ElapsedRaw/AllocCPUS", line);
      return;
    }
    long submit = time(line, F_SUBMIT);
    long start = time(line, F_START);
    String tres = field(line, F_TRES);
    long gpus = tres.contains("gres/gpu") ? SlurmValues.gpus(SlurmValues.tres(tres)) : 0;
    long mem = allocatedMemory(tres);
    if (mem < 0) {
      mem = requestedMemory(field(line, F_REQMEM), cpus, digits(line, cuts[F_NNODES] + 1, cuts[F_NNODES + 1]));
    }
    String user = field(line, F_USER);
    if (user.isEmpty()) {
      user = "unknown";
    }
    c.jobs++;
    sink.accept(new JobRecord(id, field(line, F_JOBID), user, orNone(field(line, F_ACCOUNT)),
        orNone(field(line, F_PARTITION)), orNone(field(line, F_QOS)), state, submit, start, end, elapsed, cpus,
        gpus, Math.max(0, mem)));
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "none" : s;
  }

  private String field(String line, int f) {
    return line.substring(cuts[f] + 1, cuts[f + 1]);
  }

  /** Non-negative decimal integer in {@code [from, to)}, or -1. */
  private static long digits(String s, int from, int to) {
    if (from >= to || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private long time(String line, int f) {
    int from = cuts[f] + 1;
    int to = cuts[f + 1];
    long t = fastTimestamp(line, from, to);
    if (t != Long.MIN_VALUE) {
      return t;
    }
    Long slow = SlurmValues.timestamp(line.substring(from, to));
    return slow == null ? -1 : slow;
  }

  /** {@code YYYY-MM-DDTHH:MM:SS} (UTC) to epoch seconds, or {@code Long.MIN_VALUE} if not exactly that shape. */
  static long fastTimestamp(String s, int from, int to) {
    if (to - from != 19 || s.charAt(from + 4) != '-' || s.charAt(from + 7) != '-' || s.charAt(from + 10) != 'T'
        || s.charAt(from + 13) != ':' || s.charAt(from + 16) != ':') {
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

  /** {@code mem=} of AllocTRES in bytes, or -1 if absent. */
  static long allocatedMemory(String tres) {
    int i = tres.startsWith("mem=") ? 0 : tres.indexOf(",mem=");
    if (i < 0) {
      return -1;
    }
    int from = i == 0 ? 4 : i + 5;
    int to = tres.indexOf(',', from);
    Long b = SlurmValues.memoryBytes(tres.substring(from, to < 0 ? tres.length() : to));
    return b == null ? -1 : b;
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
