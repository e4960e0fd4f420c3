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
    String[] f = line.split("\\|", FIELDS);
    if (f.length < FIELDS) {
      errors.add("expected " + FIELDS + " fields, got " + f.length, line);
      return null;
    }
    String id = f[0].strip();
    if (id.isEmpty() || !Character.isDigit(id.charAt(0))) {
      errors.add("bad job id", line);
      return null;
    }
    String state = JobStates.normalise(f[5]);
    if (state == null) {
      errors.add("unknown job state '" + f[5].strip() + "'", line);
      return null;
    }
    Long cpus = SlurmValues.parseLong(f[7]);
    Long nodes = SlurmValues.parseLong(f[8]);
    if (cpus == null || nodes == null) {
      errors.add("bad CPU or node count", line);
      return null;
    }
    List<String> partitions = KeyValues.isNull(f[4].strip()) ? List.of()
        : List.copyOf(new LinkedHashSet<>(Arrays.asList(f[4].strip().split(","))));
    long gpus = gpus(f[9], f[10], f[11], nodes);
    return new Job(id, f[2].strip(), f[3].strip(), partitions, state, normaliseReason(f[6]), cpus, nodes, gpus,
        f[12].strip(), SlurmValues.timestamp(f[13].strip()), SlurmValues.timestamp(f[14].strip()));
  }

  /**
   * GPUs of a job: allocated TRES when the job has an allocation (covers {@code --gres}, {@code --gpus},
   * {@code --gpus-per-node}); else the request, per job or per node × nodes.
   */
  static long gpus(String tresAlloc, String tresPerNode, String tresPerJob, long nodes) {
    Map<String, String> alloc = SlurmValues.tres(tresAlloc.strip());
    if (!alloc.isEmpty()) {
      return SlurmValues.gpus(alloc);
    }
    long perJob = requested(tresPerJob);
    if (perJob > 0) {
      return perJob;
    }
    return requested(tresPerNode) * Math.max(1, nodes);
  }

  /** {@code gres:gpu:a100:2}, {@code gres/gpu:2}, {@code gpu:2}, several comma-separated → GPU count. */
  static long requested(String tres) {
    if (KeyValues.isNull(tres == null ? null : tres.strip())) {
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
