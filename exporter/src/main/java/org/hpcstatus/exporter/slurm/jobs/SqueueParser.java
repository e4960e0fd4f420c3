package org.hpcstatus.exporter.slurm.jobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.common.Gres;
import org.hpcstatus.exporter.slurm.common.KeyValues;
import org.hpcstatus.exporter.slurm.common.SlurmValues;

/**
 * Pure parser of {@code squeue -a -r -h -O <FORMAT>}. Fields are '|'-terminated and unpadded; the
 * free-text job name comes last so that a '|' inside a name cannot shift the other fields.
 */
public final class SqueueParser {

  /**
   * squeue -O field list; {@code Field:|} prints the field unpadded followed by '|'. JobArrayID is
   * {@code 85_1} for array tasks and {@code 123+0} for het components; JobID is the numeric id.
   */
  public static final String FORMAT = "JobArrayID:|,JobID:|,UserName:|,Account:|,Partition:|,StateCompact:|,"
      + "Reason:|,NumCPUs:|,NumNodes:|,tres-alloc:|,tres-per-node:|,tres-per-job:|,QOS:|,SubmitTime:|,"
      + "StartTime:|,Name:";
  static final int FIELDS = 16;

  private SqueueParser() {}

  public static Parsed<List<Job>> parse(String output) {
    Parsed.Errors errors = new Parsed.Errors();
    List<Job> jobs = new ArrayList<>();
    int start = 0;
    int len = output.length();
    while (start < len) {
      int nl = output.indexOf('\n', start);
      if (nl < 0) {
        nl = len;
      }
      String line = output.substring(start, nl);
      start = nl + 1;
      if (line.isBlank()) {
        continue;
      }
      Job j = parseLine(line, errors);
      if (j != null) {
        jobs.add(j);
      }
    }
    return Parsed.of(jobs, errors);
  }

  static Job parseLine(String line, Parsed.Errors errors) {
    // field boundaries by hand: String.split allocated all 16 fields of 100k lines per poll
    int[] start = new int[FIELDS];
    int[] end = new int[FIELDS];
    int f = 0;
    int pos = 0;
    while (f < FIELDS - 1) {
      int bar = line.indexOf('|', pos);
      if (bar < 0) {
        break;
      }
      start[f] = pos;
      end[f] = bar;
      f++;
      pos = bar + 1;
    }
    if (f < FIELDS - 1) {
      errors.add("expected " + FIELDS + " fields, got " + (f + 1), line);
      return null;
    }
    start[FIELDS - 1] = pos; // the name: the rest of the line, '|' included
    end[FIELDS - 1] = line.length();
    String id = field(line, start, end, 0);
    if (id.isEmpty() || !Character.isDigit(id.charAt(0))) {
      errors.add("bad job id", line);
      return null;
    }
    String rawState = field(line, start, end, 5);
    String state = JobStates.normalise(rawState);
    if (state == null) {
      errors.add("unknown job state '" + rawState + "'", line);
      return null;
    }
    long cpus = number(line, start[7], end[7]);
    long nodes = number(line, start[8], end[8]);
    if (cpus < 0 || nodes < 0) {
      errors.add("bad CPU or node count", line);
      return null;
    }
    String part = field(line, start, end, 4);
    List<String> partitions = KeyValues.isNull(part) ? List.of()
        : part.indexOf(',') < 0 ? List.of(part)
        : List.copyOf(new LinkedHashSet<>(Arrays.asList(part.split(","))));
    long gpus = gpus(field(line, start, end, 9), field(line, start, end, 10), field(line, start, end, 11), nodes);
    return new Job(id, field(line, start, end, 2), field(line, start, end, 3), partitions, state,
        normaliseReason(field(line, start, end, 6)), cpus, nodes, gpus, field(line, start, end, 12),
        SlurmValues.timestamp(field(line, start, end, 13)), SlurmValues.timestamp(field(line, start, end, 14)));
  }

  private static String field(String line, int[] start, int[] end, int i) {
    int s = start[i];
    int e = end[i];
    while (s < e && line.charAt(s) == ' ') {
      s++;
    }
    while (e > s && line.charAt(e - 1) == ' ') {
      e--;
    }
    return line.substring(s, e);
  }

  /** Non-negative decimal between from and to (spaces allowed around), or -1. */
  private static long number(String line, int from, int to) {
    while (from < to && line.charAt(from) == ' ') {
      from++;
    }
    while (to > from && line.charAt(to - 1) == ' ') {
      to--;
    }
    if (from == to || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * GPUs of a job: allocated TRES when the job has an allocation (covers {@code --gres}, {@code --gpus},
   * {@code --gpus-per-node}); else the request, per job or per node × nodes.
   */
  static long gpus(String tresAlloc, String tresPerNode, String tresPerJob, long nodes) {
    String ta = tresAlloc.strip();
    if (!KeyValues.isNull(ta)) {
      // most jobs have no GPU: skip building the TRES map
      return ta.contains("gres/gpu") ? SlurmValues.gpus(SlurmValues.tres(ta)) : 0;
    }
    long perJob = requested(tresPerJob);
    if (perJob > 0) {
      return perJob;
    }
    return requested(tresPerNode) * Math.max(1, nodes);
  }

  /** {@code gres:gpu:a100:2}, {@code gres/gpu:2}, {@code gpu:2}, several comma-separated → GPU count. */
  static long requested(String tres) {
    if (tres == null || !tres.contains("gpu")) {
      return 0;
    }
    long total = 0;
    for (String item : SlurmValues.splitTopLevel(tres.strip())) {
      String t = item.strip();
      if (t.startsWith("gres:") || t.startsWith("gres/")) {
        t = t.substring(5);
      }
      if (t.startsWith("gpu=")) { // tres form gres/gpu=2
        Long n = SlurmValues.countValue(t.substring(4));
        total += n == null ? 0 : n;
        continue;
      }
      Map<String, Long> g = Gres.gpusByType(t.replace('=', ':'));
      if (g != null) {
        total += Gres.total(g);
      }
    }
    return total;
  }

  /**
   * {@code ReqNodeNotAvail, UnavailableNodes:cn[1-2]} → {@code ReqNodeNotAvail}; parentheses stripped;
   * {@code None} for jobs without a reason. Keeps the label set as small as Slurm's reason enum.
   */
  public static String normaliseReason(String raw) {
    String r = raw == null ? "" : raw.strip();
    if (r.startsWith("(") && r.endsWith(")")) {
      r = r.substring(1, r.length() - 1).strip();
    }
    int cut = r.length();
    for (char c : new char[] {',', ':', '('}) {
      int i = r.indexOf(c);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    r = r.substring(0, cut).strip();
    if (r.isEmpty() || r.equals("(null)")) {
      return "None";
    }
    return r.length() > 64 ? r.substring(0, 64) : r;
  }
}
