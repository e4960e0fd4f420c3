package org.hpcstatus.exporter.slurm.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.common.SlurmValues;

/** Pure parser of {@code sdiag}'s text report. */
public final class SdiagParser {
  private static final Pattern KV = Pattern.compile("^\\s*([A-Za-z][^:]*?)\\s*:\\s*(.*?)\\s*$");
  private static final Pattern EPOCH = Pattern.compile("\\((\\d{6,18})\\)\\s*$");
  private static final Pattern RPC = Pattern.compile(
      "^\\s*(\\S+)\\s*\\(\\s*(\\d+)\\)\\s*count:\\s*(\\d{1,18})\\s+ave_time:\\s*(\\d+)\\s+total_time:\\s*(\\d{1,18})\\s*$");
  private static final Pattern LEADING_NUMBER = Pattern.compile("^(-?\\d+(?:\\.\\d+)?)");

  private enum Section { GENERAL, MAIN, BACKFILL, RPC_TYPE, RPC_USER, OTHER }

  private SdiagParser() {}

  public static Parsed<Sdiag> parse(String output) {
    Parsed.Errors errors = new Parsed.Errors();
    Map<String, Double> general = new LinkedHashMap<>();
    Map<String, Double> main = new LinkedHashMap<>();
    Map<String, Double> backfill = new LinkedHashMap<>();
    Map<String, Sdiag.Rpc> byType = new LinkedHashMap<>();
    Map<String, Sdiag.Rpc> byUser = new LinkedHashMap<>();
    Long dataSince = null;
    Long bfLast = null;
    Section sec = Section.GENERAL;
    boolean sawAnything = false;
    for (String line : output.split("\n")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("*****") || t.startsWith("sdiag output at")) {
        continue;
      }
      if (t.startsWith("Data since")) { // "Data since      Mon Nov 23 19:34:17 2026 (1795462457)": no colon
        Matcher ep = EPOCH.matcher(t);
        if (ep.find()) {
          dataSince = Long.parseLong(ep.group(1));
          sawAnything = true;
        } else {
          errors.add("Data since without epoch", line);
        }
        continue;
      }
      if (t.startsWith("Main schedule statistics")) {
        sec = Section.MAIN;
        continue;
      }
      if (t.startsWith("Backfilling stats")) {
        sec = Section.BACKFILL;
        continue;
      }
      if (t.startsWith("Remote Procedure Call statistics by message type")) {
        sec = Section.RPC_TYPE;
        continue;
      }
      if (t.startsWith("Remote Procedure Call statistics by user")) {
        sec = Section.RPC_USER;
        continue;
      }
      if (t.startsWith("Pending RPC statistics") || t.startsWith("No pending RPCs")
          || t.startsWith("Latency for") || t.startsWith("Remote Procedure Call statistics")) {
        sec = t.startsWith("Latency for") ? sec : Section.OTHER;
        continue;
      }
      if (sec == Section.RPC_TYPE || sec == Section.RPC_USER) {
        Matcher m = RPC.matcher(line);
        if (m.matches()) {
          Sdiag.Rpc r = new Sdiag.Rpc(Long.parseLong(m.group(3)), Long.parseLong(m.group(5)));
          (sec == Section.RPC_TYPE ? byType : byUser).merge(m.group(1), r,
              (a, b) -> new Sdiag.Rpc(saturated(a.count(), b.count()), saturated(a.totalMicros(), b.totalMicros())));
          sawAnything = true;
        } else {
          errors.add("bad RPC line", line);
        }
        continue;
      }
      if (sec == Section.OTHER) {
        continue;
      }
      Matcher kv = KV.matcher(line);
      if (!kv.matches()) {
        errors.add("not 'key: value'", line);
        continue;
      }
      String key = kv.group(1);
      String value = kv.group(2);
      Matcher ep = EPOCH.matcher(value);
      if (ep.find()) {
        long ts = Long.parseLong(ep.group(1));
        if (key.equals("Data since")) {
          dataSince = ts;
        } else if (key.equals("Last cycle when")) {
          bfLast = ts;
        }
        sawAnything = true;
        continue;
      }
      Matcher num = LEADING_NUMBER.matcher(value);
      if (!num.find()) {
        if (!key.equals("Last cycle when")) { // "N/A" before the first backfill cycle
          errors.add("non-numeric value", line);
        }
        continue;
      }
      Double v = SlurmValues.parseDouble(num.group(1));
      if (v == null) {
        errors.add("non-numeric value", line);
        continue;
      }
      sawAnything = true;
      switch (sec) {
        case MAIN -> main.put(key, v);
        case BACKFILL -> backfill.put(key, v);
        default -> general.put(key, v);
      }
    }
    if (!sawAnything) {
      // sdiag always prints its report: silence or an unrecognised text is a failure, not all-zero stats
      errors.fatal("no sdiag data recognised", output.length() > 80 ? output.substring(0, 80) : output);
    }
    return Parsed.of(new Sdiag(general, main, backfill, byType, byUser, dataSince, bfLast), errors);
  }

  /** a + b, or Long.MAX_VALUE instead of wrapping to a negative count. */
  private static long saturated(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
